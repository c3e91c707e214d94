// Where a target ARN points locally. SQS queues, SNS topics, Kinesis streams
// and Firehose streams become Tributary topics of the same name; Lambda
// functions become HTTP endpoints from configuration; API destinations are
// HTTP calls with their connection's auth; event-bus ARNs are other buses.
// An http(s) URL in Arn is a plain webhook (a Tributary extension).
import { parseArn } from '../arn.js'

export type TargetEndpoint =
  | { kind: 'topic', topic: string }
  | { kind: 'bus', busName: string }
  | { kind: 'apiDestination', name: string }
  | { kind: 'function', name: string }
  | { kind: 'url', url: string }

export function resolveTargetArn (arn: string): TargetEndpoint | null {
  if (arn.startsWith('http://') || arn.startsWith('https://')) return { kind: 'url', url: arn }
  const parts = parseArn(arn)
  if (!parts) return null
  const { service, resource } = parts
  switch (service) {
    case 'sqs':
    case 'sns':
      return resource !== '' && !resource.includes('/') ? { kind: 'topic', topic: resource } : null
    case 'kinesis':
    case 'firehose': {
      const m = /^(?:stream|deliverystream)\/(.+)$/.exec(resource)
      return m?.[1] === undefined ? null : { kind: 'topic', topic: m[1] }
    }
    case 'kafka': {
      // A Tributary topic named directly: arn:aws:kafka:<region>:<account>:topic/<cluster>/<uuid>/<name>, last part wins.
      const m = /^topic\/(?:.+\/)?([^/]+)$/.exec(resource)
      return m?.[1] === undefined ? null : { kind: 'topic', topic: m[1] }
    }
    case 'lambda': {
      const m = /^function:([^:]+)(?::.+)?$/.exec(resource)
      return m?.[1] === undefined ? null : { kind: 'function', name: m[1] }
    }
    case 'events': {
      if (resource.startsWith('event-bus/')) return { kind: 'bus', busName: resource.slice('event-bus/'.length) }
      const m = /^api-destination\/([^/]+)(?:\/.*)?$/.exec(resource)
      return m?.[1] === undefined ? null : { kind: 'apiDestination', name: m[1] }
    }
    default:
      return null
  }
}

/** Dead-letter queues are SQS ARNs (or anything resolving to a topic). */
export function deadLetterTopic (arn: string): string | null {
  const endpoint = resolveTargetArn(arn)
  return endpoint?.kind === 'topic' ? endpoint.topic : null
}
