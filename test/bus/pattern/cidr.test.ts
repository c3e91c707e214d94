import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ipBits, looksLikeIp, parseCidr } from '../../../src/bus/pattern/cidr.js'

describe('cidr', () => {
  it('reads IPv4 and IPv6 literals into tagged bit strings', () => {
    assert.equal(ipBits('10.0.0.1'), '4' + '00001010' + '0'.repeat(23) + '1')
    assert.equal(ipBits('::1'), '6' + '0'.repeat(127) + '1')
    assert.equal(ipBits('2001:db8::'), ipBits('2001:0DB8:0:0:0:0:0:0'))
    assert.equal(ipBits('::ffff:a00:1'), ipBits('10.0.0.1'))
  })

  it('rejects what is not an address', () => {
    for (const text of ['10.0.0.256', '1.2.3', '1:2:3', '1::2::3', '12345::', 'host', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(ipBits(text), null, text)
    }
    assert.equal(looksLikeIp('12:30'), true)
    assert.equal(ipBits('12:30'), null)
  })

  it('turns a block into the bit prefix its addresses share', () => {
    assert.equal(parseCidr('10.0.0.0/8'), '400001010')
    assert.equal(parseCidr('10.1.2.3/0'), '4')
    assert.equal(parseCidr('2001:db8::/16'), '6' + '0010000000000001')
  })

  it('uses EventBridge wording for bad blocks', () => {
    assert.throws(() => parseCidr('10.0.0.0/8/8'), { reason: "Malformed CIDR, one '/' required" })
    assert.throws(() => parseCidr('10.0.0.0/'), { reason: "Malformed CIDR, one '/' required" })
    assert.throws(() => parseCidr('10.0.0.0/x'), { reason: 'Malformed CIDR, mask bits must be an integer' })
  })
})
