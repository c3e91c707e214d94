// The console's shell: a header with the pages, hash routing (#/topics,
// #/messages/<topic>, #/groups/<group>, #/bus), and an error boundary so a
// page that throws shows its message instead of a blank screen.
import { html } from 'htm/preact'
import { render, Component } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import 'uplot/dist/uPlot.min.css'
import './style.css'
import { Overview } from './overview.js'
import { Topics } from './topics.js'
import { Messages } from './messages.js'
import { Groups } from './groups.js'
import { Bus } from './bus.js'

const PAGES = [['overview', 'Overview'], ['topics', 'Topics'], ['messages', 'Messages'], ['groups', 'Groups'], ['bus', 'Bus']]

function route () {
  const [page, arg] = window.location.hash.replace(/^#\/?/, '').split('/')
  return { page: page === undefined || page === '' ? 'overview' : page, arg: arg === undefined || arg === '' ? undefined : decodeURIComponent(arg) }
}

class Boundary extends Component {
  constructor () { super(); this.state = { error: null } }
  componentDidCatch (error) { this.setState({ error }) }
  render ({ children }, { error }) {
    if (error) return html`<div class="error page-error"><h2>This page failed</h2><p>${error.message}</p><button onClick=${() => this.setState({ error: null })}>Try again</button></div>`
    return children
  }
}

function App () {
  const [where, setWhere] = useState(route())
  useEffect(() => {
    const onHash = () => setWhere(route())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  const { page, arg } = where
  return html`
    <header>
      <h1>Tributary</h1>
      <nav>${PAGES.map(([id, label]) => html`<a href="#/${id}" class=${page === id ? 'active' : ''} id=${`nav-${id}`}>${label}</a>`)}</nav>
    </header>
    <main>
      <${Boundary} key=${page}>
        ${page === 'overview' && html`<${Overview} />`}
        ${page === 'topics' && html`<${Topics} />`}
        ${page === 'messages' && html`<${Messages} topic=${arg} />`}
        ${page === 'groups' && html`<${Groups} group=${arg} />`}
        ${page === 'bus' && html`<${Bus} />`}
      </${Boundary}>
    </main>`
}

const root = document.getElementById('app')
root.textContent = '' // the "loading" line, shown until this script runs
render(html`<${App} />`, root)
