/* global EventSource */
// Overview: the last 15 minutes from GET /api/console/history, then one
// sample per second from the server-sent event stream.
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { api, formatBytes, formatRate } from './api.js'
import { Chart } from './chart.js'

const MAX_SAMPLES = 900

/** The history plus the live stream, shared by the overview and the group page. */
export function useHistory () {
  const [samples, setSamples] = useState([])
  const [error, setError] = useState(null)
  useEffect(() => {
    let closed = false
    let source = null
    api('GET', '/api/console/history').then(h => {
      if (closed) return
      setSamples(h.samples)
      source = new EventSource('/api/console/stream')
      source.addEventListener('sample', e => {
        const sample = JSON.parse(e.data)
        setSamples(list => [...list.slice(Math.max(0, list.length - MAX_SAMPLES + 1)), sample])
      })
      source.onerror = () => setError('the live stream was interrupted; reconnecting…')
      source.onopen = () => setError(null)
    }, err => setError(err.message))
    return () => { closed = true; source?.close() }
  }, [])
  return [samples, error]
}

function columns (samples, fields) {
  return [samples.map(s => s.t / 1000), ...fields.map(f => samples.map(s => s[f]))]
}

export function Overview () {
  const [samples, error] = useHistory()
  const last = samples.at(-1)
  return html`
    <section>
      <h2>Overview</h2>
      ${error && html`<p class="error">${error}</p>`}
      <div class="cards">
        <div class="card"><span>Records in/s</span><b id="stat-records-in">${last ? formatRate(last.recordsIn) : '-'}</b></div>
        <div class="card"><span>Peak in/s (15 min)</span><b id="stat-records-peak">${samples.length > 0 ? formatRate(Math.max(...samples.map(s => s.recordsIn))) : '-'}</b></div>
        <div class="card"><span>Records out/s</span><b>${last ? formatRate(last.recordsOut) : '-'}</b></div>
        <div class="card"><span>Bytes in/s</span><b>${last ? formatBytes(last.bytesIn) : '-'}</b></div>
        <div class="card"><span>Connections</span><b>${last?.connections ?? '-'}</b></div>
        <div class="card"><span>Disk</span><b>${last ? formatBytes(last.diskBytes) : '-'}</b></div>
      </div>
      <div class="charts">
        <${Chart} id="chart-records" title="Records per second" labels=${['in', 'out']} data=${columns(samples, ['recordsIn', 'recordsOut'])} />
        <${Chart} id="chart-bytes" title="Bytes per second" labels=${['in', 'out']} data=${columns(samples, ['bytesIn', 'bytesOut'])} />
        <${Chart} id="chart-latency" title="Request time (ms, mean)" labels=${['produce', 'fetch']} data=${columns(samples, ['produceMs', 'fetchMs'])} />
        <${Chart} id="chart-connections" title="Connections" labels=${['connections']} data=${columns(samples, ['connections'])} />
        <${Chart} id="chart-disk" title="Disk use (bytes)" labels=${['disk']} data=${columns(samples, ['diskBytes'])} />
      </div>
      <p class="muted">${samples.length} samples, one per second, kept 15 minutes by the server.</p>
    </section>`
}
