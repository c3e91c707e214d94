import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { lazySchemaCompilers } from '../../src/http/lazy-schema-compilers.js'

test('a route that declares a schema is still validated and serialized when the compilers load lazily', async () => {
  const app = Fastify({ logger: false, schemaController: { compilersFactory: lazySchemaCompilers } })
  app.post('/echo', {
    schema: {
      body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
      response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
    },
  }, async (request) => ({ n: (request.body as { n: number }).n, hidden: 'left out by the response schema' }))
  try {
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: { n: 'one' } })
    assert.equal(bad.statusCode, 400)
    const good = await app.inject({ method: 'POST', url: '/echo', payload: { n: 1 } })
    assert.equal(good.statusCode, 200)
    assert.deepEqual(good.json(), { n: 1 })
  } finally {
    await app.close()
  }
})
