// DescribeUserScramCredentials (key 50) and AlterUserScramCredentials (key 51), version 0.
//
// Users' SCRAM credentials in the CredentialStore (src/security). The client
// salts and stretches the password itself and sends SaltedPassword, so the
// clear password never reaches the broker; we keep StoredKey and ServerKey.
// PLAIN credentials (config file only) are not listed: the API knows no PLAIN.
// Errors (per user): RESOURCE_NOT_FOUND for a user or credential that does not
// exist; DUPLICATE_RESOURCE for a user named twice in Describe, or the same
// user and mechanism twice in Alter; UNSUPPORTED_SASL_MECHANISM for a mechanism
// other than 1 (SCRAM-SHA-256) and 2 (SCRAM-SHA-512); UNACCEPTABLE_CREDENTIAL
// for iterations outside 4096-16384, an empty user name or salt, or a salted
// password of the wrong length. A user with any error has none of its changes applied.
// Without a credential store (not started by the root) the top-level answer is UNKNOWN_SERVER_ERROR.
import { describeUserScramCredentialsApi, alterUserScramCredentialsApi } from '../../protocol/messages/user-scram-credentials.js'
import { ErrorCode } from '../../protocol/errors.js'
import { credentialFromSalted, hashOf, MAX_ITERATIONS, MIN_ITERATIONS, type CredentialMechanism, type ScramCredential } from '../../security/credentials.js'
import type { Handler } from './types.js'

const WIRE_MECHANISMS: ReadonlyMap<number, CredentialMechanism> = new Map([[1, 'SCRAM-SHA-256'], [2, 'SCRAM-SHA-512']])
const wireMechanism = (m: CredentialMechanism): number => m === 'SCRAM-SHA-256' ? 1 : 2

export const describeUserScramCredentialsHandler: Handler<'DescribeUserScramCredentials'> = {
  api: describeUserScramCredentialsApi,
  handle (request, ctx) {
    const store = ctx.services.credentials
    if (store === undefined) return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'no credential store', results: [] }
    const scramOf = (user: string): Array<{ mechanism: number, iterations: number }> =>
      [...(store.mechanismsOf(user) ?? new Map<CredentialMechanism, ScramCredential>())]
        .filter(([m]) => m !== 'PLAIN')
        .map(([m, c]) => ({ mechanism: wireMechanism(m), iterations: c.iterations }))
    const describeAll = request.users === null || request.users.length === 0
    if (describeAll) {
      const results = store.users()
        .map(user => ({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: scramOf(user) }))
        .filter(r => r.credentialInfos.length > 0)
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results }
    }
    const names = request.users?.map(u => u.name) ?? []
    const results = [...new Set(names)].map(user => {
      if (names.indexOf(user) !== names.lastIndexOf(user)) return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `user ${user} is named more than once`, credentialInfos: [] }
      const credentialInfos = scramOf(user)
      if (credentialInfos.length === 0) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `user ${user} has no SCRAM credential`, credentialInfos }
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos }
    })
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results }
  }
}

interface UserProblem { errorCode: number, errorMessage: string }

export const alterUserScramCredentialsHandler: Handler<'AlterUserScramCredentials'> = {
  api: alterUserScramCredentialsApi,
  async handle (request, ctx) {
    const store = ctx.services.credentials
    const users = [...new Set([...request.deletions.map(d => d.name), ...request.upsertions.map(u => u.name)])]
    if (store === undefined) return { throttleTimeMs: 0, results: users.map(user => ({ user, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'no credential store' })) }
    const problems = new Map<string, UserProblem>()
    const problem = (user: string, errorCode: number, errorMessage: string): void => { if (!problems.has(user)) problems.set(user, { errorCode, errorMessage }) }
    const seen = new Set<string>()
    const once = (user: string, mechanism: number): void => {
      const key = `${user}\u0000${mechanism}`
      if (seen.has(key)) problem(user, ErrorCode.DUPLICATE_RESOURCE, `user ${user} and mechanism ${mechanism} appear more than once`)
      seen.add(key)
    }
    const deletions: Array<{ user: string, mechanism: CredentialMechanism }> = []
    for (const d of request.deletions) {
      once(d.name, d.mechanism)
      const mechanism = WIRE_MECHANISMS.get(d.mechanism)
      if (d.name === '') problem(d.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'empty user name')
      else if (mechanism === undefined) problem(d.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, `unknown SCRAM mechanism ${d.mechanism}`)
      else if (store.get(d.name, mechanism) === undefined) problem(d.name, ErrorCode.RESOURCE_NOT_FOUND, `user ${d.name} has no ${mechanism} credential`)
      else deletions.push({ user: d.name, mechanism })
    }
    const upserts: Array<{ user: string, mechanism: CredentialMechanism, credential: ScramCredential }> = []
    for (const u of request.upsertions) {
      once(u.name, u.mechanism)
      const mechanism = WIRE_MECHANISMS.get(u.mechanism)
      if (u.name === '') problem(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'empty user name')
      else if (mechanism === undefined) problem(u.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, `unknown SCRAM mechanism ${u.mechanism}`)
      else if (u.iterations < MIN_ITERATIONS || u.iterations > MAX_ITERATIONS) problem(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `iterations must be ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`)
      else if (u.salt.length === 0) problem(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'empty salt')
      else if (u.saltedPassword.length !== (hashOf(mechanism) === 'sha256' ? 32 : 64)) problem(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `salted password of ${u.saltedPassword.length} bytes does not fit ${mechanism}`)
      else upserts.push({ user: u.name, mechanism, credential: credentialFromSalted(hashOf(mechanism), Buffer.from(u.salt), u.iterations, u.saltedPassword) })
    }
    await store.change(upserts.filter(u => !problems.has(u.user)), deletions.filter(d => !problems.has(d.user)))
    return {
      throttleTimeMs: 0,
      results: users.map(user => {
        const p = problems.get(user)
        return p === undefined ? { user, errorCode: ErrorCode.NONE, errorMessage: null } : { user, ...p }
      })
    }
  }
}
