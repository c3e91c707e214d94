// DescribeLogDirs (key 35), versions 0-4.
//
// There is one log directory, the data directory, answered under its absolute
// path. It lists every partition asked for (null: every partition of every
// topic) with partitionSize, the bytes of its segment files as the log engine
// counts them (what retention.bytes is measured against); offsetLag is 0 and
// isFutureKey false, as there are no replicas and no log moves between
// directories. Partitions this broker does not have are left out, and a topic
// none of whose asked partitions exist is left out, as Kafka does.
// Errors: KAFKA_STORAGE_ERROR on the directory when its file system cannot be
// read (statfs fails); the top-level errorCode is always NONE (no authorizer).
//
// Version notes: v1 is v0 (throttling after the response); v2 is flexible;
// v3 adds the top-level errorCode; v4 adds the directory's totalBytes and
// usableBytes (statfs of the data directory; -1 when the store has no disk
// behind it, e.g. the in-memory file system).
import { resolve } from 'node:path'
import { describeLogDirsApi } from '../../protocol/messages/describe-log-dirs.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { DiskSpace, LogManager } from '../../log/index.js'
import type { Handler } from './types.js'

type LogDirTopic = Element<Element<ResponseInput<'DescribeLogDirs'>['results']>['topics']>
type Wanted = Array<{ topic: string, partitions: number[] }> | null

export const describeLogDirsHandler: Handler<'DescribeLogDirs'> = {
  api: describeLogDirsApi,
  async handle (request, ctx) {
    const { log } = ctx.services
    const logDir = resolve(log.dataDir)
    let space: DiskSpace
    try {
      space = await log.diskSpace()
    } catch (err) {
      ctx.services.logger.warn({ err, logDir }, 'DescribeLogDirs: cannot read the data directory\'s file system')
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        results: [{ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir, topics: [] }]
      }
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{
        errorCode: ErrorCode.NONE,
        logDir,
        topics: describeTopics(log, request.topics),
        totalBytes: space.totalBytes,
        usableBytes: space.usableBytes
      }]
    }
  }
}

function describeTopics (log: LogManager, wanted: Wanted): LogDirTopic[] {
  const asked = wanted ?? log.topics().map(t => ({ topic: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) }))
  const out: LogDirTopic[] = []
  for (const { topic, partitions } of asked) {
    const described = []
    for (const partitionIndex of new Set(partitions)) {
      const partition = log.partition(topic, partitionIndex)
      if (partition === undefined) continue
      described.push({ partitionIndex, partitionSize: partition.sizeInBytes, offsetLag: 0, isFutureKey: false })
    }
    if (described.length > 0) out.push({ name: topic, partitions: described })
  }
  return out
}
