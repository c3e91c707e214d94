import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CharTrie } from '../../../src/bus/pattern/trie.js'

describe('CharTrie', () => {
  it('collects the items of every stored key that is a prefix of the text', () => {
    const trie = new CharTrie<number>(false)
    trie.add('', 0)
    trie.add('ab', 1)
    trie.add('abc', 2)
    trie.add('abd', 3)
    trie.add('abc', 4)
    const out: number[] = []
    trie.collect('abcz', out)
    assert.deepEqual(out, [0, 1, 2, 4])
    out.length = 0
    trie.collect('a', out)
    assert.deepEqual(out, [0])
  })

  it('collects suffixes when built from the end', () => {
    const trie = new CharTrie<string>(true)
    trie.add('.png', 'png')
    trie.add('g', 'g')
    const out: string[] = []
    trie.collect('image.png', out)
    assert.deepEqual(out, ['g', 'png'])
  })

  it('removes one occurrence and prunes what is left empty', () => {
    const trie = new CharTrie<number>(false)
    trie.add('abc', 1)
    trie.add('abc', 2)
    assert.equal(trie.remove('abc', 1), true)
    assert.equal(trie.remove('abc', 1), false)
    assert.equal(trie.remove('zzz', 2), false)
    assert.equal(trie.size, 1)
    const out: number[] = []
    trie.collect('abc', out)
    assert.deepEqual(out, [2])
    trie.remove('abc', 2)
    assert.equal(trie.size, 0)
    trie.add('ab', 3)
    out.length = 0
    trie.collect('abc', out)
    assert.deepEqual(out, [3])
  })
})
