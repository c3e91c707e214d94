// A broker configuration with http.auth "basic", three SASL users (one per
// mechanism), authorization on and ACLs, shared by the HTTP and browser tests.
import { defaultConfig, type BrokerConfig } from '../../src/config.js'

const topicAcl = (principal: string, resourceName: string, operation: string, host = '*'): Record<string, string> => ({ principal, resourceType: 'topic', resourceName, operation, host })

/** Users, ACLs and the console's own Kafka connection (User:ANONYMOUS from loopback on the plaintext listener). */
export function authConfig (dataDir: string): BrokerConfig {
  return {
    ...defaultConfig,
    host: '127.0.0.1',
    kafkaPort: 0,
    httpPort: 0,
    dataDir,
    scramIterations: 4096,
    saslFailureDelayMs: 10,
    users: [
      { name: 'admin', password: 'admin-password', mechanisms: ['SCRAM-SHA-512'] },
      { name: 'alice', password: 'alice-password', mechanisms: ['SCRAM-SHA-256'] },
      { name: 'bob', password: 'bob-password', mechanisms: ['PLAIN'] }
    ],
    http: { auth: 'basic' },
    authorization: true,
    superUsers: ['User:admin'],
    acls: [
      topicAcl('User:alice', 'orders', 'read'),
      // the console's own connection does what the logged-in user was allowed
      topicAcl('User:ANONYMOUS', '*', 'all', '127.0.0.1'),
      { principal: 'User:ANONYMOUS', resourceType: 'cluster', resourceName: 'kafka-cluster', operation: 'all', host: '127.0.0.1' },
      { principal: 'User:ANONYMOUS', resourceType: 'group', resourceName: '*', operation: 'all', host: '127.0.0.1' }
    ]
  }
}
