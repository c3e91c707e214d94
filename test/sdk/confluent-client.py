"""librdkafka (Debian's python3-confluent-kafka) as a client of the embedded broker, driven by
confluent-embedded.test.ts.

Usage:
  confluent-client.py <bootstrap> produce <topic> <count>   produces value-0..value-<count-1>, acks=all
  confluent-client.py <bootstrap> consume <topic> <group> <count>   reads <count> messages in the group,
                                                                    commits synchronously, closes
Prints one JSON object on stdout: {"delivered": n, "errors": [...]} or {"values": [...]}.
"""
import json
import sys

from confluent_kafka import Consumer, Producer

bootstrap, command = sys.argv[1], sys.argv[2]
common = {'bootstrap.servers': bootstrap, 'broker.address.family': 'v4'}

if command == 'produce':
    topic, count = sys.argv[3], int(sys.argv[4])
    errors = []
    delivered = [0]

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err.name())
        else:
            delivered[0] += 1

    producer = Producer({**common, 'acks': 'all', 'retries': 10, 'retry.backoff.ms': 20, 'linger.ms': 0})
    for i in range(count):
        producer.produce(topic, value=f'value-{i}'.encode(), key=f'key-{i}'.encode(), on_delivery=on_delivery)
    producer.flush(30)
    print(json.dumps({'delivered': delivered[0], 'errors': errors}))
elif command == 'consume':
    topic, group, count = sys.argv[3], sys.argv[4], int(sys.argv[5])
    consumer = Consumer({**common, 'group.id': group, 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
                         'session.timeout.ms': 10000, 'heartbeat.interval.ms': 300, 'fetch.wait.max.ms': 100})
    consumer.subscribe([topic])
    values = []
    while len(values) < count:
        msg = consumer.poll(1.0)
        if msg is None or msg.error() is not None:
            continue
        values.append(msg.value().decode())
        consumer.commit(message=msg, asynchronous=False)
    consumer.close()
    print(json.dumps({'values': values}))
else:
    sys.exit(f'unknown command {command}')
