// Builds the web console (web/) into dist/console: one minified ES module with
// Preact, htm and uPlot inside, one CSS file, the page. Nothing is loaded from
// a CDN at run time. Prints the sizes (raw and gzipped) so a growing bundle is seen.
import { build } from 'esbuild'
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const out = 'dist/console'
await mkdir(out, { recursive: true })
await build({
  entryPoints: { app: 'web/src/main.js' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning'
})
await copyFile('web/index.html', join(out, 'index.html'))
let total = 0
for (const name of await readdir(out)) {
  const bytes = await readFile(join(out, name))
  const gz = gzipSync(bytes).length
  total += gz
  console.log(`${join(out, name)}  ${bytes.length} B, ${gz} B gzipped`)
}
console.log(`console bundle: ${total} B gzipped in all`)
