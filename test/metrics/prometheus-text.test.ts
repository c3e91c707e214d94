// The test parser must itself refuse what Prometheus refuses, or the /metrics
// tests built on it would pass on output a real scraper rejects.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parsePrometheusText, sampleValue } from './prometheus-text.js'

const good = [
  '# HELP requests_total Requests, with a \\\\ and a \\n in the help',
  '# TYPE requests_total counter',
  'requests_total{api="Produce",path="a\\"b\\\\c\\nd"} 3',
  'requests_total{api="Fetch"} 1e3 1700000000000',
  '# TYPE latency histogram',
  'latency_bucket{le="0.1"} 1',
  'latency_bucket{le="+Inf"} 2',
  'latency_sum 0.3',
  'latency_count 2',
  '# TYPE up gauge',
  'up NaN',
  ''
].join('\n')

test('a valid exposition parses into families with unescaped labels and Go float values', () => {
  const families = parsePrometheusText(good)
  assert.equal(sampleValue(families, 'requests_total', { path: 'a"b\\c\nd' }), 3)
  assert.equal(sampleValue(families, 'requests_total', { api: 'Fetch' }), 1000)
  assert.equal(families.get('requests_total')?.help, 'Requests, with a \\ and a \n in the help')
  assert.equal(sampleValue(families, 'latency_count'), 2)
  assert.ok(Number.isNaN(sampleValue(families, 'up')))
})

test('the parser refuses what the text format does not allow', () => {
  const bad: Array<[string, string]> = [
    ['x 1\n', 'no TYPE'],
    ['# TYPE x counter\nx{a="1",a="2"} 1\n', 'duplicate label'],
    ['# TYPE x counter\nx{a="1"} 1\nx{a="1"} 2\n', 'duplicate series'],
    ['# TYPE x counter\nx{a="\\t"} 1\n', 'bad escape'],
    ['# TYPE x counter\nx 1', 'newline'],
    ['# TYPE x counter\nx one\n', 'value'],
    ['# TYPE x counter\n# TYPE x gauge\n', 'second TYPE'],
    ['# TYPE x counter\nx 1\n# HELP x h\n# HELP x h\n', 'second HELP'],
    ['# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n', 'cumulative'],
    ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n', '+Inf'],
    ['# TYPE x counter\nx{1a="b"} 1\n', 'bad label']
  ]
  for (const [text, reason] of bad) {
    assert.throws(() => parsePrometheusText(text), new RegExp(reason.replace(/[+]/g, '\\+')), `should refuse (${reason}): ${JSON.stringify(text)}`)
  }
})
