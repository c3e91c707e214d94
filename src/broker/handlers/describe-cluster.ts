// DescribeCluster (key 60), versions 0-1.
//
// The cluster is this one node: it is the only broker and the controller. The
// broker is described with the host and port clients should connect to
// (advertisedHost, kafkaPort), no rack. clusterAuthorizedOperations is
// Kafka's "not provided" (-2147483648) unless the client asks for it; then,
// with no authorizer, every operation that applies to a cluster is allowed.
//
// Version notes: v1 adds endpointType (1 brokers, 2 controllers). Like a Kafka
// broker listener, we answer controller requests MISMATCHED_ENDPOINT_TYPE and
// any other type UNSUPPORTED_ENDPOINT_TYPE.
import { describeClusterApi } from '../../protocol/messages/describe-cluster.js'
import { ErrorCode } from '../../protocol/errors.js'
import { authorizedOperations, AUTHORIZED_OPERATIONS_OMITTED } from '../authorized-operations.js'
import type { Handler } from './types.js'
import { advertisedAddress } from '../advertised.js'

const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const

export const describeClusterHandler: Handler<'DescribeCluster'> = {
  api: describeClusterApi,
  handle (request, ctx) {
    const { config } = ctx.services
    const endpointType = request.endpointType
    const base = { throttleTimeMs: 0, endpointType, clusterId: config.clusterId }
    if (endpointType === EndpointType.CONTROLLER) {
      return {
        ...base,
        errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED
      }
    }
    if (endpointType !== EndpointType.BROKER) {
      return {
        ...base,
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: `Unsupported endpoint type ${endpointType}`,
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED
      }
    }
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      controllerId: config.nodeId,
      brokers: [{ brokerId: config.nodeId, ...advertisedAddress(ctx), rack: null }],
      clusterAuthorizedOperations: authorizedOperations('cluster', request.includeClusterAuthorizedOperations)
    }
  }
}
