import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { once } from 'node:events'
import { readAcceptedInto } from '../../src/broker/socket-reads.js'

test('an accepted socket reads into the buffers given, writes back, and lets the server close', async () => {
  const received: Buffer[] = []
  let targets = 0
  let adopted: net.Socket | null = null
  let allArrived!: () => void
  const arrived = new Promise<void>(resolve => { allArrived = resolve })
  const server = net.createServer({ pauseOnConnect: true }, accepted => {
    const target = Buffer.alloc(7)
    adopted = readAcceptedInto(accepted, server, {
      target: () => { targets++; return target },
      filled: n => {
        received.push(Buffer.from(target.subarray(0, n)))
        if (Buffer.concat(received).length === 20) allArrived()
        return true
      }
    })
    adopted?.write('pong')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
  await once(client, 'connect')
  client.write(Buffer.from('abcdefghijklmnopqrst'))
  const [reply] = await once(client, 'data') as [Buffer]
  assert.equal(reply.toString(), 'pong')
  await arrived
  assert.equal(Buffer.concat(received).toString(), 'abcdefghijklmnopqrst')
  assert.ok(received.every(r => r.length <= 7), 'no read is larger than the buffer given')
  assert.ok(targets >= 3)
  client.end()
  await once(adopted!, 'close')
  await new Promise<void>(resolve => server.close(() => resolve()))
})

test('a socket without a handle to move is left alone', () => {
  const socket = new net.Socket()
  assert.equal(readAcceptedInto(socket, net.createServer(), { target: () => Buffer.alloc(1), filled: () => true }), null)
})
