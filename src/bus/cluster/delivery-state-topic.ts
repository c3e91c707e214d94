// Dispatcher state (cursor + retry queue, one key per bus partition) as a
// compacted topic: where bus workers kept it before cursors became the group's
// committed offsets and retries moved to retry topics. GroupOffsetsState reads it
// when the group has no offset for a partition (an upgrade): the cursor is taken
// from here and old retries are moved to the retry topic by the dispatcher.
import type { Logger } from 'pino'
import { parseDeliveryState, type DeliveryState, type DeliveryStateStore } from '../targets/delivery-store.js'
import type { CompactedTopic } from './compacted-topic.js'
import { catchUpKeyed } from './keyed-state.js'

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
    await catchUpKeyed(this.topic, this.states, { parse: parseDeliveryState }, this.logger)
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
