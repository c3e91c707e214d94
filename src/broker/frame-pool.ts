// Reusable buffers for request frames that span several socket chunks (under
// load, Produce requests of a megabyte or so). A fresh large buffer per frame
// costs page faults on its first touch and, as external memory, makes V8 run
// its collector again and again (profiled: ~1.6 s of GC and ~0.7 s of copying
// per GB produced); a pooled buffer is warm and invisible to the collector.
//
// A frame goes back to the pool only through release(), and only once nothing
// holds a view into it any more: the server decides when that is (server.ts).
// Buffers are pooled by size class (powers of two up to 1 MiB, whole MiBs
// above), so frames of slightly different sizes share buffers; idle memory is
// capped. The same pool type serves the buffers Fetch reads log bytes into.

/** Smaller frames share Node's own slab pool (Buffer.allocUnsafe), which is cheap already. */
const MIN_POOLED_BYTES = 4096
const MAX_POOLED_BYTES = 16 * 1024 * 1024
const MIB = 1024 * 1024

function sizeClassOf (size: number): number {
  return size <= MIB ? 2 ** Math.ceil(Math.log2(size)) : Math.ceil(size / MIB) * MIB
}

export class FramePool {
  private readonly free = new Map<number, ArrayBuffer[]>()
  /** Backing buffers handed out and not yet released: guards against releasing anything else, or twice. */
  private readonly outstanding = new WeakSet<ArrayBuffer>()
  private idle = 0

  /** @param maxIdleBytes the most memory kept for reuse when no frame uses it. */
  constructor (private readonly maxIdleBytes: number) {}

  /** Bytes held for reuse right now. */
  get idleBytes (): number { return this.idle }

  /** A buffer of exactly `size` bytes with undefined contents; pooled when its size is in the pooled range. */
  acquire (size: number): Buffer {
    if (size < MIN_POOLED_BYTES) return Buffer.allocUnsafe(size)
    if (size > MAX_POOLED_BYTES) return Buffer.allocUnsafeSlow(size)
    const sizeClass = sizeClassOf(size)
    const backing = this.free.get(sizeClass)?.pop()
    let buffer: Buffer
    if (backing !== undefined) {
      this.idle -= sizeClass
      buffer = Buffer.from(backing, 0, size)
    } else {
      buffer = Buffer.allocUnsafeSlow(sizeClass).subarray(0, size)
    }
    this.outstanding.add(buffer.buffer as ArrayBuffer)
    return buffer
  }

  /**
   * Hands a frame from acquire() back for reuse. The caller promises that
   * nothing reads or writes it (or any view into it) from now on. Anything not
   * handed out by acquire(), or released already, is ignored.
   */
  release (frame: Buffer): void {
    const backing = frame.buffer as ArrayBuffer
    if (!this.outstanding.delete(backing)) return
    const sizeClass = backing.byteLength
    if (this.idle + sizeClass > this.maxIdleBytes) return
    let list = this.free.get(sizeClass)
    if (list === undefined) { list = []; this.free.set(sizeClass, list) }
    list.push(backing)
    this.idle += sizeClass
  }
}
