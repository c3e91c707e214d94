// AWS's own Signature Version 4 signer (@smithy/signature-v4, with @smithy/hash-node), loaded at its first use,
// not when a module that may sign is loaded: the broker verifies signatures only when bus credentials are
// configured, the bus client signs only with credentials, and loading the signer (with @smithy/core) was about
// a quarter of a second of `tributary start` to /health on a busy machine (CPU profile), through the console's
// and the CLI's imports of the client.
import { createRequire } from 'node:module'

const requireSigner = createRequire(import.meta.url)
let signerModules: { SignatureV4: typeof import('@smithy/signature-v4').SignatureV4, Hash: typeof import('@smithy/hash-node').Hash } | undefined

export function signerModule (): NonNullable<typeof signerModules> {
  signerModules ??= {
    SignatureV4: (requireSigner('@smithy/signature-v4') as typeof import('@smithy/signature-v4')).SignatureV4,
    Hash: (requireSigner('@smithy/hash-node') as typeof import('@smithy/hash-node')).Hash,
  }
  return signerModules
}
