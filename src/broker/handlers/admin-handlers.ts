// The topic and config administration APIs, for the registry (./index.ts).
import type { Handler } from './types.js'
import { createTopicsHandler } from './create-topics.js'
import { deleteTopicsHandler } from './delete-topics.js'
import { createPartitionsHandler } from './create-partitions.js'
import { describeConfigsHandler } from './describe-configs.js'
import { alterConfigsHandler } from './alter-configs.js'
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js'
import { deleteRecordsHandler } from './delete-records.js'
import { describeClusterHandler } from './describe-cluster.js'
import { describeLogDirsHandler } from './describe-log-dirs.js'
import { describeAclsHandler } from './describe-acls.js'
import { createAclsHandler } from './create-acls.js'
import { deleteAclsHandler } from './delete-acls.js'

export const adminHandlers: Handler[] = [
  createTopicsHandler,
  deleteTopicsHandler,
  createPartitionsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  incrementalAlterConfigsHandler,
  deleteRecordsHandler,
  describeClusterHandler,
  describeLogDirsHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler
]
