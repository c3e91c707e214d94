// Fuzz targets on the Kafka side: the request decoder for every API and
// version, the record-batch parser and validator, and each decompressor.
import fc from 'fast-check'
import { decodeRequest, encodeRequest, requestHeaderSpec, requestHeaderVersion } from '../../../src/protocol/headers.js'
import { defaultBody, encodeMessage } from '../../../src/protocol/codec.js'
import { apiRegistry, definedApis } from '../../../src/protocol/messages/index.js'
import { Writer } from '../../../src/protocol/primitives/writer.js'
import { isCodecError, isTributaryError } from '../../../src/errors.js'
import { BATCH_HEADER_SIZE, Compression, computeBatchCrc, encodeBatch, splitBatches, decodeBatch, compress, decompress } from '../../../src/protocol/records/index.js'
import { validateRecords } from '../../../src/protocol/records/validate.js'
import { kafkaWireFixtures } from '../../helpers/conformance.js'
import { mutatedBytes } from '../mutate.js'
import { FuzzFinding, type FuzzTarget } from './types.js'

/** Decompression cap used by the targets: small, so a mutated seed that inflates past it is common. */
const FUZZ_MAX_DECOMPRESSED = 64 * 1024
const registry = apiRegistry(definedApis)

/** A request frame (no size prefix) around `body`, as a client at `version` sends it. */
function frameAround (apiKey: number, version: number, body: Buffer): Buffer {
  const api = registry.get(apiKey)!
  const header = new Writer()
  encodeMessage(requestHeaderSpec, requestHeaderVersion(apiKey, version, api), { requestApiKey: apiKey, requestApiVersion: version, correlationId: 7, clientId: 'fuzz' }, header)
  return Buffer.concat([header.toBuffer(), body])
}

/** Seeds: every captured request body, and every API at every version with its default body. */
function requestSeeds (): Buffer[] {
  const seeds: Buffer[] = []
  const byName = new Map(definedApis.map(api => [api.name.toLowerCase(), api]))
  for (const fixture of kafkaWireFixtures()) {
    const api = byName.get(fixture.api.toLowerCase())
    if (fixture.kind !== 'request' || api === undefined || fixture.version < api.minVersion || fixture.version > api.maxVersion) continue
    seeds.push(frameAround(api.apiKey, fixture.version, Buffer.from(fixture.hex, 'hex')))
  }
  for (const api of definedApis) {
    for (let version = api.minVersion; version <= api.maxVersion; version++) {
      const frame = Buffer.concat(encodeRequest(api, version, 7, 'fuzz', defaultBody(api.request, version)))
      seeds.push(frame.subarray(4))
    }
  }
  return seeds
}

/** Array elements in a decoded body: each must have cost at least one byte of the frame. */
function countElements (value: unknown): number {
  let n = 0
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue
    if (Array.isArray(v)) n += v.length
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push(child)
  }
  return n
}

export const kafkaRequestTarget: FuzzTarget<Buffer> = {
  name: 'kafka-request',
  // the first 4 bytes (API key and version) mutate less often than the rest: most inputs stay on one API's decoder
  inputs: () => {
    const seeds = requestSeeds()
    return fc.oneof({ weight: 4, arbitrary: mutatedBytes(seeds, 4) }, { weight: 1, arbitrary: mutatedBytes(seeds) })
  },
  check: frame => {
    let decoded
    try {
      decoded = decodeRequest(frame, registry)
    } catch (err) {
      if (isCodecError(err)) return
      throw err
    }
    if (decoded.kind !== 'ok') return
    const elements = countElements(decoded.body)
    if (elements > frame.length) throw new FuzzFinding(`${decoded.api.name} v${decoded.header.requestApiVersion}: ${elements} array elements decoded from a ${frame.length}-byte frame`)
  }
}

const CODECS = [Compression.none, Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]

function batchSeeds (): Buffer[] {
  const seeds: Buffer[] = []
  for (const compression of CODECS) {
    seeds.push(encodeBatch([{ value: 'a' }], { compression }))
    seeds.push(encodeBatch([
      { key: 'k1', value: Buffer.alloc(300, 'v'), headers: [{ key: 'h', value: 'x' }], timestamp: 1_700_000_000_000 },
      { key: null, value: null, timestamp: 1_700_000_000_005 },
      { key: 'k3', value: '{"json":true}', headers: [{ key: 'a', value: null }, { key: 'b', value: 'c' }] }
    ], { compression, producerId: 42, producerEpoch: 1, baseSequence: 5 }))
  }
  seeds.push(Buffer.concat([encodeBatch([{ value: 'one' }]), encodeBatch([{ value: 'two' }], { compression: Compression.zstd })]))
  return seeds
}

/** Gives the first batch a right CRC, so mutations reach the record validator rather than stopping at the checksum. */
function withFixedCrc (payload: Buffer): Buffer {
  if (payload.length < BATCH_HEADER_SIZE) return payload
  const size = payload.readInt32BE(8) + 12
  if (size < BATCH_HEADER_SIZE || size > payload.length) return payload
  const out = Buffer.from(payload)
  out.writeUInt32BE(computeBatchCrc(out, 0, size), 17)
  return out
}

export const recordBatchTarget: FuzzTarget<Buffer> = {
  name: 'record-batch',
  inputs: () => mutatedBytes(batchSeeds()),
  check: raw => {
    for (const payload of [raw, withFixedCrc(raw)]) {
      // the produce path: split (CRC, sizes), then every record walked
      let accepted = false
      try {
        const spans = splitBatches(payload, { maxBatchBytes: 1 << 20 })
        validateRecords(payload, spans, { maxDecompressedBytes: FUZZ_MAX_DECOMPRESSED, requireKeys: false })
        accepted = spans.length > 0
      } catch (err) {
        if (!isTributaryError(err)) throw err
      }
      // the reading path (SDK, bus): decode records; what the produce path accepted must decode
      try {
        const batch = decodeBatch(payload, 0, FUZZ_MAX_DECOMPRESSED)
        if (accepted && batch.records.length !== batch.header.recordCount) throw new FuzzFinding(`accepted batch decodes to ${batch.records.length} of ${batch.header.recordCount} records`)
      } catch (err) {
        if (!isTributaryError(err)) throw err
        if (accepted) throw new FuzzFinding(`a batch the produce path accepted does not decode: ${(err as Error).message}`)
      }
    }
  }
}

function decompressSeeds (codec: number): Buffer[] {
  const text = Buffer.from('{"event":"order-placed","id":12345,"items":[1,2,3]}\n'.repeat(200))
  const random = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 251))
  // the last one inflates past the cap: a small bomb
  return [Buffer.alloc(0), Buffer.from('x'), text, random, Buffer.alloc(48 * 1024), Buffer.alloc(FUZZ_MAX_DECOMPRESSED * 4)].map(data => compress(codec, data))
}

function decompressTarget (name: string, codec: number): FuzzTarget<Buffer> {
  return {
    name: `decompress-${name}`,
    inputs: () => mutatedBytes(decompressSeeds(codec)),
    check: data => {
      let out: Buffer
      try {
        out = decompress(codec, data, FUZZ_MAX_DECOMPRESSED)
      } catch (err) {
        if (isTributaryError(err)) return
        throw err
      }
      if (out.length > FUZZ_MAX_DECOMPRESSED) throw new FuzzFinding(`${name} inflated to ${out.length} bytes, over the cap of ${FUZZ_MAX_DECOMPRESSED}`)
    }
  }
}

export const decompressTargets = [
  decompressTarget('gzip', Compression.gzip),
  decompressTarget('snappy', Compression.snappy),
  decompressTarget('lz4', Compression.lz4),
  decompressTarget('zstd', Compression.zstd)
]
