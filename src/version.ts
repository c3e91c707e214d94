// The package's version (package.json), read once: /health reports it and the CLI
// prints it. The path holds from src/ (tsx) and from dist/ (the build) alike.
import { readFileSync } from 'node:fs'

export const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
