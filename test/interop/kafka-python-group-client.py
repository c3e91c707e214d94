"""kafka-python (Debian's python3-kafka) as a consumer-group member, driven by groups-clients.test.ts.

Usage: kafka-python-group-client.py <bootstrap> <topic> <group> <count>
Joins <group>, reads until <count> records arrived (or 15 s of silence), commits, and prints one JSON
object: the assignment, the records read and the offsets the broker then reports as committed.
"""
import json
import sys

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, client_id='interop-kafka-python-group',
                         auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=15_000)
records = []
for message in consumer:
    records.append({'partition': message.partition, 'offset': message.offset, 'value': message.value.decode()})
    if len(records) == count:
        break
consumer.commit()
assignment = sorted(tp.partition for tp in consumer.assignment())
committed = {str(tp.partition): consumer.committed(tp) for tp in (TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic))}
consumer.close()
print(json.dumps({'assignment': assignment, 'records': records, 'committed': committed}))
