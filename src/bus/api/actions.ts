// Every supported action, by the name after `AWSEvents.` in X-Amz-Target.
import type { ActionHandler } from './common.js'
import { putEvents } from './put-events.js'
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses } from './event-buses.js'
import { deleteRule, describeRule, disableRule, enableRule, listRuleNamesByTarget, listRules, putRule } from './rules.js'
import { listTargetsByRule, putTargets, removeTargets } from './targets.js'
import { testEventPattern } from './test-event-pattern.js'
import { createArchive, deleteArchive, describeArchive, listArchives, updateArchive } from './archives.js'
import { cancelReplay, describeReplay, listReplays, startReplay } from './replays.js'
import { createConnection, deauthorizeConnection, deleteConnection, describeConnection, listConnections, updateConnection } from './connections.js'
import { createApiDestination, deleteApiDestination, describeApiDestination, listApiDestinations, updateApiDestination } from './api-destinations.js'
import { listTagsForResource, tagResource, untagResource } from './tags.js'

export const actions: Record<string, ActionHandler> = {
  PutEvents: putEvents,
  CreateEventBus: createEventBus,
  DeleteEventBus: deleteEventBus,
  DescribeEventBus: describeEventBus,
  ListEventBuses: listEventBuses,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  EnableRule: enableRule,
  DisableRule: disableRule,
  DeleteRule: deleteRule,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  TestEventPattern: testEventPattern,
  CreateArchive: createArchive,
  DescribeArchive: describeArchive,
  UpdateArchive: updateArchive,
  DeleteArchive: deleteArchive,
  ListArchives: listArchives,
  StartReplay: startReplay,
  DescribeReplay: describeReplay,
  ListReplays: listReplays,
  CancelReplay: cancelReplay,
  CreateConnection: createConnection,
  DescribeConnection: describeConnection,
  UpdateConnection: updateConnection,
  DeleteConnection: deleteConnection,
  ListConnections: listConnections,
  DeauthorizeConnection: deauthorizeConnection,
  CreateApiDestination: createApiDestination,
  DescribeApiDestination: describeApiDestination,
  UpdateApiDestination: updateApiDestination,
  DeleteApiDestination: deleteApiDestination,
  ListApiDestinations: listApiDestinations,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
}
