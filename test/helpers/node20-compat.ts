// @platformatic/kafka declares Node >= 22.22 and calls Promise.withResolvers (Node 22+) in
// dist/apis/callbacks.js (every promise-returning call) and dist/protocol/compression.js.
// On Node 20 every call fails with "Promise.withResolvers is not a function"; this fills in that one function.
interface Resolvers<T> { promise: Promise<T>, resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void }

const PromiseWithResolvers = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }
if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  PromiseWithResolvers.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve']
    let reject!: Resolvers<T>['reject']
    const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
    return { promise, resolve, reject }
  }
}
