// ARNs of the bus's resources, built and taken apart in one place.
export interface ArnParts { partition: string, service: string, region: string, account: string, resource: string }

export function parseArn (arn: string): ArnParts | null {
  if (!arn.startsWith('arn:')) return null
  const [, partition, service, region, account, ...resource] = arn.split(':')
  if (partition === undefined || service === undefined || region === undefined || account === undefined || resource.length === 0) return null
  return { partition, service, region, account, resource: resource.join(':') }
}

export class ArnFactory {
  constructor (readonly region: string, readonly accountId: string) {}

  private events (resource: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:${resource}`
  }

  bus (name: string): string { return this.events(`event-bus/${name}`) }
  rule (busName: string, ruleName: string): string {
    return this.events(busName === 'default' ? `rule/${ruleName}` : `rule/${busName}/${ruleName}`)
  }

  archive (name: string): string { return this.events(`archive/${name}`) }
  replay (name: string): string { return this.events(`replay/${name}`) }
  connection (name: string, uuid: string): string { return this.events(`connection/${name}/${uuid}`) }
  apiDestination (name: string, uuid: string): string { return this.events(`api-destination/${name}/${uuid}`) }
}

/** EventBusName parameters take a name or an event bus ARN. */
export function busNameFromParam (value: string | undefined): string {
  if (value === undefined || value === '') return 'default'
  if (value.startsWith('arn:')) {
    const parts = parseArn(value)
    if (parts && parts.service === 'events' && parts.resource.startsWith('event-bus/')) return parts.resource.slice('event-bus/'.length)
  }
  return value
}

/** A rule ARN's bus and rule names: rule/NAME on the default bus, rule/BUS/NAME elsewhere. */
export function ruleFromArn (arn: string): { busName: string, ruleName: string } | null {
  const parts = parseArn(arn)
  if (!parts || parts.service !== 'events' || !parts.resource.startsWith('rule/')) return null
  const rest = parts.resource.slice('rule/'.length)
  const slash = rest.lastIndexOf('/')
  return slash < 0 ? { busName: 'default', ruleName: rest } : { busName: rest.slice(0, slash), ruleName: rest.slice(slash + 1) }
}
