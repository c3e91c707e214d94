// One realistic request and response per consumer-group and transaction API, with
// every field of the highest version we advertise set (to values other than the
// defaults where that is possible), for round-trip tests.

const meta = Buffer.from('000100000001000a746f7069632d6f6e65ffffffff', 'hex')
const assignment = Buffer.from('0001000000010009746f7069632d6f6e65000000020000000000000001ffffffff', 'hex')

export const roundTripCases: Record<string, { request: object, response: object }> = {
  FindCoordinator: {
    request: { keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] },
    response: {
      throttleTimeMs: 5,
      coordinators: [
        { key: 'txn-a', nodeId: 1, host: 'localhost', port: 9092, errorCode: 0, errorMessage: null },
        { key: 'txn-b', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'coordinator not available' },
      ],
    },
  },
  JoinGroup: {
    request: {
      groupId: 'orders',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: 'member-1',
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: meta }, { name: 'roundrobin', metadata: Buffer.alloc(0) }],
      reason: 'rebalance needed',
    },
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 3,
      protocolType: 'consumer',
      protocolName: 'range',
      leader: 'member-1',
      skipAssignment: true,
      memberId: 'member-1',
      members: [
        { memberId: 'member-1', groupInstanceId: 'instance-1', metadata: meta },
        { memberId: 'member-2', groupInstanceId: null, metadata: meta },
      ],
    },
  },
  SyncGroup: {
    request: {
      groupId: 'orders',
      generationId: 3,
      memberId: 'member-1',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: 'member-1', assignment }, { memberId: 'member-2', assignment: Buffer.alloc(0) }],
    },
    response: { throttleTimeMs: 1, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment },
  },
  Heartbeat: {
    request: { groupId: 'orders', generationId: 3, memberId: 'member-1', groupInstanceId: 'instance-1' },
    response: { throttleTimeMs: 0, errorCode: 27 },
  },
  LeaveGroup: {
    request: {
      groupId: 'orders',
      members: [
        { memberId: 'member-1', groupInstanceId: null, reason: 'shutting down' },
        { memberId: '', groupInstanceId: 'instance-2', reason: null },
      ],
    },
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: 'member-1', groupInstanceId: null, errorCode: 0 },
        { memberId: '', groupInstanceId: 'instance-2', errorCode: 25 },
      ],
    },
  },
  OffsetCommit: {
    request: {
      groupId: 'orders',
      generationIdOrMemberEpoch: 3,
      memberId: 'member-1',
      groupInstanceId: null,
      topics: [{
        name: 'payments',
        partitions: [
          { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 2, committedMetadata: 'ok' },
          { partitionIndex: 1, committedOffset: 9007199254740993n, committedLeaderEpoch: -1, committedMetadata: null },
        ],
      }],
    },
    response: {
      throttleTimeMs: 0,
      topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 22 }] }],
    },
  },
  OffsetFetch: {
    request: {
      groups: [
        { groupId: 'orders', memberId: 'member-1', memberEpoch: 4, topics: [{ name: 'payments', partitionIndexes: [0, 1, 2] }] },
        { groupId: 'audit', memberId: null, memberEpoch: -1, topics: null },
      ],
      requireStable: true,
    },
    response: {
      throttleTimeMs: 0,
      groups: [
        {
          groupId: 'orders',
          topics: [{
            name: 'payments',
            partitions: [
              { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 2, metadata: 'ok', errorCode: 0 },
              { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
            ],
          }],
          errorCode: 0,
        },
        { groupId: 'audit', topics: [], errorCode: 16 },
      ],
    },
  },
  DescribeGroups: {
    request: { groups: ['orders', 'audit'], includeAuthorizedOperations: true },
    response: {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'orders',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [{
            memberId: 'member-1',
            groupInstanceId: 'instance-1',
            clientId: 'app',
            clientHost: '/127.0.0.1',
            memberMetadata: meta,
            memberAssignment: assignment,
          }],
          authorizedOperations: 0b1111_1000,
        },
        { errorCode: 69, groupId: 'audit', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 },
      ],
    },
  },
  ListGroups: {
    request: { statesFilter: ['Stable', 'Empty'] },
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [{ groupId: 'orders', protocolType: 'consumer', groupState: 'Stable' }, { groupId: 'audit', protocolType: '', groupState: 'Empty' }],
    },
  },
  DeleteGroups: {
    request: { groupsNames: ['orders', 'audit'] },
    response: { throttleTimeMs: 0, results: [{ groupId: 'orders', errorCode: 0 }, { groupId: 'audit', errorCode: 68 }] },
  },
  OffsetDelete: {
    request: { groupId: 'orders', topics: [{ name: 'payments', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] }] },
    response: {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 86 }] }],
    },
  },
  InitProducerId: {
    request: { transactionalId: 'txn-a', transactionTimeoutMs: 60000, producerId: 1000n, producerEpoch: 4 },
    response: { throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: 5 },
  },
  AddPartitionsToTxn: {
    request: {
      transactions: [
        { transactionalId: 'txn-a', producerId: 1000n, producerEpoch: 5, verifyOnly: true, topics: [{ name: 'payments', partitions: [0, 1] }] },
        { transactionalId: 'txn-b', producerId: 1001n, producerEpoch: 0, verifyOnly: false, topics: [] },
      ],
    },
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: [{
        transactionalId: 'txn-a',
        topicResults: [{
          name: 'payments',
          resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 1, partitionErrorCode: 48 }],
        }],
      }],
    },
  },
  AddOffsetsToTxn: {
    request: { transactionalId: 'txn-a', producerId: 1000n, producerEpoch: 5, groupId: 'orders' },
    response: { throttleTimeMs: 0, errorCode: 51 },
  },
  EndTxn: {
    request: { transactionalId: 'txn-a', producerId: 1000n, producerEpoch: 5, committed: true },
    response: { throttleTimeMs: 0, errorCode: 0 },
  },
  TxnOffsetCommit: {
    request: {
      transactionalId: 'txn-a',
      groupId: 'orders',
      producerId: 1000n,
      producerEpoch: 5,
      generationId: 3,
      memberId: 'member-1',
      groupInstanceId: 'instance-1',
      topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 43n, committedLeaderEpoch: 2, committedMetadata: null }] }],
    },
    response: { throttleTimeMs: 0, topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] },
  },
  DescribeProducers: {
    request: { topics: [{ name: 'payments', partitionIndexes: [0, 1] }] },
    response: {
      throttleTimeMs: 0,
      topics: [{
        name: 'payments',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            errorMessage: null,
            activeProducers: [{
              producerId: 1000n,
              producerEpoch: 5,
              lastSequence: 99,
              lastTimestamp: 1700000000000n,
              coordinatorEpoch: 0,
              currentTxnStartOffset: 40n,
            }],
          },
          { partitionIndex: 1, errorCode: 6, errorMessage: 'not leader', activeProducers: [] },
        ],
      }],
    },
  },
  DescribeTransactions: {
    request: { transactionalIds: ['txn-a', 'txn-missing'] },
    response: {
      throttleTimeMs: 0,
      transactionStates: [
        {
          errorCode: 0,
          transactionalId: 'txn-a',
          transactionState: 'Ongoing',
          transactionTimeoutMs: 60000,
          transactionStartTimeMs: 1700000000000n,
          producerId: 1000n,
          producerEpoch: 5,
          topics: [{ topic: 'payments', partitions: [0, 1] }],
        },
        {
          errorCode: 105,
          transactionalId: 'txn-missing',
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: -1n,
          producerId: -1n,
          producerEpoch: -1,
          topics: [],
        },
      ],
    },
  },
  ListTransactions: {
    request: { stateFilters: ['Ongoing'], producerIdFilters: [1000n, 1001n], durationFilter: 5000n },
    response: {
      throttleTimeMs: 0,
      errorCode: 0,
      unknownStateFilters: ['Bogus'],
      transactionStates: [{ transactionalId: 'txn-a', producerId: 1000n, transactionState: 'Ongoing' }],
    },
  },
}
