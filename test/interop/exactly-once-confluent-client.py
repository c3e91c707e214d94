# librdkafka (python3-confluent-kafka from Debian) against Tributary: an
# idempotent producer, transactions committed and aborted, a
# consume-transform-produce loop with send_offsets_to_transaction, and
# read_committed / read_uncommitted readers. Prints one JSON object.
import json
import sys
from confluent_kafka import Consumer, Producer, KafkaException, TopicPartition

bootstrap, prefix = sys.argv[1], sys.argv[2]
base = {'bootstrap.servers': bootstrap, 'broker.address.family': 'v4'}
out = {}


def read_all(topic, isolation, group):
    c = Consumer({**base, 'group.id': group, 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
                  'isolation.level': isolation, 'enable.partition.eof': True})
    c.subscribe([topic])
    values, eof, parts = [], set(), None
    while True:
        m = c.poll(10.0)
        if m is None:
            break
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                eof.add(m.partition())
                parts = parts or len(c.assignment())
                if parts and len(eof) >= parts:
                    break
                continue
            raise KafkaException(m.error())
        values.append(m.value().decode())
    c.close()
    return values


# 1. idempotent producer
p = Producer({**base, 'enable.idempotence': True, 'acks': 'all'})
for i in range(200):
    p.produce(prefix + '-idem', value=f'idem-{i}'.encode(), key=str(i % 7).encode())
p.flush(30)
out['idempotent'] = read_all(prefix + '-idem', 'read_committed', prefix + '-r0')

# 2. transactions: commit, abort, commit
t = Producer({**base, 'transactional.id': prefix + '-tx', 'enable.idempotence': True})
t.init_transactions(30)
t.begin_transaction()
for i in range(10):
    t.produce(prefix + '-txn', value=f'committed-{i}'.encode())
t.commit_transaction(30)
t.begin_transaction()
for i in range(10):
    t.produce(prefix + '-txn', value=f'aborted-{i}'.encode())
t.flush(30)
t.abort_transaction(30)
t.begin_transaction()
for i in range(5):
    t.produce(prefix + '-txn', value=f'later-{i}'.encode())
t.commit_transaction(30)
out['committed'] = read_all(prefix + '-txn', 'read_committed', prefix + '-r1')
out['uncommitted'] = read_all(prefix + '-txn', 'read_uncommitted', prefix + '-r2')

# 3. consume-transform-produce from the idempotent topic into an output topic
c = Consumer({**base, 'group.id': prefix + '-ctp', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
              'isolation.level': 'read_committed', 'enable.partition.eof': True})
c.subscribe([prefix + '-idem'])
eof = set()
while True:
    msgs = c.consume(50, 10.0)
    if not msgs:
        break
    data = [m for m in msgs if not m.error()]
    for m in msgs:
        if m.error() and m.error().code() == -191:
            eof.add(m.partition())
    if data:
        t.begin_transaction()
        for m in data:
            t.produce(prefix + '-ctp-out', value=(m.value().decode().upper()).encode())
        t.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 30)
        t.commit_transaction(30)
    if len(c.assignment()) > 0 and len(eof) >= len(c.assignment()) and not data:
        break
committed = c.committed(c.assignment(), 10)
out['ctpCommitted'] = sum(tp.offset for tp in committed if tp.offset >= 0)
c.close()
out['ctp'] = read_all(prefix + '-ctp-out', 'read_committed', prefix + '-r3')
print(json.dumps(out))
