// The authorization wrapper covers every API the broker serves: building it
// over the registry fails for an API without a rule, so a new handler cannot
// be served unchecked; with authorization off the registry is left as it is.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { allHandlers } from '../../../src/broker/handlers/index.js'
import { authorizeHandlers } from '../../../src/broker/acl/enforce.js'
import { Authorizer } from '../../../src/broker/acl/index.js'
import type { Handler } from '../../../src/broker/handlers/types.js'

test('every served API has an authorization rule', () => {
  const wrapped = authorizeHandlers(allHandlers, new Authorizer({ enabled: true }))
  assert.equal(wrapped.length, allHandlers.length)
})

test('an API without a rule stops the registry from being built, naming it', () => {
  const unknown = { ...allHandlers[0]!, api: { ...allHandlers[0]!.api, name: 'BrandNewApi' } } as unknown as Handler
  assert.throws(() => authorizeHandlers([unknown], new Authorizer({ enabled: true })), /BrandNewApi has no authorization rule/)
})

test('with authorization off the handlers are served unwrapped', () => {
  const handlers = authorizeHandlers(allHandlers, new Authorizer({ enabled: false }))
  assert.ok(handlers.every((h, i) => h === allHandlers[i]))
})
