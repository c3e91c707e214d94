// Child of offsets.test.ts, run under a file size limit (ulimit -f) so the
// group journal fills up as on a full disk: commits offsets 1, 2, ... of
// orders/0 for group `g` until one fails, then reports on one JSON line what
// the coordinator answered and what it shows afterwards.
import { GroupCoordinator } from '../../../src/broker/groups/index.js'
import { at } from '../../helpers/at.js'

const [dir, max] = process.argv.slice(2) as [string, string]
const padding = 'm'.repeat(1000)

const commit = (groupId: string, offset: number): Parameters<GroupCoordinator['commitOffsets']>[0] => ({
  groupId,
  generationId: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1,
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: BigInt(offset), committedMetadata: padding }] }]
})

const fetched = (c: GroupCoordinator, groupId: string): string | null => {
  const p = at(at(c.fetchOffsets(groupId, [{ name: 'orders', partitionIndexes: [0] }]).topics, 0).partitions, 0)
  return p.committedOffset === -1n ? null : `${p.committedOffset}`
}

async function main (): Promise<void> {
  const c = new GroupCoordinator({ dataDir: dir, nodeId: 1, topicPartitionExists: () => true, compactAfterBytes: 1 << 30 })
  await c.open()
  let acked = 0
  for (let offset = 1; offset <= Number(max); offset++) {
    const errorCode = at(at(await c.commitOffsets(commit('g', offset)), 0).partitions, 0).errorCode
    if (errorCode === 0) { acked = offset; continue }
    // The failed commit of a group never seen before must not leave that group behind either.
    const freshCode = at(at(await c.commitOffsets(commit('fresh', 1)), 0).partitions, 0).errorCode
    process.stdout.write(JSON.stringify({
      acked,
      failedOffset: offset,
      errorCode,
      fetchedAfterFailure: fetched(c, 'g'),
      freshCode,
      groupsAfterFailure: c.listGroups().groups.map(g => g.groupId)
    }) + '\n')
    return
  }
  process.stdout.write(JSON.stringify({ acked, failedOffset: null }) + '\n')
}

main().then(() => process.exit(0), err => { console.error(err); process.exit(1) })
