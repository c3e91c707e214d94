// docs/testing.md promises that its node:test example is a real test here:
// the block in the document must be docs-example.test.ts (less its two header
// lines), with the import of the package where the file imports the source.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'

test('the node:test example in docs/testing.md is the test that runs as test/sdk/docs-example.test.ts', async () => {
  const doc = await readFile(new URL('../../docs/testing.md', import.meta.url), 'utf8')
  const section = doc.slice(doc.indexOf('## A complete test file: node:test'))
  const block = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1]
  assert.ok(block !== undefined, 'docs/testing.md has a node:test section with a ts block')
  const file = await readFile(new URL('./docs-example.test.ts', import.meta.url), 'utf8')
  const expected = file.split('\n').slice(2).join('\n').replace("from '../../src/index.js'", "from 'tributary'").trimEnd()
  assert.equal(block, expected)
})
