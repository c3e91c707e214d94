// The bus: rules with their patterns and targets (deliveries, failures, dead
// letters), a pattern tester, putting events and following one event's trace,
// archives and replays. Changes are bus API calls (PutRule, PutTargets,
// PutEvents, CreateArchive, StartReplay); reads come from /api/console/bus.
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { api, busApi, busCredentials, setBusCredentials, formatBytes, formatTime, parseJsonObject } from './api.js'
import { handoff } from './shared.js'

export function Bus () {
  const [state, setState] = useState(null)
  const [error, setError] = useState(null)
  const [traceId, setTraceId] = useState('')
  const load = () => api('GET', '/api/console/bus').then(s => { setState(s); setError(null) }, err => setError(err.message))
  useEffect(() => { load(); const timer = setInterval(load, 1000); return () => clearInterval(timer) }, [])
  return html`
    <section>
      <h2>Event bus</h2>
      ${error && html`<p class="error">${error}</p>`}
      ${state?.signing && html`<${BusKey} />`}
      ${state && state.buses.map(b => html`
        <div class="bus" key=${b.name}>
          <h3>Bus ${b.name}</h3>
          <table class="small rules"><thead><tr><th>Rule</th><th>State</th><th>Pattern / schedule</th><th>Targets: delivered / failed / dead-lettered (DLQ)</th></tr></thead>
          <tbody>${b.rules.map(r => html`<tr data-rule=${r.name}><td>${r.name}</td><td>${r.state}</td><td><code>${r.eventPattern ?? r.scheduleExpression ?? ''}</code></td>
            <td>${r.targets.map(t => html`<div class="target">${t.id} → ${t.arn}: <b class="delivered">${t.succeeded}</b> / ${t.failed} / ${t.deadLettered}${t.deadLetterArn ? ` (${t.deadLetterArn})` : ''}${t.lastError ? html` <span class="error">${t.lastError}</span>` : ''}</div>`)}</td></tr>`)}</tbody></table>
        </div>`)}
      <${CreateRule} buses=${state?.buses ?? []} onDone=${load} />
      <${PatternTester} buses=${state?.buses ?? []} recent=${state?.recentEventIds ?? []} />
      <${PutEvent} onPut=${id => { setTraceId(id); load() }} />
      <${Trace} eventId=${traceId} setEventId=${setTraceId} recent=${state?.recentEventIds ?? []} />
      <${Archives} state=${state} onDone=${load} />
    </section>`
}

// With bus.credentials configured the bus API wants signed requests: the page
// signs its bus actions with a key typed here (sessionStorage, this tab only).
function BusKey () {
  const [saved, setSaved] = useState(() => busCredentials())
  const [f, setF] = useState({ accessKeyId: '', secretAccessKey: '' })
  const [error, setError] = useState(null)
  const submit = e => {
    e.preventDefault()
    if (!/^[A-Za-z0-9]+$/.test(f.accessKeyId)) return setError('an access key id is letters and digits')
    if (f.secretAccessKey.length < 8) return setError('a secret access key is at least 8 characters')
    setBusCredentials(f)
    setSaved(f)
    setF({ accessKeyId: '', secretAccessKey: '' })
    setError(null)
  }
  const forget = () => { setBusCredentials(null); setSaved(null) }
  return html`
    <form id="bus-key" class="row" onSubmit=${submit}>
      <b>Bus requests are signed.</b>
      ${saved
        ? html`<span>Signing as <code class="signing-as">${saved.accessKeyId}</code></span> <button type="button" onClick=${forget}>Forget key</button>`
        : html`<label>Access key id <input name="accessKeyId" size="16" value=${f.accessKeyId} onInput=${e => setF(x => ({ ...x, accessKeyId: e.target.value }))} /></label>
          <label>Secret <input name="secretAccessKey" type="password" size="20" value=${f.secretAccessKey} onInput=${e => setF(x => ({ ...x, secretAccessKey: e.target.value }))} /></label>
          <button type="submit">Use key</button>`}
      ${error && html`<span class="error">${error}</span>`}
    </form>`
}

function CreateRule ({ buses, onDone }) {
  const [f, setF] = useState({ bus: 'default', name: '', pattern: '', targetArn: '', dlq: '' })
  const [note, setNote] = useState(null)
  const set = k => e => setF(x => ({ ...x, [k]: e.target.value }))
  const submit = async e => {
    e.preventDefault()
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(f.name)) return setNote('error: rule name: letters, digits, ".", "-" and "_", up to 64')
    const [, problem] = parseJsonObject(f.pattern, 'the event pattern')
    if (problem) return setNote(`error: ${problem}`)
    try {
      await busApi('PutRule', { Name: f.name, EventBusName: f.bus, EventPattern: f.pattern })
      if (f.targetArn.trim() !== '') {
        const target = { Id: 'target-1', Arn: f.targetArn.trim() }
        if (f.dlq.trim() !== '') target.DeadLetterConfig = { Arn: f.dlq.trim() }
        const r = await busApi('PutTargets', { Rule: f.name, EventBusName: f.bus, Targets: [target] })
        if (r.FailedEntryCount > 0) return setNote(`error: ${r.FailedEntries[0].ErrorMessage}`)
      }
      setNote(`rule ${f.name} saved`)
      onDone()
    } catch (err) { setNote(`error: ${err.message}`) }
  }
  return html`
    <form class="grid" id="create-rule" onSubmit=${submit}>
      <h3 class="wide">Create or update a rule</h3>
      <label>Bus <select name="bus" value=${f.bus} onChange=${set('bus')}>${buses.map(b => html`<option>${b.name}</option>`)}</select></label>
      <label>Name <input name="name" value=${f.name} onInput=${set('name')} /></label>
      <label class="wide">Event pattern <textarea name="pattern" rows="3" placeholder='{"source":["shop"]}' value=${f.pattern} onInput=${set('pattern')} /></label>
      <label class="wide">Target ARN <input name="target" placeholder="arn:aws:sqs:us-east-1:000000000000:orders (a topic)" value=${f.targetArn} onInput=${set('targetArn')} /></label>
      <label class="wide">Dead-letter ARN <input name="dlq" placeholder="optional" value=${f.dlq} onInput=${set('dlq')} /></label>
      <button>Save rule</button>
      ${note && html`<span class=${note.startsWith('error') ? 'error' : 'ok'}>${note}</span>`}
    </form>`
}

function PatternTester ({ buses }) {
  const [event, setEvent] = useState(() => { const e = handoff.event; handoff.event = null; return e ?? '' })
  const [pattern, setPattern] = useState('')
  const [bus, setBus] = useState('default')
  const [result, setResult] = useState(null)
  const [error, setError] = useState(null)
  const submit = async e => {
    e.preventDefault()
    const [, problem] = parseJsonObject(event, 'the event')
    if (problem) { setError(problem); setResult(null); return }
    if (pattern.trim() !== '') {
      const [, p] = parseJsonObject(pattern, 'the pattern')
      if (p) { setError(p); setResult(null); return }
    }
    try {
      setResult(await api('POST', '/api/console/bus/test-pattern', { event, busName: bus, pattern: pattern.trim() === '' ? undefined : pattern }))
      setError(null)
    } catch (err) { setError(err.message); setResult(null) }
  }
  return html`
    <form class="grid" id="pattern-tester" onSubmit=${submit}>
      <h3 class="wide">Pattern tester</h3>
      <label class="wide">Event (JSON; "Test a pattern" on a browsed message fills it in) <textarea name="event" rows="5" value=${event} onInput=${e => setEvent(e.target.value)} /></label>
      <label class="wide">Pattern (empty: every rule of the bus) <textarea name="pattern" rows="2" value=${pattern} onInput=${e => setPattern(e.target.value)} /></label>
      <label>Bus <select value=${bus} onChange=${e => setBus(e.target.value)}>${buses.map(b => html`<option>${b.name}</option>`)}</select></label>
      <button>Test</button>
      ${error && html`<p class="error wide">${error}</p>`}
      ${result && result.verdicts.length === 0 && html`<p class="muted wide">No rules with a pattern on this bus.</p>`}
      ${result && html`<div class="wide" id="pattern-result">${result.verdicts.map(v => html`
        <div class=${v.matched ? 'verdict match' : 'verdict miss'}>
          <b>${v.rule ?? 'pattern'}: ${v.matched ? 'matches' : 'does not match'}</b>
          <ul>${v.fields.map(f => html`<li class=${f.matched ? 'ok' : 'error'}>${f.field}: ${JSON.stringify(f.pattern)} vs ${f.eventValue === undefined ? '(missing)' : JSON.stringify(f.eventValue)} ${f.matched ? '✓' : '✗'}</li>`)}</ul>
        </div>`)}</div>`}
    </form>`
}

function PutEvent ({ onPut }) {
  const [f, setF] = useState({ source: '', detailType: '', detail: '{}', bus: 'default' })
  const [note, setNote] = useState(null)
  const set = k => e => setF(x => ({ ...x, [k]: e.target.value }))
  const submit = async e => {
    e.preventDefault()
    if (f.source.trim() === '' || f.detailType.trim() === '') return setNote('error: source and detail type are required')
    const [, problem] = parseJsonObject(f.detail, 'the detail')
    if (problem) return setNote(`error: ${problem}`)
    try {
      const r = await busApi('PutEvents', { Entries: [{ Source: f.source, DetailType: f.detailType, Detail: f.detail, EventBusName: f.bus }] })
      const entry = r.Entries[0]
      if (entry.ErrorCode) return setNote(`error: ${entry.ErrorCode}: ${entry.ErrorMessage}`)
      setNote(`put event ${entry.EventId}`)
      onPut(entry.EventId)
    } catch (err) { setNote(`error: ${err.message}`) }
  }
  return html`
    <form class="grid" id="put-event" onSubmit=${submit}>
      <h3 class="wide">Put an event</h3>
      <label>Source <input name="source" value=${f.source} onInput=${set('source')} /></label>
      <label>Detail type <input name="detailType" value=${f.detailType} onInput=${set('detailType')} /></label>
      <label>Bus <input name="bus" value=${f.bus} onInput=${set('bus')} /></label>
      <label class="wide">Detail <textarea name="detail" rows="2" value=${f.detail} onInput=${set('detail')} /></label>
      <button>Put event</button>
      ${note && html`<span class=${note.startsWith('error') ? 'error' : 'ok'} id="put-note">${note}</span>`}
    </form>`
}

function Trace ({ eventId, setEventId, recent }) {
  const [steps, setSteps] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    if (eventId === '') return
    let stopped = false
    const load = () => api('GET', `/api/console/bus/trace/${encodeURIComponent(eventId)}`).then(t => { if (!stopped) { setSteps(t.steps); setError(null) } }, err => { if (!stopped) { setError(err.message); setSteps(null) } })
    load()
    const timer = setInterval(load, 1000)
    return () => { stopped = true; clearInterval(timer) }
  }, [eventId])
  return html`
    <div class="grid" id="trace">
      <h3 class="wide">Event trace</h3>
      <label class="wide">Event id <input name="eventId" list="recent-events" value=${eventId} onChange=${e => setEventId(e.target.value.trim())} /></label>
      <datalist id="recent-events">${recent.map(id => html`<option value=${id} />`)}</datalist>
      ${error && html`<p class="error wide">${error}</p>`}
      ${steps && html`<ol class="wide steps">${steps.map(s => html`<li class=${`step ${s.kind}`}>${formatTime(s.at)} <b>${s.kind}</b> ${s.bus}${s.rule ? ` → rule ${s.rule}` : ''}${s.target ? ` → target ${s.target}` : ''}${s.retry ? ` (retry ${s.retry})` : ''}${s.error ? html` <span class="error">${s.error}</span>` : ''}</li>`)}</ol>`}
    </div>`
}

function Archives ({ state, onDone }) {
  const [archive, setArchive] = useState({ name: '', bus: 'default' })
  const [replay, setReplay] = useState({ name: '', archive: '', from: '', to: '' })
  const [note, setNote] = useState(null)
  const create = async e => {
    e.preventDefault()
    if (!/^[.\-_A-Za-z0-9]{1,48}$/.test(archive.name)) return setNote('error: archive name: letters, digits, ".", "-" and "_", up to 48')
    const bus = state?.buses.find(b => b.name === archive.bus)
    if (!bus) return setNote(`error: no bus ${archive.bus}`)
    try { await busApi('CreateArchive', { ArchiveName: archive.name, EventSourceArn: bus.arn }); setNote(`archive ${archive.name} created`); onDone() } catch (err) { setNote(`error: ${err.message}`) }
  }
  const start = async e => {
    e.preventDefault()
    const a = state?.archives.find(x => x.name === replay.archive)
    if (!a) return setNote('error: pick an archive')
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(replay.name)) return setNote('error: replay name: letters, digits, ".", "-" and "_"')
    const from = Date.parse(replay.from)
    const to = replay.to.trim() === '' ? Date.now() : Date.parse(replay.to)
    if (!Number.isFinite(from) || !Number.isFinite(to)) return setNote('error: from and to must be times, e.g. 2026-12-03T10:00:00Z')
    if (from >= to) return setNote('error: from must be before to')
    try {
      await busApi('StartReplay', { ReplayName: replay.name, EventSourceArn: a.arn, EventStartTime: from / 1000, EventEndTime: to / 1000, Destination: { Arn: a.eventSourceArn } })
      setNote(`replay ${replay.name} started`); onDone()
    } catch (err) { setNote(`error: ${err.message}`) }
  }
  return html`
    <div id="archives">
      <h3>Archives and replays</h3>
      ${note && html`<p class=${note.startsWith('error') ? 'error' : 'ok'}>${note}</p>`}
      <table class="small"><thead><tr><th>Archive</th><th>Bus</th><th>State</th><th>Events</th><th>Size</th></tr></thead>
        <tbody>${(state?.archives ?? []).map(a => html`<tr><td>${a.name}</td><td>${a.sourceBusName}</td><td>${a.state}</td><td>${a.events}</td><td>${formatBytes(a.sizeBytes)}</td></tr>`)}</tbody></table>
      <form class="row" id="create-archive" onSubmit=${create}>
        <input name="archiveName" placeholder="archive name" value=${archive.name} onInput=${e => setArchive(x => ({ ...x, name: e.target.value }))} />
        <input name="archiveBus" size="10" value=${archive.bus} onInput=${e => setArchive(x => ({ ...x, bus: e.target.value }))} />
        <button>Create archive</button>
      </form>
      <table class="small" id="replays-table"><thead><tr><th>Replay</th><th>Archive</th><th>State</th><th>Progress</th><th>Last replayed</th></tr></thead>
        <tbody>${(state?.replays ?? []).map(r => html`<tr data-replay=${r.name}><td>${r.name}</td><td>${r.archiveName}</td><td class="replay-state">${r.state}${r.stateReason ? ` (${r.stateReason})` : ''}</td>
          <td><progress max=${Math.max(1, r.endOffset)} value=${Math.min(r.cursor, r.endOffset)}></progress> ${Math.min(r.cursor, r.endOffset)} / ${r.endOffset}</td><td>${formatTime(r.eventLastReplayedTime)}</td></tr>`)}</tbody></table>
      <form class="row" id="start-replay" onSubmit=${start}>
        <input name="replayName" placeholder="replay name" value=${replay.name} onInput=${e => setReplay(x => ({ ...x, name: e.target.value }))} />
        <select name="replayArchive" value=${replay.archive} onChange=${e => setReplay(x => ({ ...x, archive: e.target.value }))}><option value="">(archive)</option>${(state?.archives ?? []).map(a => html`<option>${a.name}</option>`)}</select>
        <input name="replayFrom" placeholder="from (time)" value=${replay.from} onInput=${e => setReplay(x => ({ ...x, from: e.target.value }))} />
        <input name="replayTo" placeholder="to (default now)" value=${replay.to} onInput=${e => setReplay(x => ({ ...x, to: e.target.value }))} />
        <button>Start replay</button>
      </form>
    </div>`
}
