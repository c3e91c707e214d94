// The consumer-group API handlers (classic protocol), for the handler registry.
import type { Handler } from './types.js'
import { findCoordinatorHandler } from './find-coordinator.js'
import { joinGroupHandler } from './join-group.js'
import { syncGroupHandler } from './sync-group.js'
import { heartbeatHandler } from './heartbeat.js'
import { leaveGroupHandler } from './leave-group.js'
import { offsetCommitHandler } from './offset-commit.js'
import { offsetFetchHandler } from './offset-fetch.js'
import { describeGroupsHandler } from './describe-groups.js'
import { listGroupsHandler } from './list-groups.js'
import { deleteGroupsHandler } from './delete-groups.js'
import { offsetDeleteHandler } from './offset-delete.js'

export const groupHandlers: Handler[] = [
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
  offsetDeleteHandler
]
