# librdkafka (python3-confluent-kafka) produces one batch with keyed and keyless
# records into a compacted topic and prints each delivery report as JSON lines:
# {"key": ..., "error": <librdkafka error name or null>}.
import json
import sys

from confluent_kafka import Producer

bootstrap, topic = sys.argv[1], sys.argv[2]
producer = Producer({
    'bootstrap.servers': bootstrap,
    'linger.ms': 200,  # the four records go in one batch
    'retries': 0,
    'enable.idempotence': False,
})
reports = []


def on_delivery(err, msg):
    key = msg.key().decode() if msg.key() is not None else None
    reports.append({'key': key, 'error': err.name() if err is not None else None})


for key in [b'k1', None, b'k2', None]:
    producer.produce(topic, value=b'v', key=key, on_delivery=on_delivery)
remaining = producer.flush(30)
for report in reports:
    print(json.dumps(report))
sys.exit(1 if remaining else 0)
