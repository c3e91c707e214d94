// Buffers that Fetch reads log bytes into. A response carries them to the
// socket as they are (no copy); the server hands them back here once the
// socket has taken the whole response (server.ts), so a consumer reading
// megabytes per Fetch does not turn every read into fresh external memory
// for V8 to collect.
import { FramePool } from './frame-pool.js'

export const fetchReadPool = new FramePool(64 * 1024 * 1024)

export const allocateFetchRead = (size: number): Buffer => fetchReadPool.acquire(size)

// The tail cache's blocks (src/log/tail-cache.ts): each written group is copied
// into a warm buffer from here instead of a fresh one, and goes back once it has
// left the cache and no answer still being written reads it. A pool of its own:
// fetchReadPool's release() takes whatever a Fetch answer carried.
export const tailCachePool = new FramePool(16 * 1024 * 1024)
