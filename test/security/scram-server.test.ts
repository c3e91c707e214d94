// The SCRAM server against RFC 7677's worked example (ground truth nobody here
// wrote) and against the ways a client can get the exchange wrong.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ScramServer } from '../../src/security/scram-server.js'
import { credentialFromSalted, saltPassword, type ScramCredential } from '../../src/security/credentials.js'

// RFC 7677 section 3: user "user", password "pencil".
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO'
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

async function rfcCredential (): Promise<ScramCredential> {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')
  return credentialFromSalted('sha256', salt, 4096, await saltPassword('sha256', 'pencil', salt, 4096))
}

async function server (): Promise<ScramServer> {
  const credential = await rfcCredential()
  return new ScramServer(user => user === 'user' ? credential : undefined, () => SERVER_NONCE)
}

const text = (b: Buffer): string => b.toString('utf8')

test('the RFC 7677 exchange gives the RFC\'s server-first and server-final messages', async () => {
  const scram = await server()
  const first = await scram.step(Buffer.from(CLIENT_FIRST))
  assert.equal(first.kind, 'continue')
  assert.equal(first.kind === 'continue' && text(first.response), SERVER_FIRST)
  const final = await scram.step(Buffer.from(CLIENT_FINAL))
  assert.equal(final.kind, 'done', JSON.stringify(final))
  assert.equal(final.kind === 'done' && text(final.response), SERVER_FINAL)
  assert.equal(final.kind === 'done' && final.user, 'user')
})

test('a final message whose nonce is not the server\'s is refused', async () => {
  const scram = await server()
  await scram.step(Buffer.from(CLIENT_FIRST))
  const final = await scram.step(Buffer.from(CLIENT_FINAL.replace('hNlF$k0', 'hNlF$k1')))
  assert.deepEqual(final.kind === 'failed' && final.reason, 'nonce does not match the one the server sent')
})

test('a final message carrying only the client nonce is refused', async () => {
  const scram = await server()
  await scram.step(Buffer.from(CLIENT_FIRST))
  const final = await scram.step(Buffer.from(CLIENT_FINAL.replace(`r=rOprNGfwEbeRWgbNEkqO${SERVER_NONCE}`, 'r=rOprNGfwEbeRWgbNEkqO')))
  assert.equal(final.kind, 'failed')
})

test('a wrong proof is refused', async () => {
  const scram = await server()
  await scram.step(Buffer.from(CLIENT_FIRST))
  const final = await scram.step(Buffer.from(CLIENT_FINAL.replace('p=dHzb', 'p=dHzc')))
  assert.deepEqual(final.kind === 'failed' && final.reason, 'wrong password')
})

test('a channel-binding echo that differs from the first message is refused', async () => {
  const scram = await server()
  await scram.step(Buffer.from(CLIENT_FIRST))
  const final = await scram.step(Buffer.from(CLIENT_FINAL.replace('c=biws', 'c=eSws')))
  assert.deepEqual(final.kind === 'failed' && final.reason, 'channel binding does not match the first message')
})

test('channel binding, unknown users and a third message are refused', async () => {
  assert.equal((await (await server()).step(Buffer.from('p=tls-unique,,n=user,r=abc'))).kind, 'failed')
  assert.equal((await (await server()).step(Buffer.from('n,,n=mallory,r=abc'))).kind, 'failed')
  const scram = await server()
  await scram.step(Buffer.from(CLIENT_FIRST))
  await scram.step(Buffer.from(CLIENT_FINAL))
  assert.equal((await scram.step(Buffer.from(CLIENT_FINAL))).kind, 'failed')
})
