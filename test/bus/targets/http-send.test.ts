import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { httpSend } from '../../../src/bus/targets/http-send.js'

async function listen (server: Server): Promise<URL> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/hook`)
}

test('deliveries to a target answering small bodies share one kept-alive connection and carry their body', async (t) => {
  let connections = 0
  const bodies: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => { bodies.push(Buffer.concat(chunks).toString()); res.end('{"ok":true}') })
  })
  server.on('connection', () => { connections++ })
  t.after(() => { server.closeAllConnections(); server.close() })
  const url = await listen(server)
  for (let i = 0; i < 5; i++) assert.equal(await httpSend(url, 'POST', { 'content-type': 'application/json' }, `{"n":${i}}`, 5000), 200)
  assert.deepEqual(bodies, [0, 1, 2, 3, 4].map(i => `{"n":${i}}`))
  assert.equal(connections, 1)
})

test('a target that never answers fails the call with a timeout naming the limit', async (t) => {
  const server = createServer(() => {})
  t.after(() => { server.closeAllConnections(); server.close() })
  const url = await listen(server)
  await assert.rejects(httpSend(url, 'POST', {}, '{}', 200), (err: Error) => err.name === 'TimeoutError' && /timed out after 200 ms/.test(err.message))
})

test('an error status is answered as the status, not thrown', async (t) => {
  const server = createServer((req, res) => { req.resume(); res.statusCode = 503; res.end('busy') })
  t.after(() => { server.closeAllConnections(); server.close() })
  assert.equal(await httpSend(await listen(server), 'POST', {}, '{}', 5000), 503)
})
