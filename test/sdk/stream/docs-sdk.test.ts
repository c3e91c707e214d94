// docs/sdk.md promises that its complete example runs: the block in the
// document must be docs-sdk-example.test.ts (less its two header lines), with
// the import of the package where the file imports the source.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'

test('the complete example in docs/sdk.md is the test that runs as test/sdk/stream/docs-sdk-example.test.ts', async () => {
  const doc = await readFile(new URL('../../../docs/sdk.md', import.meta.url), 'utf8')
  const section = doc.slice(doc.indexOf('## A complete example'))
  const block = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1]
  assert.ok(block !== undefined, 'docs/sdk.md has a complete example with a ts block')
  const file = await readFile(new URL('./docs-sdk-example.test.ts', import.meta.url), 'utf8')
  const expected = file.split('\n').slice(2).join('\n').replace("from '../../../src/index.js'", "from 'tributary'").trimEnd()
  assert.equal(block, expected)
})
