"""librdkafka (Debian's python3-confluent-kafka) as one long-running consumer-group member, driven by
groups-assignors.test.ts.

Usage: confluent-group-member.py <bootstrap> <group> <topic> <strategy> [<group.instance.id>]
Prints one JSON object per line on stdout as things happen:
  {"event": "assign"|"revoke"|"lost", "partitions": [...], "owned": [...]}   rebalance callbacks
  {"event": "message", "partition": p, "offset": o, "value": "..."}
  {"event": "error", "code": c, "name": "...", "fatal": bool, "reason": "..."}
  {"event": "closed"}
With the cooperative-sticky strategy the callbacks carry only the partitions added or taken away
(incremental); with the eager ones they carry the whole new assignment. "owned" is what the member
holds once the callback is applied, so the test need not know which kind it was.
A line "close" on stdin closes the consumer (commit, then leave unless static) and exits 0.
"""
import json
import sys
import threading

from confluent_kafka import Consumer, KafkaError

bootstrap, group, topic, strategy = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
instance_id = sys.argv[5] if len(sys.argv) > 5 else None
cooperative = strategy == 'cooperative-sticky'
owned = set()
closing = threading.Event()


def emit(event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


def on_error(err):
    # librdkafka reports a fatal error (e.g. fenced by another instance) as _FATAL to the error callback.
    fatal = err.fatal() or err.code() == KafkaError._FATAL
    emit({'event': 'error', 'code': err.code(), 'name': err.name(), 'fatal': fatal, 'reason': err.str()})
    if fatal:
        closing.set()


config = {
    'bootstrap.servers': bootstrap,
    'broker.address.family': 'v4',
    'group.id': group,
    'partition.assignment.strategy': strategy,
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': 10000,
    'heartbeat.interval.ms': 300,
    'auto.commit.interval.ms': 200,
    'fetch.wait.max.ms': 100,
    'error_cb': on_error,
}
if instance_id is not None:
    config['group.instance.id'] = instance_id
consumer = Consumer(config)


def on_assign(c, partitions):
    numbers = sorted(p.partition for p in partitions)
    if cooperative:
        c.incremental_assign(partitions)
        owned.update(numbers)
    else:
        c.assign(partitions)
        owned.clear()
        owned.update(numbers)
    emit({'event': 'assign', 'partitions': numbers, 'owned': sorted(owned)})


def on_revoke(c, partitions):
    numbers = sorted(p.partition for p in partitions)
    if cooperative:
        c.incremental_unassign(partitions)
        owned.difference_update(numbers)
    else:
        c.unassign()
        owned.clear()
    emit({'event': 'revoke', 'partitions': numbers, 'owned': sorted(owned)})


def on_lost(c, partitions):
    numbers = sorted(p.partition for p in partitions)
    if cooperative:
        c.incremental_unassign(partitions)
        owned.difference_update(numbers)
    else:
        c.unassign()
        owned.clear()
    emit({'event': 'lost', 'partitions': numbers, 'owned': sorted(owned)})


def watch_stdin():
    for line in sys.stdin:
        if line.strip() == 'close':
            break
    # stdin closed (the test ended) counts as "close" too: never outlive the test.
    closing.set()


threading.Thread(target=watch_stdin, daemon=True).start()
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
while not closing.is_set():
    message = consumer.poll(0.1)
    if message is None:
        continue
    if message.error():
        on_error(message.error())
        continue
    emit({'event': 'message', 'partition': message.partition(), 'offset': message.offset(), 'value': message.value().decode()})
try:
    consumer.close()
except Exception as error:  # a fenced (fatal) consumer may refuse a clean close
    emit({'event': 'close-failed', 'reason': str(error)})
emit({'event': 'closed'})
