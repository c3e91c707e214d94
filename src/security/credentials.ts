// SCRAM credentials (RFC 5802 section 3): what is kept of a password is a
// random salt, the iteration count, StoredKey = H(HMAC(SaltedPassword, "Client Key"))
// and ServerKey = HMAC(SaltedPassword, "Server Key"). Neither gives the password
// back, and neither lets anyone log in without it: a SCRAM client must prove it
// knows ClientKey, which StoredKey is only the hash of.
//
// PLAIN uses the same form (over SHA-512): the password a PLAIN client sends is
// salted, stretched and compared with StoredKey, so the clear password is never
// stored for PLAIN either.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { TributaryError, TributaryErrorCode } from '../errors.js'

const pbkdf2Async = promisify(pbkdf2)

export type CredentialMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
export type HashName = 'sha256' | 'sha512'

/** RFC 7677 asks for at least 4096; Kafka refuses more than 16384. */
export const MIN_ITERATIONS = 4096
export const MAX_ITERATIONS = 16384

export interface ScramCredential {
  hash: HashName
  salt: Buffer
  iterations: number
  storedKey: Buffer
  serverKey: Buffer
}

export function hashOf (mechanism: CredentialMechanism): HashName {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
}

export function hmac (hash: HashName, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(hash, key).update(data).digest()
}

export function digest (hash: HashName, data: Buffer): Buffer {
  return createHash(hash).update(data).digest()
}

/** Hi() of RFC 5802: PBKDF2 with HMAC over the mechanism's hash; async, so the event loop keeps serving. */
export async function saltPassword (hash: HashName, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const length = hash === 'sha256' ? 32 : 64
  // RFC 5802 asks for SASLprep; Kafka's clients send the password's UTF-8 as is, and so do we.
  return await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, length, hash)
}

/** The stored form from a salted password (AlterUserScramCredentials hands us exactly that). */
export function credentialFromSalted (hash: HashName, salt: Buffer, iterations: number, saltedPassword: Buffer): ScramCredential {
  const clientKey = hmac(hash, saltedPassword, 'Client Key')
  return {
    hash,
    salt,
    iterations,
    storedKey: digest(hash, clientKey),
    serverKey: hmac(hash, saltedPassword, 'Server Key')
  }
}

export async function createCredential (mechanism: CredentialMechanism, password: string, iterations: number): Promise<ScramCredential> {
  const hash = hashOf(mechanism)
  const salt = randomBytes(32)
  return credentialFromSalted(hash, salt, iterations, await saltPassword(hash, password, salt, iterations))
}

/** Constant-time equality; different lengths are unequal without comparing. */
export function sameBytes (a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Whether `password` is the one `credential` was made from (PLAIN's check). */
export async function passwordMatches (credential: ScramCredential, password: string): Promise<boolean> {
  const salted = await saltPassword(credential.hash, password, credential.salt, credential.iterations)
  return sameBytes(digest(credential.hash, hmac(credential.hash, salted, 'Client Key')), credential.storedKey)
}

export function encodeCredential (credential: ScramCredential): Buffer {
  return Buffer.from(JSON.stringify({
    hash: credential.hash,
    salt: credential.salt.toString('base64'),
    iterations: credential.iterations,
    storedKey: credential.storedKey.toString('base64'),
    serverKey: credential.serverKey.toString('base64')
  }), 'utf8')
}

export function decodeCredential (bytes: Buffer): ScramCredential {
  const raw = JSON.parse(bytes.toString('utf8')) as { hash: HashName, salt: string, iterations: number, storedKey: string, serverKey: string }
  if ((raw.hash !== 'sha256' && raw.hash !== 'sha512') || !Number.isInteger(raw.iterations)) throw new TributaryError(TributaryErrorCode.MALFORMED, 'not a stored credential')
  return {
    hash: raw.hash,
    salt: Buffer.from(raw.salt, 'base64'),
    iterations: raw.iterations,
    storedKey: Buffer.from(raw.storedKey, 'base64'),
    serverKey: Buffer.from(raw.serverKey, 'base64')
  }
}
