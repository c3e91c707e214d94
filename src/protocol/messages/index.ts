// Every API definition, grouped by who serves it. The broker's handler registry
// decides what is advertised in ApiVersions; these lists are the definitions the
// codec knows.
import type { ApiSpec } from './spec.js'
import { apiVersionsApi } from './api-versions.js'
import { metadataApi } from './metadata.js'
import { produceApi } from './produce.js'
import { fetchApi } from './fetch.js'
import { listOffsetsApi } from './list-offsets.js'
import { createTopicsApi } from './create-topics.js'
import { deleteTopicsApi } from './delete-topics.js'
import { createPartitionsApi } from './create-partitions.js'
import { describeConfigsApi } from './describe-configs.js'
import { alterConfigsApi } from './alter-configs.js'
import { incrementalAlterConfigsApi } from './incremental-alter-configs.js'
import { deleteRecordsApi } from './delete-records.js'
import { describeClusterApi } from './describe-cluster.js'
import { describeLogDirsApi } from './describe-log-dirs.js'
import { saslHandshakeApi } from './sasl-handshake.js'
import { saslAuthenticateApi } from './sasl-authenticate.js'
import { describeUserScramCredentialsApi, alterUserScramCredentialsApi } from './user-scram-credentials.js'
import { groupApis } from './group-apis.js'
import { txnApis } from './txn-apis.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import { aclApis } from './acl-apis.js'

export {
  apiVersionsApi, metadataApi, produceApi, fetchApi, listOffsetsApi, createTopicsApi, deleteTopicsApi,
  createPartitionsApi, describeConfigsApi, alterConfigsApi, incrementalAlterConfigsApi, deleteRecordsApi,
  describeClusterApi, describeLogDirsApi, saslHandshakeApi, saslAuthenticateApi, groupApis, txnApis,
  describeUserScramCredentialsApi, alterUserScramCredentialsApi, aclApis
}

/** Cluster, topic, produce/fetch and config APIs. */
export const coreApis = [
  apiVersionsApi,
  metadataApi,
  produceApi,
  fetchApi,
  listOffsetsApi,
  createTopicsApi,
  deleteTopicsApi,
  createPartitionsApi,
  describeConfigsApi,
  alterConfigsApi,
  incrementalAlterConfigsApi,
  deleteRecordsApi,
  describeClusterApi,
  describeLogDirsApi
] as const satisfies readonly ApiSpec[]

/** SASL and SASL user APIs (src/broker/handlers/sasl-*.ts, user-scram-credentials.ts). */
export const saslApis = [saslHandshakeApi, saslAuthenticateApi, describeUserScramCredentialsApi, alterUserScramCredentialsApi] as const satisfies readonly ApiSpec[]

export const allApis = [...coreApis, ...groupApis, ...txnApis, ...aclApis] as const satisfies readonly ApiSpec[]

/** Every definition the codec has, including ones not served by default. */
export const definedApis = [...allApis, ...saslApis] as const satisfies readonly ApiSpec[]

/** apiKey → ApiSpec, the shape decodeRequest's registry takes. */
export function apiRegistry (apis: readonly ApiSpec[] = allApis): Map<number, ApiSpec> {
  const byKey = new Map<number, ApiSpec>()
  for (const api of apis) {
    if (byKey.has(api.apiKey)) throw new TributaryError(TributaryErrorCode.INTERNAL, `two definitions for API key ${api.apiKey}`)
    byKey.set(api.apiKey, api)
  }
  return byKey
}
