import type { ApiSpec } from './spec.js'
import { findCoordinatorApi } from './find-coordinator.js'
import { joinGroupApi } from './join-group.js'
import { syncGroupApi } from './sync-group.js'
import { heartbeatApi } from './heartbeat.js'
import { leaveGroupApi } from './leave-group.js'
import { offsetCommitApi } from './offset-commit.js'
import { offsetFetchApi } from './offset-fetch.js'
import { describeGroupsApi } from './describe-groups.js'
import { listGroupsApi } from './list-groups.js'
import { deleteGroupsApi } from './delete-groups.js'
import { offsetDeleteApi } from './offset-delete.js'

/** The classic consumer-group APIs, each with the version range we advertise. */
export const groupApis = [
  findCoordinatorApi,
  joinGroupApi,
  syncGroupApi,
  heartbeatApi,
  leaveGroupApi,
  offsetCommitApi,
  offsetFetchApi,
  describeGroupsApi,
  listGroupsApi,
  deleteGroupsApi,
  offsetDeleteApi,
] as const satisfies readonly ApiSpec[]
