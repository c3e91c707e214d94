import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidEventPatternError, invalid } from '../../../src/bus/pattern/errors.js'

describe('InvalidEventPatternError', () => {
  it('carries a stable code and AWS wording around the reason', () => {
    const err = new InvalidEventPatternError('Empty arrays are not allowed')
    assert.equal(err.code, 'TRIB_ERR_INVALID_PATTERN')
    assert.equal(err.reason, 'Empty arrays are not allowed')
    assert.equal(err.message, 'Event pattern is not valid. Reason: Empty arrays are not allowed')
    assert.equal(err.name, 'InvalidEventPatternError')
    assert.match(String(err.stack), /^InvalidEventPatternError: Event pattern is not valid/)
    assert.throws(() => invalid('x'), InvalidEventPatternError)
  })
})
