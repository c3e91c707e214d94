// A time-series chart: uPlot (about 45 KB, draws thousands of points on a
// canvas without a virtual DOM) inside a Preact component. Data arrives as
// uPlot's column arrays; the chart is created once and only fed new data.
import { html } from 'htm/preact'
import { useEffect, useRef } from 'preact/hooks'
import UPlot from 'uplot'

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777']

export function Chart ({ title, labels, data, id }) {
  const box = useRef(null)
  const plot = useRef(null)
  const shape = labels.join('\u0000')
  useEffect(() => {
    const opts = {
      width: Math.max(240, box.current.clientWidth),
      height: 160,
      legend: { show: true },
      scales: { x: { time: true } },
      series: [{}, ...labels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, points: { show: false } }))],
      axes: [{}, { size: 60 }]
    }
    plot.current = new UPlot(opts, data, box.current)
    return () => { plot.current?.destroy(); plot.current = null }
  }, [shape])
  useEffect(() => { plot.current?.setData(data) }, [data])
  return html`<div class="chart" id=${id}><h3>${title}</h3><div ref=${box}></div></div>`
}
