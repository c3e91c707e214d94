// Transaction markers: the control batch the transaction coordinator writes to
// every partition of a transaction when it ends. One record, key
// [int16 version 0][int16 type: 0 abort, 1 commit], value
// [int16 version 0][int32 coordinator epoch]; the batch carries the producer id
// and epoch, the transactional and control bits, and no sequence.
import { encodeBatch } from '../protocol/records/batch-codec.js'
import { ControlType } from './producer-state.js'

export function encodeTxnMarker (producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, timestamp: number): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(commit ? ControlType.commit : ControlType.abort, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(coordinatorEpoch, 2)
  return encodeBatch([{ key, value, timestamp }], {
    producerId,
    producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    baseTimestamp: timestamp,
  })
}
