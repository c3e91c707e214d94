// Child of ./disk-full.ts: appends to a group or transaction journal until an
// append fails, printing `ACK <id>` for each acknowledged one and `FAIL <id>`.
import { GroupStore } from '../../src/broker/groups/store.js'
import { RecordType } from '../../src/broker/groups/store-records.js'
import { TxnStore } from '../../src/broker/txn/txn-store.js'
import { txnMeta } from './txn-meta.js'

const [kind, dir, recordBytes, max] = process.argv.slice(2) as [string, string, string, string]
const pad = 'p'.repeat(Number(recordBytes))

async function main (): Promise<void> {
  let append: (id: string) => Promise<void>
  if (kind === 'groups') {
    const store = new GroupStore({ dir, compactAfterBytes: 1 << 30 })
    await store.open(() => {})
    append = id => store.append({ type: RecordType.Offsets, groupId: `${id}/${pad}`, entries: [{ topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 0, expireTimestamp: -1 }] })
  } else {
    const store = new TxnStore({ dir, compactAfterBytes: 1 << 30 })
    await store.open(() => {})
    append = id => store.append({ t: 'txn', meta: txnMeta(`${id}/${pad}`) })
  }
  for (let i = 0; i < Number(max); i++) {
    const id = `ack${i}`
    try {
      await append(id)
      process.stdout.write(`ACK ${id}\n`)
    } catch {
      process.stdout.write(`FAIL ${id}\n`)
      return
    }
  }
}

main().then(() => process.exit(0), err => { console.error(err); process.exit(1) })
