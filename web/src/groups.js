// Consumer groups: state, members and assignments, lag per partition now and
// over 15 minutes (the server's history, live over the stream), and an offset
// reset for a group with no members.
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { api } from './api.js'
import { Chart } from './chart.js'
import { useHistory } from './overview.js'

export function Groups ({ group }) {
  const [groups, setGroups] = useState(null)
  const [error, setError] = useState(null)
  const load = () => api('GET', '/api/console/groups').then(g => { setGroups(g); setError(null) }, err => setError(err.message))
  useEffect(() => {
    load()
    const timer = setInterval(load, 2000)
    return () => clearInterval(timer)
  }, [])
  return html`
    <section>
      <h2>Consumer groups</h2>
      ${error && html`<p class="error">${error}</p>`}
      ${groups && groups.length === 0 && html`<p class="muted">No consumer groups yet.</p>`}
      ${groups && groups.length > 0 && html`
        <table id="groups-table"><thead><tr><th>Group</th><th>State</th><th>Members</th><th>Lag</th></tr></thead>
        <tbody>${groups.map(g => html`<tr data-group=${g.groupId}><td><a href="#/groups/${encodeURIComponent(g.groupId)}">${g.groupId}</a></td><td>${g.state}</td><td>${g.members}</td><td class="lag">${g.lag}</td></tr>`)}</tbody></table>`}
      ${group && html`<${GroupDetails} key=${group} id=${group} onChanged=${load} />`}
    </section>`
}

function GroupDetails ({ id, onChanged }) {
  const [detail, setDetail] = useState(null)
  const [error, setError] = useState(null)
  const [samples] = useHistory()
  const load = () => api('GET', `/api/console/groups/${encodeURIComponent(id)}`).then(d => { setDetail(d); setError(null) }, err => setError(err.message))
  useEffect(() => { load(); const timer = setInterval(load, 2000); return () => clearInterval(timer) }, [id])
  const partitions = [...new Set(samples.flatMap(s => Object.keys(s.lag[id] ?? {})))].sort()
  const data = [samples.map(s => s.t / 1000), ...partitions.map(p => samples.map(s => s.lag[id]?.[p] ?? null))]
  return html`
    <div class="details" id="group-details">
      <h3>${id}</h3>
      ${error && html`<p class="error">${error}</p>`}
      ${detail && html`
        <p>State <b id="group-state">${detail.state}</b>, ${detail.members.length} member(s), protocol ${detail.protocol || '-'}</p>
        ${detail.members.length > 0 && html`<table class="small"><thead><tr><th>Member</th><th>Client</th><th>Host</th><th>Assignment</th></tr></thead>
          <tbody>${detail.members.map(m => html`<tr><td>${m.memberId}</td><td>${m.clientId}</td><td>${m.clientHost}</td><td>${Object.entries(m.assignment).map(([t, ps]) => `${t}: ${ps.join(',')}`).join('; ')}</td></tr>`)}</tbody></table>`}
        <table class="small" id="lag-table"><thead><tr><th>Topic</th><th>Partition</th><th>Committed</th><th>End</th><th>Lag</th><th>Lag (s)</th></tr></thead>
          <tbody>${detail.lag.map(r => html`<tr><td>${r.topic}</td><td>${r.partition}</td><td>${r.committed ?? '-'}</td><td>${r.end}</td><td class="lag">${r.lag ?? '-'}</td><td>${r.lagSeconds ?? '-'}</td></tr>`)}</tbody></table>
        <${ResetOffsets} id=${id} members=${detail.members.length} topics=${[...new Set(detail.lag.map(r => r.topic))]} onDone=${() => { load(); onChanged() }} />`}
      ${partitions.length > 0 && html`<${Chart} id="chart-lag" title="Lag per partition (messages)" labels=${partitions} data=${data} />`}
    </div>`
}

function ResetOffsets ({ id, members, topics, onDone }) {
  const [topic, setTopic] = useState(topics[0] ?? '')
  const [to, setTo] = useState('earliest')
  const [value, setValue] = useState('')
  const [note, setNote] = useState(null)
  const submit = async e => {
    e.preventDefault()
    if (topic === '') return setNote('error: name a topic')
    const body = { topic, to }
    if (to === 'offset') {
      if (!/^\d+$/.test(value.trim())) return setNote(`error: offset must be a whole number, not "${value}"`)
      body.offset = Number(value)
    } else if (to === 'timestamp') {
      const ms = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value)
      if (!Number.isFinite(ms)) return setNote(`error: "${value}" is not a time`)
      body.timestamp = ms
    }
    try {
      const r = await api('POST', `/api/console/groups/${encodeURIComponent(id)}/reset`, body)
      setNote(`reset: ${r.offsets.map(o => `${o.partition}→${o.offset}`).join(', ')}`)
      onDone()
    } catch (err) { setNote(`error: ${err.message}`) }
  }
  return html`
    <form class="row" id="reset-offsets" onSubmit=${submit}>
      <b>Reset offsets</b>${members > 0 && html`<span class="muted">(only while the group has no members)</span>`}
      <input name="topic" placeholder="topic" value=${topic} onInput=${e => setTopic(e.target.value)} />
      <select name="to" value=${to} onChange=${e => setTo(e.target.value)}><option>earliest</option><option>latest</option><option>timestamp</option><option>offset</option></select>
      ${(to === 'timestamp' || to === 'offset') && html`<input name="value" placeholder=${to} value=${value} onInput=${e => setValue(e.target.value)} />`}
      <button>Reset</button>
      ${note && html`<span class=${note.startsWith('error') ? 'error' : 'ok'}>${note}</span>`}
    </form>`
}
