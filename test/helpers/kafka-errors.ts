// Kafka clients wrap broker error codes in retry and aggregate errors; these helpers dig them out.

/** Every `type` / `code` / `apiCode` / `name` found in an error and its causes (kafkajs, @platformatic/kafka). */
export function errorTags (error: unknown, seen = new Set<unknown>()): string[] {
  if (error === null || typeof error !== 'object' || seen.has(error)) return []
  seen.add(error)
  const e = error as Record<string, unknown>
  const tags: string[] = []
  for (const field of ['type', 'code', 'apiCode', 'apiId', 'name', 'errorCode']) {
    if (e[field] !== undefined) tags.push(String(e[field]))
  }
  for (const field of ['originalError', 'cause', 'error']) tags.push(...errorTags(e[field], seen))
  for (const field of ['errors', 'retriableErrors']) {
    if (Array.isArray(e[field])) for (const inner of e[field] as unknown[]) tags.push(...errorTags(inner, seen))
  }
  if (typeof e.message === 'string') tags.push(e.message)
  return tags
}

/** Awaits a promise that must reject, and returns what it rejected with. */
export async function rejection (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('TRIB_ERR_TEST_NO_REJECTION: expected the call to fail, and it succeeded')
}
