// The compression codecs are native addons: each costs a dlopen and its loader at
// start (together about 0.2 s of a start to /health on a busy machine, CPU profile),
// while most deployments never see a compressed batch of a given codec. Each is
// loaded at its first use instead.
import { createRequire } from 'node:module'

const requireNative = createRequire(import.meta.url)

/** A getter that requires the CommonJS module `name` the first time it is called. */
export function lazyNative<T> (name: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= requireNative(name) as T)
}
