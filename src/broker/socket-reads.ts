// Reading an accepted connection into buffers we choose. Node's 'data' events
// hand over a fresh 64 KiB buffer per read: under a fast producer that is a GB
// of short-lived external memory per GB received, which keeps V8 running
// scavenges and full mark-compacts (profiled: ~40 per GB, ~1 s of CPU), plus a
// user-space copy of every large frame. net.Socket's `onread` option (a buffer
// function and a callback, public since Node 12) avoids both, but net.Server
// offers no way to pass it for accepted sockets. So the server accepts with
// pauseOnConnect (nothing has been read yet) and the accepted handle is moved
// into a new net.Socket built with `onread`, as net.Server itself builds one.
// That relies on the `_handle` property; where it is missing (another runtime
// or a future Node), callers fall back to 'data' events.
import net from 'node:net'

export interface ReadInto {
  /** The buffer the next read fills (any part of it, from its start). */
  target: () => Buffer
  /** `n` bytes were read into the last target; false stops reading. */
  filled: (n: number) => boolean
}

interface HandleOwner { _handle?: { useUserBuffer?: unknown } | null, server?: net.Server, _server?: net.Server }

/**
 * Moves the handle of `accepted` (from a pauseOnConnect server, not yet read)
 * into a new socket that reads into `reads`. Returns null, leaving `accepted`
 * untouched, when this runtime does not allow it.
 */
export function readAcceptedInto (accepted: net.Socket, server: net.Server, reads: ReadInto): net.Socket | null {
  const raw = accepted as unknown as HandleOwner
  const handle = raw._handle
  if (handle == null || typeof handle.useUserBuffer !== 'function') return null
  raw._handle = null
  const socket = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: { buffer: reads.target, callback: (n: number) => reads.filled(n) }
  } as net.SocketConstructorOpts)
  // the server counts its connections through these, as for sockets it makes itself
  const owner = socket as unknown as HandleOwner
  owner.server = server
  owner._server = server
  return socket
}
