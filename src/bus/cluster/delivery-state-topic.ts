// Dispatcher state (cursor + retry queue, one key per bus partition) as a
// compacted topic: where bus workers kept it before cursors became the group's
// committed offsets and retries moved to retry topics. GroupOffsetsState reads it
// when the group has no offset for a partition (an upgrade): the cursor is taken
// from here and old retries are moved to the retry topic by the dispatcher.
import type { Logger } from 'pino'
import { parseDeliveryState, type DeliveryState, type DeliveryStateStore } from '../targets/delivery-store.js'
import type { CompactedTopic } from './compacted-topic.js'

export const DELIVERY_STATE_TOPIC = '__bus.delivery-state'

export class DeliveryStateTopic implements DeliveryStateStore {
  private readonly states = new Map<string, DeliveryState>()

  constructor (private readonly topic: CompactedTopic, private readonly logger?: Logger) {}

  async open (): Promise<void> {
    await this.topic.ensure()
    await this.refresh()
  }

  /** Reads what other processes committed since the last refresh (before taking over partitions). */
  async refresh (): Promise<void> {
    await this.topic.catchUp(record => {
      const key = record.key?.toString('utf8')
      if (key === undefined) return
      if (record.value === null) { this.states.delete(key); return }
      const state = parseDeliveryState(record.value.toString('utf8'))
      if (state === undefined) this.logger?.warn({ offset: record.offset, key }, `skipping a delivery state that does not parse at offset ${record.offset} of ${this.topic.clusterName}`)
      else this.states.set(key, state)
    })
  }

  saved (key: string): DeliveryState | undefined {
    return this.states.get(key)
  }

  async save (key: string, state: DeliveryState): Promise<void> {
    await this.topic.write([{ key, value: JSON.stringify(state) }])
    this.states.set(key, state)
  }

  async forget (key: string): Promise<void> {
    this.states.delete(key)
    await this.topic.write([{ key, value: null }])
  }

  async close (): Promise<void> {}
}
