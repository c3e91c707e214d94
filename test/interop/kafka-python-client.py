"""kafka-python (Debian's python3-kafka) round trip, driven by kafka-python.test.ts.

Usage: kafka-python-client.py <bootstrap> <topic> <count>
Prints one JSON object: what was acknowledged, what was read back, offsets by time and end.
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
result = {}

admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='interop-kafka-python')
admin.create_topics([NewTopic(name=topic, num_partitions=2, replication_factor=1)])
result['topics'] = sorted(admin.list_topics())
admin.close()

base_ms = int(time.time() * 1000) - 60_000
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=5)
futures = []
for i in range(count):
    futures.append(producer.send(
        topic, partition=i % 2, key=('key-%d' % i).encode(), value=('value-%d' % i).encode(),
        headers=[('index', str(i).encode())], timestamp_ms=base_ms + i * 10))
producer.flush()
result['acked'] = [[f.get(timeout=10).partition, f.get(timeout=10).offset] for f in futures]
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                         consumer_timeout_ms=10_000)
partitions = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
consumer.assign(partitions)
consumer.seek_to_beginning()
records = []
for message in consumer:
    records.append({'partition': message.partition, 'offset': message.offset, 'key': message.key.decode(),
                    'value': message.value.decode(), 'headers': [[k, v.decode()] for k, v in message.headers],
                    'timestamp': message.timestamp})
    if len(records) == count:
        break
result['records'] = records
result['end'] = {tp.partition: o for tp, o in consumer.end_offsets(partitions).items()}
found = consumer.offsets_for_times({tp: base_ms + 45 for tp in partitions})
result['byTime'] = {tp.partition: (o.offset if o is not None else None) for tp, o in found.items()}
result['baseMs'] = base_ms
consumer.close()
print(json.dumps(result))
