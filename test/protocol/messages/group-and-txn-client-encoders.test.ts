/* eslint-disable @typescript-eslint/no-explicit-any -- @platformatic/kafka's protocol internals are used untyped to cross-check our codec */
// Cross-checks the flexible (highest) versions of the consumer-group and
// transaction definitions against an independent client implementation: the
// request bytes @platformatic/kafka writes must decode with our definitions to
// what it was asked to send, and the responses we encode must parse in that
// client to what we meant. kafkajs's captured fixtures only cover the old,
// non-flexible versions; this covers the other end.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as pk from '@platformatic/kafka'
import { decodeBuffer, encodeToBuffer } from '../../../src/protocol/codec.js'
import { groupApis } from '../../../src/protocol/messages/group-apis.js'
import { txnApis } from '../../../src/protocol/messages/txn-apis.js'
import { roundTripCases } from './group-and-txn-samples.js'

type Sample = Record<string, any>
interface ClientApi {
  createRequest: (...args: any[]) => { buffer: Buffer }
  parseResponse: (correlationId: number, apiKey: number, apiVersion: number, reader: any) => unknown
}

/** How the client's createRequest takes each request (positional arguments). */
const clientCalls: Record<string, { module: ClientApi, args: (r: Sample) => unknown[], clientOnly?: string[] }> = {
  FindCoordinator: { module: pk.findCoordinatorV4, args: r => [r.keyType, r.coordinatorKeys] },
  JoinGroup: {
    module: pk.joinGroupV9,
    args: r => [r.groupId, r.sessionTimeoutMs, r.rebalanceTimeoutMs, r.memberId, r.groupInstanceId, r.protocolType, r.protocols, r.reason]
  },
  SyncGroup: {
    module: pk.syncGroupV5,
    args: r => [r.groupId, r.generationId, r.memberId, r.groupInstanceId, r.protocolType, r.protocolName, r.assignments]
  },
  Heartbeat: { module: pk.heartbeatV4, args: r => [r.groupId, r.generationId, r.memberId, r.groupInstanceId] },
  LeaveGroup: { module: pk.leaveGroupV5, args: r => [r.groupId, r.members] },
  OffsetCommit: {
    module: pk.offsetCommitV9,
    args: r => [r.groupId, r.generationIdOrMemberEpoch, r.memberId, r.groupInstanceId, r.topics]
  },
  OffsetFetch: { module: pk.offsetFetchV9, args: r => [r.groups, r.requireStable] },
  DescribeGroups: { module: pk.describeGroupsV5, args: r => [r.groups, r.includeAuthorizedOperations] },
  // The client's v4 parser fills groupType (a v5 field) with '' without reading it.
  ListGroups: { module: pk.listGroupsV4, args: r => [r.statesFilter, []], clientOnly: ['groupType'] },
  DeleteGroups: { module: pk.deleteGroupsV2, args: r => [r.groupsNames] },
  OffsetDelete: { module: pk.offsetDeleteV0, args: r => [r.groupId, r.topics] },
  InitProducerId: {
    module: pk.initProducerIdV5,
    args: r => [r.transactionalId, r.transactionTimeoutMs, r.producerId, r.producerEpoch]
  },
  AddPartitionsToTxn: { module: pk.addPartitionsToTxnV5, args: r => [r.transactions] },
  AddOffsetsToTxn: { module: pk.addOffsetsToTxnV4, args: r => [r.transactionalId, r.producerId, r.producerEpoch, r.groupId] },
  EndTxn: { module: pk.endTxnV4, args: r => [r.transactionalId, r.producerId, r.producerEpoch, r.committed] },
  TxnOffsetCommit: {
    module: pk.txnOffsetCommitV4,
    args: r => [r.transactionalId, r.groupId, r.producerId, r.producerEpoch, r.generationId, r.memberId, r.groupInstanceId, r.topics]
  },
  DescribeProducers: { module: pk.describeProducersV0, args: r => [r.topics] },
  DescribeTransactions: { module: pk.describeTransactionsV0, args: r => [r.transactionalIds] },
  ListTransactions: { module: pk.listTransactionsV1, args: r => [r.stateFilters, r.producerIdFilters, r.durationFilter, null] }
}

/** Every key present in `subset` must be in `whole` with the same value (recursively). */
function assertSubset (subset: unknown, whole: unknown, path: string, ignore: string[] = []): void {
  if (Buffer.isBuffer(subset)) {
    assert.ok(Buffer.isBuffer(whole), `${path}: expected a Buffer`)
    assert.equal(subset.toString('hex'), whole.toString('hex'), path)
  } else if (Array.isArray(subset)) {
    assert.ok(Array.isArray(whole), `${path}: expected an array`)
    assert.equal(subset.length, whole.length, `${path}: length`)
    subset.forEach((s, i) => assertSubset(s, whole[i], `${path}[${i}]`, ignore))
  } else if (subset !== null && typeof subset === 'object') {
    assert.ok(whole !== null && typeof whole === 'object', `${path}: expected an object`)
    for (const [key, value] of Object.entries(subset)) {
      if (ignore.includes(key)) continue
      assertSubset(value, (whole as Record<string, unknown>)[key], `${path}.${key}`, ignore)
    }
  } else {
    assert.equal(subset, whole, path)
  }
}

for (const api of [...groupApis, ...txnApis]) {
  const client = clientCalls[api.name]
  const sample = roundTripCases[api.name]!
  const version = api.maxVersion

  test(`${api.name} v${version} request written by @platformatic/kafka decodes with our definition`, () => {
    assert.ok(client !== undefined, `no client call for ${api.name}`)
    const bytes = client.module.createRequest(...client.args(sample.request as Sample)).buffer
    const { body, consumed } = decodeBuffer(api.request, version, bytes)
    assert.equal(consumed, bytes.length)
    assertSubset(sample.request, body, 'request')
  })

  test(`${api.name} v${version} response we encode parses in @platformatic/kafka`, () => {
    assert.ok(client !== undefined, `no client call for ${api.name}`)
    const reader = pk.Reader.from(encodeToBuffer(api.response, version, sample.response))
    let parsed: unknown
    try {
      parsed = client.module.parseResponse(1, api.apiKey, version, reader)
    } catch (err) {
      // The client throws on any error code in the answer; it still carries what it parsed.
      parsed = (err as { response?: unknown }).response
      assert.ok(parsed !== undefined, String(err))
    }
    assert.equal(reader.remaining, 0, 'the client left bytes unread')
    assertSubset(parsed, sample.response, 'response', client.clientOnly)
  })
}
