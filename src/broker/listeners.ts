// The Kafka listeners to open: the configured ones, or (none configured) the
// single PLAINTEXT listener on host:kafkaPort. TLS files are read and turned
// into a secure context here, before anything listens, so a certificate that
// does not load stops the start with a message naming the file and listener.
import { readFileSync } from 'node:fs'
import { createSecureContext, type TlsOptions } from 'node:tls'
import { ConfigError, type BrokerConfig, type ListenerProtocol, type TlsFiles } from '../config.js'

export interface ResolvedListener {
  name: string
  host: string
  port: number
  protocol: ListenerProtocol
  /** What Metadata tells this listener's clients; undefined for the default listener (live config.advertisedHost). */
  advertisedHost?: string
  /** Options for tls.createServer, for SSL and SASL_SSL. */
  tls?: TlsOptions
}

export const DEFAULT_LISTENER = 'PLAINTEXT'

/** Reads a TLS file set into tls.createServer options; `where` names it in errors (e.g. "listener SECURE"). */
export function loadTls (files: TlsFiles, where: string): TlsOptions {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path)
    } catch (err) {
      throw new ConfigError(`${where}: cannot read ${what} ${path}: ${(err as Error).message}`)
    }
  }
  const options: TlsOptions = {
    cert: read(files.certFile, 'certFile'),
    key: read(files.keyFile, 'keyFile'),
    ...(files.caFile !== undefined ? { ca: read(files.caFile, 'caFile'), requestCert: true, rejectUnauthorized: files.requireClientCert === true } : {})
  }
  try {
    createSecureContext(options)
  } catch (err) {
    throw new ConfigError(`${where}: the certificate ${files.certFile} with key ${files.keyFile}${files.caFile !== undefined ? ` and CA ${files.caFile}` : ''} does not load: ${(err as Error).message}`)
  }
  return options
}

export function resolveListeners (config: BrokerConfig): ResolvedListener[] {
  if (config.listeners.length === 0) {
    return [{ name: DEFAULT_LISTENER, host: config.host, port: config.kafkaPort, protocol: 'PLAINTEXT' }]
  }
  return config.listeners.map(l => ({
    name: l.name,
    host: l.host,
    port: l.port,
    protocol: l.protocol,
    advertisedHost: l.advertisedHost ?? (l.host === '0.0.0.0' || l.host === '::' ? '127.0.0.1' : l.host),
    ...(l.tls !== undefined ? { tls: loadTls(l.tls, `listener ${l.name}`) } : {})
  }))
}
