// Every fuzz target, in the order runs report them.
import { decompressTargets, kafkaRequestTarget, recordBatchTarget } from './kafka.js'
import { busJsonTarget, eventPatternTarget, inputTransformerTarget } from './bus.js'
import type { FuzzTarget } from './types.js'

export function allTargets (): FuzzTarget[] {
  return [
    kafkaRequestTarget,
    recordBatchTarget,
    ...decompressTargets,
    eventPatternTarget(),
    inputTransformerTarget(),
    busJsonTarget()
  ] as FuzzTarget[]
}
export { FuzzFinding, type FuzzTarget } from './types.js'
