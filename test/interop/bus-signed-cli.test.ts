// The AWS CLI (botocore's signer, not the JavaScript SDK's) against a broker
// process whose bus requires signed requests: the right key is served, a
// wrong secret and an unknown key get AWS's error types, --no-sign-request
// gets MissingAuthenticationTokenException. Credentials come from the
// environment (TRIBUTARY_BUS), as an operator would pass them.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { BrokerProcess } from '../helpers/broker-process.js'

const run = promisify(execFile)
const KEY = { accessKeyId: 'AKIDCLITEST', secretAccessKey: 'cli-secret-0123456789' }

describe('signed bus requests from the AWS CLI', () => {
  let broker: BrokerProcess

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_BUS: JSON.stringify({ credentials: [KEY] }) } })
  })
  after(async () => { await broker?.cleanup() })

  /** Runs `aws events <args>`; resolves with its JSON output, or the error text it printed. */
  async function aws (credentials: { accessKeyId: string, secretAccessKey: string }, ...args: string[]): Promise<{ ok: true, out: Record<string, unknown> } | { ok: false, err: string }> {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' }
    try {
      const { stdout } = await run('aws', ['events', ...args, '--endpoint-url', broker.httpUrl, '--output', 'json'], { env })
      return { ok: true, out: stdout.trim() === '' ? {} : JSON.parse(stdout) as Record<string, unknown> }
    } catch (err) {
      return { ok: false, err: String((err as { stderr?: string }).stderr ?? err) }
    }
  }

  test('the CLI signing with the configured key puts events', () => broker.explain(async () => {
    const put = await aws(KEY, 'put-events', '--entries', JSON.stringify([{ Source: 'cli', DetailType: 'Signed', Detail: '{"x":1}' }]))
    assert.ok(put.ok, put.ok ? '' : put.err)
    assert.equal(put.out.FailedEntryCount, 0)
  }))

  test('a wrong secret, an unknown key and an unsigned request are refused with AWS\'s error types', () => broker.explain(async () => {
    const wrong = await aws({ ...KEY, secretAccessKey: 'wrong-secret-000000' }, 'list-event-buses')
    assert.match(wrong.ok ? 'served' : wrong.err, /InvalidSignatureException/)
    const unknown = await aws({ accessKeyId: 'AKIDNOBODY', secretAccessKey: KEY.secretAccessKey }, 'list-event-buses')
    assert.match(unknown.ok ? 'served' : unknown.err, /UnrecognizedClientException/)
    const unsigned = await aws(KEY, 'list-event-buses', '--no-sign-request')
    assert.match(unsigned.ok ? 'served' : unsigned.err, /MissingAuthenticationTokenException/)
  }))
})
