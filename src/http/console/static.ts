// The console's page and its bundle, built by `npm run build` into
// dist/console (scripts/build-console.mjs) and served from there: no CDN, no
// network at run time. The files are read once and kept in memory (the whole
// bundle is a few hundred KB); GET / answers the page.
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml'
}

/** The same path from src/http/console (tsx) and dist/http/console (the build). */
export const CONSOLE_DIST = join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'console')

export function registerStaticRoutes (app: FastifyInstance, dir = CONSOLE_DIST): void {
  let files: Promise<Map<string, Buffer>> | null = null
  const load = async (): Promise<Map<string, Buffer>> => {
    const out = new Map<string, Buffer>()
    for (const name of await readdir(dir)) out.set(name, await readFile(join(dir, name)))
    return out
  }
  const send = async (name: string, reply: import('fastify').FastifyReply): Promise<void> => {
    files ??= load().catch(err => { files = null; throw err })
    let all: Map<string, Buffer>
    try {
      all = await files
    } catch {
      await reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`.\n')
      return
    }
    const body = all.get(name)
    if (body === undefined) {
      await reply.code(404).type('text/plain; charset=utf-8').send('not found\n')
      return
    }
    await reply.type(TYPES[extname(name)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(body)
  }
  app.get('/', async (_req, reply) => { await send('index.html', reply) })
  app.get<{ Params: { file: string } }>('/console/:file', async (req, reply) => { await send(req.params.file, reply) })
}
