// SASL users' credentials, kept in the data directory in a Journal (the same
// durable, fsynced, crash-safe store as group offsets and the bus catalog, on
// the log's FileSystem seam). One entry per user and mechanism; the value is
// the salted, stretched form (credentials.ts), never the password.
//
// Users from the config file are hashed at start (replacing what is stored for
// the mechanisms they list); AlterUserScramCredentials changes the SCRAM ones
// at run time and survives restarts, unless the config file lists the user again.
import { join } from 'node:path'
import { Journal } from '../log/journal.js'
import type { FileSystem } from '../log/fs.js'
import type { UserConfig } from '../config-security.js'
import { createCredential, decodeCredential, encodeCredential, type CredentialMechanism, type ScramCredential } from './credentials.js'

const JOURNAL_FILE = 'credentials.journal'
const SEPARATOR = '\u0000'

export interface CredentialStoreOptions {
  /** Directory of the journal, e.g. <dataDir>/__security. */
  dir: string
  fs?: FileSystem
}

export class CredentialStore {
  private readonly journal: Journal
  private readonly credentials = new Map<string, Map<CredentialMechanism, ScramCredential>>()

  constructor (options: CredentialStoreOptions) {
    this.journal = new Journal({ dir: options.dir, name: JOURNAL_FILE, fs: options.fs })
  }

  static inDataDir (dataDir: string, fs?: FileSystem): CredentialStore {
    return new CredentialStore({ dir: join(dataDir, '__security'), fs })
  }

  async open (): Promise<void> {
    const { entries } = await this.journal.open()
    this.credentials.clear()
    for (const [key, value] of entries) {
      const [user, mechanism] = key.split(SEPARATOR) as [string, CredentialMechanism]
      this.remember(user, mechanism, decodeCredential(value))
    }
  }

  async close (): Promise<void> { await this.journal.close() }

  get (user: string, mechanism: CredentialMechanism): ScramCredential | undefined {
    return this.credentials.get(user)?.get(mechanism)
  }

  /** Users and their mechanisms, for DescribeUserScramCredentials. */
  mechanismsOf (user: string): ReadonlyMap<CredentialMechanism, ScramCredential> | undefined {
    return this.credentials.get(user)
  }

  users (): string[] { return [...this.credentials.keys()].sort() }

  /** Hashes each configured user's password for each of its mechanisms and stores the result (one fsynced write). */
  async applyConfigUsers (users: readonly UserConfig[], iterations: number): Promise<void> {
    const puts: Array<{ user: string, mechanism: CredentialMechanism, credential: ScramCredential }> = []
    for (const user of users) {
      for (const mechanism of user.mechanisms) {
        puts.push({ user: user.name, mechanism, credential: await createCredential(mechanism, user.password, iterations) })
      }
    }
    if (puts.length === 0) return
    await this.journal.write(puts.map(p => ({ key: keyOf(p.user, p.mechanism), value: encodeCredential(p.credential) })))
    for (const p of puts) this.remember(p.user, p.mechanism, p.credential)
  }

  /** Applies upserts and deletions together, durably, then in memory. */
  async change (upserts: ReadonlyArray<{ user: string, mechanism: CredentialMechanism, credential: ScramCredential }>, deletions: ReadonlyArray<{ user: string, mechanism: CredentialMechanism }>): Promise<void> {
    if (upserts.length + deletions.length === 0) return
    await this.journal.write([
      ...deletions.map(d => ({ key: keyOf(d.user, d.mechanism), value: null })),
      ...upserts.map(u => ({ key: keyOf(u.user, u.mechanism), value: encodeCredential(u.credential) }))
    ])
    for (const d of deletions) {
      const mine = this.credentials.get(d.user)
      mine?.delete(d.mechanism)
      if (mine?.size === 0) this.credentials.delete(d.user)
    }
    for (const u of upserts) this.remember(u.user, u.mechanism, u.credential)
  }

  private remember (user: string, mechanism: CredentialMechanism, credential: ScramCredential): void {
    let mine = this.credentials.get(user)
    if (mine === undefined) { mine = new Map(); this.credentials.set(user, mine) }
    mine.set(mechanism, credential)
  }
}

function keyOf (user: string, mechanism: CredentialMechanism): string {
  return user + SEPARATOR + mechanism
}
