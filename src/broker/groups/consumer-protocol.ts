// The broker stays agnostic of assignors, but OffsetDelete must refuse topics a
// consumer group still reads (GROUP_SUBSCRIBED_TO_TOPIC), so it reads the topic
// list that opens every version of Kafka's ConsumerProtocolSubscription:
//   version int16, topics [int32 count][int16 length + UTF-8]..., then fields we ignore.

/** The subscribed topics, or null if the bytes are not a consumer subscription. */
export function subscribedTopicsOf (metadata: Buffer): string[] | null {
  if (metadata.length < 6) return null
  const version = metadata.readInt16BE(0)
  if (version < 0) return null
  const count = metadata.readInt32BE(2)
  // Each topic needs at least its 2-byte length: a count beyond that is garbage.
  if (count < 0 || count > (metadata.length - 6) / 2) return null
  const topics: string[] = []
  let pos = 6
  for (let i = 0; i < count; i++) {
    if (pos + 2 > metadata.length) return null
    const length = metadata.readInt16BE(pos)
    pos += 2
    if (length < 0 || pos + length > metadata.length) return null
    topics.push(metadata.toString('utf8', pos, pos + length))
    pos += length
  }
  return topics
}

/** Encodes a version-0 subscription; used by tests and tools that act as a consumer. */
export function encodeSubscription (topics: string[], userData: Buffer | null = null): Buffer {
  const parts: Buffer[] = []
  const head = Buffer.alloc(6)
  head.writeInt16BE(0, 0)
  head.writeInt32BE(topics.length, 2)
  parts.push(head)
  for (const t of topics) {
    const name = Buffer.from(t, 'utf8')
    const len = Buffer.alloc(2)
    len.writeInt16BE(name.length, 0)
    parts.push(len, name)
  }
  const user = Buffer.alloc(4)
  user.writeInt32BE(userData === null ? -1 : userData.length, 0)
  parts.push(user)
  if (userData !== null) parts.push(userData)
  return Buffer.concat(parts)
}
