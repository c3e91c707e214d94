// The security part of the configuration: listeners, TLS files, SASL users and
// HTTPS. These are nested values, so they come from the --config JSON file only
// (no flag or environment name). Each is checked here, key by key: an unknown
// key or a wrong type stops the start with a message that names it.
// Whether the files load and the ports are free is checked when the listeners
// open (src/broker/listeners.ts), which fails the start the same way.

export const LISTENER_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
export type ListenerProtocol = typeof LISTENER_PROTOCOLS[number]

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const
export type SaslMechanism = typeof SASL_MECHANISMS[number]

export interface TlsFiles {
  /** PEM certificate chain the server presents. */
  certFile: string
  /** PEM private key of certFile. */
  keyFile: string
  /** PEM CA bundle client certificates are checked against. */
  caFile?: string
  /** Refuse clients without a certificate signed by caFile (ssl.client.auth=required). */
  requireClientCert?: boolean
}

export interface ListenerConfig {
  /** Unique name, e.g. 'INTERNAL'; what RequestContext.listener carries. */
  name: string
  host: string
  /** 0 picks a free port. */
  port: number
  protocol: ListenerProtocol
  /** Host told to clients that connected through this listener (default: host, or 127.0.0.1 for a wildcard). */
  advertisedHost?: string
  /** Required for SSL and SASL_SSL. */
  tls?: TlsFiles
}

export interface UserConfig {
  name: string
  /** Clear text in the file; hashed at start (src/security/credential-store.ts), never kept in memory or on disk. */
  password: string
  mechanisms: SaslMechanism[]
}

export interface HttpConfig {
  /** Serve HTTPS instead of HTTP on httpPort. */
  tls?: TlsFiles
  /** "basic": the console and /api/* ask for a user's name and password (HTTP Basic, checked against the SASL credentials); "none" (default): open. */
  auth?: 'none' | 'basic'
}

class SecurityConfigError extends Error {
  code = 'TRIB_ERR_CONFIG'
}

type Fail = (message: string) => never
const fail: Fail = message => { throw new SecurityConfigError(message) }

function objectAt (value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must be an object`)
  return value as Record<string, unknown>
}

function onlyKeys (object: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(`unknown option "${key}" in ${where} (known: ${allowed.join(', ')})`)
  }
}

function stringAt (object: Record<string, unknown>, key: string, where: string, optional = false): string | undefined {
  const value = object[key]
  if (value === undefined && optional) return undefined
  if (typeof value !== 'string' || value === '') fail(`${where}.${key} must be a non-empty string`)
  return value
}

export function validateTls (value: unknown, where: string): TlsFiles {
  const tls = objectAt(value, where)
  onlyKeys(tls, ['certFile', 'keyFile', 'caFile', 'requireClientCert'], where)
  const certFile = stringAt(tls, 'certFile', where)!
  const keyFile = stringAt(tls, 'keyFile', where)!
  const caFile = stringAt(tls, 'caFile', where, true)
  const requireClientCert = tls.requireClientCert
  if (requireClientCert !== undefined && typeof requireClientCert !== 'boolean') fail(`${where}.requireClientCert must be true or false`)
  if (requireClientCert === true && caFile === undefined) fail(`${where}.requireClientCert needs ${where}.caFile to check client certificates against`)
  return { certFile, keyFile, ...(caFile !== undefined ? { caFile } : {}), ...(requireClientCert !== undefined ? { requireClientCert } : {}) }
}

export function validateListeners (value: unknown): ListenerConfig[] {
  if (!Array.isArray(value)) fail('listeners must be an array')
  const names = new Set<string>()
  return (value as unknown[]).map((entry, i) => {
    const where = `listeners[${i}]`
    const listener = objectAt(entry, where)
    onlyKeys(listener, ['name', 'host', 'port', 'protocol', 'advertisedHost', 'tls'], where)
    const name = stringAt(listener, 'name', where)!
    if (names.has(name)) fail(`${where}.name "${name}" is used by another listener`)
    names.add(name)
    const host = stringAt(listener, 'host', where)!
    const port = listener.port
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) fail(`${where}.port must be a port number`)
    const protocol = listener.protocol
    if (!LISTENER_PROTOCOLS.includes(protocol as ListenerProtocol)) fail(`${where}.protocol must be one of ${LISTENER_PROTOCOLS.join(', ')}`)
    const advertisedHost = stringAt(listener, 'advertisedHost', where, true)
    const tls = listener.tls === undefined ? undefined : validateTls(listener.tls, `${where}.tls`)
    const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL'
    if (usesTls && tls === undefined) fail(`${where} (${name}) is ${String(protocol)} and needs tls.certFile and tls.keyFile`)
    if (!usesTls && tls !== undefined) fail(`${where} (${name}) is ${String(protocol)}: tls is only for SSL and SASL_SSL listeners`)
    return {
      name,
      host,
      port,
      protocol: protocol as ListenerProtocol,
      ...(advertisedHost !== undefined ? { advertisedHost } : {}),
      ...(tls !== undefined ? { tls } : {})
    }
  })
}

export function validateUsers (value: unknown): UserConfig[] {
  if (!Array.isArray(value)) fail('users must be an array')
  const names = new Set<string>()
  return (value as unknown[]).map((entry, i) => {
    const where = `users[${i}]`
    const user = objectAt(entry, where)
    onlyKeys(user, ['name', 'password', 'mechanisms'], where)
    const name = stringAt(user, 'name', where)!
    if (names.has(name)) fail(`${where}.name "${name}" is listed twice`)
    names.add(name)
    const password = stringAt(user, 'password', where)!
    const mechanisms = user.mechanisms
    if (!Array.isArray(mechanisms) || mechanisms.length === 0 || !mechanisms.every(m => SASL_MECHANISMS.includes(m as SaslMechanism))) {
      fail(`${where}.mechanisms must be a non-empty list of ${SASL_MECHANISMS.join(', ')}`)
    }
    return { name, password, mechanisms: [...new Set(mechanisms as SaslMechanism[])] }
  })
}

export function validateHttp (value: unknown): HttpConfig {
  const http = objectAt(value, 'http')
  onlyKeys(http, ['tls', 'auth'], 'http')
  if (http.auth !== undefined && http.auth !== 'none' && http.auth !== 'basic') fail('http.auth must be "none" or "basic"')
  return {
    ...(http.tls === undefined ? {} : { tls: validateTls(http.tls, 'http.tls') }),
    ...(http.auth === undefined ? {} : { auth: http.auth })
  }
}

/** Whether a listener of this protocol runs TLS / asks for SASL. */
export const usesTls = (protocol: ListenerProtocol): boolean => protocol === 'SSL' || protocol === 'SASL_SSL'
export const usesSasl = (protocol: ListenerProtocol): boolean => protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL'
