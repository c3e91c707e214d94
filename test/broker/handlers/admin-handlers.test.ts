/* eslint-disable @typescript-eslint/no-explicit-any -- answers come back through the codec untyped (the API is chosen per call); tests read them field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { adminHandlers } from '../../../src/broker/handlers/admin-handlers.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openHandlerContext, type HandlerContext } from '../../helpers/handler-context.js'
import { kafkaWireFixtures } from '../../helpers/conformance.js'
import { batch } from '../../log/helpers.js'

const fixtures = kafkaWireFixtures()
const byFixtureName: Record<string, number> = {
  createTopics: 19, deleteTopics: 20, deleteRecords: 21, describeConfigs: 32, alterConfigs: 33, createPartitions: 37
}

// The one resource a real single-broker cluster refuses too: kafkajs asked to put the
// new partitions of this topic on brokers 0, 1 and 2, and only broker 0 exists.
const EXPECTED_ERRORS: Record<string, number> = {
  'test-topic-050fb2e6aed13a954288 in createPartitions': ErrorCode.INVALID_REPLICA_ASSIGNMENT
}

/** Topic names a request refers to, so the test can create them first, as the capture's broker had them. */
function topicsNamed (request: any): string[] {
  const names: string[] = []
  for (const t of request.topics ?? []) if (typeof t.name === 'string') names.push(t.name)
  for (const n of request.topicNames ?? []) names.push(n)
  for (const r of request.resources ?? []) if (r.resourceType === 2) names.push(r.resourceName)
  return names
}

/** Every `errorCode` in a response, with the name of the resource it belongs to. */
function errorCodes (value: unknown, owner = 'response', out: Array<{ where: string, code: number }> = []): Array<{ where: string, code: number }> {
  if (Array.isArray(value)) {
    for (const v of value) errorCodes(v, owner, out)
  } else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const name = o.name ?? o.resourceName ?? o.topicName ?? (typeof o.partitionIndex === 'number' ? `${owner}[${o.partitionIndex}]` : undefined)
    const here = typeof name === 'string' ? name : owner
    for (const [k, v] of Object.entries(o)) {
      if (/errorCode$/i.test(k) && typeof v === 'number') out.push({ where: here, code: v })
      else errorCodes(v, here, out)
    }
  }
  return out
}

describe('adminHandlers', () => {
  test('registers each admin API once, with the versions the issue asks for', () => {
    const ranges = Object.fromEntries(adminHandlers.map(h => [h.api.name, [h.api.minVersion, h.api.maxVersion]]))
    assert.deepEqual(ranges, {
      CreateTopics: [0, 7],
      DeleteTopics: [0, 6],
      CreatePartitions: [0, 3],
      DescribeConfigs: [0, 4],
      AlterConfigs: [0, 2],
      IncrementalAlterConfigs: [0, 1],
      DeleteRecords: [0, 2],
      DescribeCluster: [0, 1],
      DescribeLogDirs: [0, 4],
      DescribeAcls: [0, 3],
      CreateAcls: [0, 3],
      DeleteAcls: [0, 3]
    })
    assert.equal(new Set(adminHandlers.map(h => h.api.apiKey)).size, adminHandlers.length)
  })

  // callRaw checks that the request decodes completely and the answer encodes and decodes back.
  // Each request runs against a broker holding the topics it names (the one the capture
  // was taken from did), so every resource must succeed, bar the one listed above.
  describe('answers the requests kafkajs sent to a real broker', () => {
    let admin: HandlerContext
    beforeEach(async () => { admin = await openHandlerContext({ nodeId: 0 }) })
    afterEach(async () => { await admin.close() })

    const requests = fixtures.filter(f => f.kind === 'request' && byFixtureName[f.api] !== undefined)
    for (const fixture of requests) {
      test(`${fixture.api} v${fixture.version}${fixture.variant ? ' ' + fixture.variant : ''}`, async () => {
        const handler = adminHandlers.find(h => h.api.apiKey === byFixtureName[fixture.api])!
        const bytes = Buffer.from(fixture.hex, 'hex')
        if (fixture.api !== 'createTopics') {
          for (const name of topicsNamed(admin.decodeRequest(handler, fixture.version, bytes))) {
            await admin.log.createTopic(name, 1)
            // deleteRecords asks for offset 7: the capture's topic held more records than that.
            if (fixture.api === 'deleteRecords') await admin.log.partition(name, 0)!.append(batch(name, 10))
          }
        }
        const response = await admin.callRaw(handler, fixture.version, bytes)
        const codes = errorCodes(response)
        assert.ok(codes.length > 0, 'the response carries a result per resource')
        for (const { where, code } of codes) {
          assert.equal(code, EXPECTED_ERRORS[`${where} in ${fixture.api}`] ?? ErrorCode.NONE, `${where}: ${inspect(response, { depth: 6 })}`)
        }
      })
    }
  })
})
