// The request and response types derived from the message definitions. Most of
// this file is checked by the compiler (npx tsc -p tsconfig.test.json): each
// `@ts-expect-error` line must be an error, or tsc fails with "Unused
// '@ts-expect-error' directive", so a type that stopped catching a misspelled
// field breaks the type check. The tests at the bottom check at run time that
// the codec really produces what the types promise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBuffer, defaultBody, encodeToBuffer } from '../../src/protocol/codec.js'
import { definedApis } from '../../src/protocol/messages/index.js'
import { heartbeatApi } from '../../src/protocol/messages/heartbeat.js'
import { initProducerIdApi } from '../../src/protocol/messages/init-producer-id.js'
import { produceApi } from '../../src/protocol/messages/produce.js'
import { syncGroupApi } from '../../src/protocol/messages/sync-group.js'
import type { ApiName, RequestInput, RequestOf, ResponseInput, ResponseOf } from '../../src/protocol/messages/api-types.js'
import type { Handler } from '../../src/broker/handlers/types.js'

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Expect<T extends true> = T

// Whole messages, field by field: every field present (even those a version lacks),
// nullable where some version allows null, int64 as bigint, bytes as Buffer.
export type WholeMessages = [
  Expect<Equal<RequestOf<'Heartbeat'>, { groupId: string, generationId: number, memberId: string, groupInstanceId: string | null }>>,
  Expect<Equal<ResponseOf<'InitProducerId'>, { throttleTimeMs: number, errorCode: number, producerId: bigint, producerEpoch: number }>>,
  Expect<Equal<RequestOf<'SyncGroup'>['assignments'], Array<{ memberId: string, assignment: Buffer }>>>,
  Expect<Equal<RequestOf<'Produce'>['topicData'][number]['partitionData'][number]['records'], Buffer | null>>,
  Expect<Equal<RequestOf<'Fetch'>['topics'][number]['topicId'], string>>,
  // What a handler returns: int64 may be a number, fields with a default may be left out.
  Expect<Equal<ResponseInput<'InitProducerId'>, { producerEpoch: number, throttleTimeMs: number, errorCode: number, producerId?: bigint | number }>>,
  Expect<Equal<RequestInput<'Heartbeat'>, { groupId: string, generationId: number, memberId: string, groupInstanceId?: string | null }>>
]

export const heartbeatReadsItsFields: Handler<'Heartbeat'> = {
  api: heartbeatApi,
  handle (request) {
    const instance: string | null = request.groupInstanceId
    // @ts-expect-error a misspelled request field does not compile
    const misspelled = request.groupdId
    // @ts-expect-error a nullable field is not a plain string
    const notNull: string = request.groupInstanceId
    return { throttleTimeMs: 0, errorCode: [instance, misspelled, notNull].length }
  }
}

export const syncGroupAnswersWholly: Handler<'SyncGroup'> = {
  api: syncGroupApi,
  // @ts-expect-error a response without its errorCode and assignment does not compile
  handle () {
    return { throttleTimeMs: 0 }
  }
}

export const onlyProduceMayAnswerNothing: [Handler<'Produce'>, Handler<'Heartbeat'>] = [
  { api: produceApi, handle () { return undefined } },
  // @ts-expect-error a handler other than Produce's must answer
  { api: heartbeatApi, handle () { return undefined } }
]

// @ts-expect-error a handler is bound to its own API's definition
export const wrongDefinition: Handler<'Heartbeat'> = { api: syncGroupApi, handle () { return { errorCode: 0 } } }

// @ts-expect-error a misspelled response field does not compile
export const misspelledAnswer: ResponseInput<'Heartbeat'> = { throttleTimeMs: 0, errorCod: 0 }

// @ts-expect-error an unknown API name does not compile
export type NoSuchApi = RequestOf<'Produc'>

export function encodeChecksItsBody (): Buffer[] {
  return [
    // int64 fields take a number as well as a bigint.
    encodeToBuffer(initProducerIdApi.response, 0, { throttleTimeMs: 0, errorCode: 0, producerId: 7, producerEpoch: 0 }),
    // @ts-expect-error a string is not an int64
    encodeToBuffer(initProducerIdApi.response, 0, { throttleTimeMs: 0, errorCode: 0, producerId: '7', producerEpoch: 0 }),
    // @ts-expect-error a field every version carries must be given
    encodeToBuffer(heartbeatApi.request, 0, { groupId: 'g', memberId: 'm' })
  ]
}

export function decodedInt64IsBigint (bytes: Buffer): bigint {
  const { body } = decodeBuffer(initProducerIdApi.response, 0, bytes)
  // @ts-expect-error int64 decodes to bigint, not number
  const asNumber: number = body.producerId
  return body.producerId + BigInt(asNumber)
}

test('a field a version lacks is still in the decoded body, holding its default', () => {
  const v0 = decodeBuffer(heartbeatApi.request, 0, encodeToBuffer(heartbeatApi.request, 0, { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: 'ignored in v0' })).body
  assert.deepEqual(v0, { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null })
})

test('int64 fields decode as bigint and encode from a number or a bigint alike', () => {
  const fromNumber = encodeToBuffer(initProducerIdApi.response, 0, { throttleTimeMs: 0, errorCode: 0, producerId: 7, producerEpoch: 1 })
  const fromBigint = encodeToBuffer(initProducerIdApi.response, 0, { throttleTimeMs: 0, errorCode: 0, producerId: 7n, producerEpoch: 1 })
  assert.deepEqual(fromNumber, fromBigint)
  assert.equal(decodeBuffer(initProducerIdApi.response, 0, fromNumber).body.producerId, 7n)
})

test('every definition names every field of its default body, at every version it serves', () => {
  // The types list exactly the definition's fields; the decoder must produce exactly those keys.
  const names = new Set<ApiName>()
  for (const api of definedApis) {
    names.add(api.name)
    for (const spec of [api.request, api.response]) {
      const expected = spec.fields.map(f => f.name).sort()
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        assert.deepEqual(Object.keys(defaultBody(spec, v)).sort(), expected, `${spec.name} v${v}`)
      }
    }
  }
  assert.equal(names.size, definedApis.length, 'API names are unique, so each names one request and one response type')
})
