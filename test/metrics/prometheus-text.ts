// A strict parser for Prometheus' text exposition format 0.0.4, written from
// the format's description (prometheus.io/docs/instrumenting/exposition_formats):
// `# HELP`/`# TYPE` at most once per family and before its samples, metric and
// label names from their grammars, label values with only \\, \" and \n
// escapes, no duplicate label names, no duplicate series, values as Go floats
// (incl. NaN, +Inf, -Inf, case-insensitive as Go parses them), an optional integer timestamp, and histogram
// families whose buckets are cumulative and end with le="+Inf" equal to _count.
// Anything else throws, naming the line.

export interface Sample { name: string, labels: Record<string, string>, value: number }
export interface Family { name: string, type: string, help: string | null, samples: Sample[] }

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''] }

export function parsePrometheusText (text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  const seenSeries = new Set<string>()
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition does not end with a newline')
  const lines = text.split('\n')
  lines.pop()
  lines.forEach((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line.slice(0, 80))})`
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line)
      if (!m) return // a plain comment
      const [, kind, name, rest = ''] = m
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name`)
      const family = familyOf(families, name!)
      if (kind === 'HELP') {
        if (family.help !== null) throw new Error(`${where}: second HELP for ${name}`)
        family.help = unescape(rest, false, where)
      } else {
        if (family.type !== '') throw new Error(`${where}: second TYPE for ${name}`)
        if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`)
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`)
        family.type = rest
      }
      return
    }
    const sample = parseSample(line, where)
    const family = ownerOf(families, sample.name)
    if (family === undefined) throw new Error(`${where}: sample ${sample.name} has no TYPE declared before it`)
    const series = sample.name + JSON.stringify(Object.entries(sample.labels).sort())
    if (seenSeries.has(series)) throw new Error(`${where}: duplicate series`)
    seenSeries.add(series)
    family.samples.push(sample)
  })
  for (const family of families.values()) {
    if (family.type === '') throw new Error(`family ${family.name} has HELP but no TYPE`)
    if (family.type === 'histogram') checkHistogram(family)
  }
  return families
}

function familyOf (families: Map<string, Family>, name: string): Family {
  let family = families.get(name)
  if (!family) families.set(name, family = { name, type: '', help: null, samples: [] })
  return family
}

function ownerOf (families: Map<string, Family>, sampleName: string): Family | undefined {
  const direct = families.get(sampleName)
  if (direct && direct.type !== '' && direct.type !== 'histogram') return direct
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue
    const family = families.get(sampleName.slice(0, -suffix.length))
    if (family && (SUFFIXES[family.type] ?? []).includes(suffix)) return family
  }
  return undefined
}

function parseSample (line: string, where: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)
  if (!nameMatch) throw new Error(`${where}: no metric name`)
  const name = nameMatch[0]
  let at = name.length
  const labels: Record<string, string> = {}
  if (line[at] === '{') {
    at++
    while (line[at] !== '}') {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at))
      if (!labelMatch || !LABEL_NAME.test(labelMatch[1]!)) throw new Error(`${where}: bad label at column ${at}`)
      const labelName = labelMatch[1]!
      if (Object.hasOwn(labels, labelName)) throw new Error(`${where}: duplicate label ${labelName}`)
      at += labelMatch[0].length
      let raw = ''
      while (line[at] !== '"') {
        if (at >= line.length) throw new Error(`${where}: unterminated label value`)
        if (line[at] === '\\') { raw += line.slice(at, at + 2); at += 2 } else { raw += line[at]; at++ }
      }
      labels[labelName] = unescape(raw, true, where)
      at++
      if (line[at] === ',') at++
      else if (line[at] !== '}') throw new Error(`${where}: expected , or } at column ${at}`)
    }
    at++
  }
  const rest = line.slice(at)
  const m = /^ (\S+)(?: (-?\d+))?$/.exec(rest)
  if (!m) throw new Error(`${where}: expected " value [timestamp]"`)
  return { name, labels, value: parseValue(m[1]!, where) }
}

// Prometheus parses values with Go's strconv.ParseFloat, which ignores case in
// NaN and Inf (prom-client writes "Nan"); so does this.
function parseValue (text: string, where: string): number {
  const special = text.toLowerCase()
  if (special === 'nan') return NaN
  if (special === '+inf' || special === 'inf' || special === '+infinity' || special === 'infinity') return Infinity
  if (special === '-inf' || special === '-infinity') return -Infinity
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`)
  return Number(text)
}

function unescape (raw: string, quoted: boolean, where: string): string {
  return raw.replace(/\\(.)/g, (_all, c: string) => {
    if (c === '\\') return '\\'
    if (c === 'n') return '\n'
    if (c === '"' && quoted) return '"'
    throw new Error(`${where}: bad escape \\${c}`)
  })
}

function checkHistogram (family: Family): void {
  const byLabels = new Map<string, { buckets: Array<[number, number]>, count?: number }>()
  for (const s of family.samples) {
    const { le, ...rest } = s.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    let series = byLabels.get(key)
    if (!series) byLabels.set(key, series = { buckets: [] })
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`)
      series.buckets.push([parseValue(le, family.name), s.value])
    } else if (s.name.endsWith('_count')) {
      series.count = s.value
    }
  }
  for (const [key, series] of byLabels) {
    const sorted = [...series.buckets].sort((a, b) => a[0] - b[0])
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![1] < sorted[i - 1]![1]) throw new Error(`${family.name}${key}: buckets are not cumulative`)
    }
    const last = sorted[sorted.length - 1]
    if (!last || last[0] !== Infinity || last[1] !== series.count) throw new Error(`${family.name}${key}: le="+Inf" bucket missing or not equal to _count`)
  }
}

/** The value of the one sample of `name` whose labels include `labels`; undefined if none, throws if several. */
export function sampleValue (families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = ownerOf(families, name)
  const found = (family?.samples ?? []).filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`)
  return found[0]?.value
}
