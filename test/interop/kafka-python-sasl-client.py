# kafka-python 2.0.2 through a SASL listener: produces one record and reads it back.
# Usage: kafka-python-sasl-client.py <bootstrap> <security_protocol> <mechanism> <user> <password> <cafile|-> <topic>
# Prints {"value": ...} on success; exits 1 with the error on stderr otherwise.
import json
import sys

from kafka import KafkaConsumer, KafkaProducer

bootstrap, protocol, mechanism, user, password, cafile, topic = sys.argv[1:8]
common = dict(
    bootstrap_servers=[bootstrap],
    security_protocol=protocol,
    sasl_mechanism=mechanism,
    sasl_plain_username=user,
    sasl_plain_password=password,
    request_timeout_ms=20000,
)
if cafile != '-':
    common['ssl_cafile'] = cafile
    common['ssl_check_hostname'] = True

try:
    producer = KafkaProducer(**common)
    producer.send(topic, b'from kafka-python ' + mechanism.encode()).get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(topic, auto_offset_reset='earliest', consumer_timeout_ms=30000, **common)
    values = []
    for message in consumer:  # stops after consumer_timeout_ms without a record, if the record never comes
        values.append(message.value.decode())
        break
    consumer.close()
except Exception as e:  # noqa: BLE001 - the test wants any failure, named
    print(f'{type(e).__name__}: {e}', file=sys.stderr)
    sys.exit(1)
print(json.dumps({'values': values}))
