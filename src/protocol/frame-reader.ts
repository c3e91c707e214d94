// Splits a TCP byte stream into Kafka frames (4-byte big-endian size, then that
// many bytes): requests at the broker (src/broker/server.ts), responses at the
// client (src/client/connection.ts). Two ways to feed it:
//
// - push(chunk): the socket's own chunks ('data' events). A frame that arrives
//   whole inside one chunk is handed on as a view (no copy); a larger frame
//   gets its buffer once its size is known and each chunk is copied in.
// - readTarget() / filled(n): the socket reads into buffers we choose (see
//   socket-reads.ts). Between frames it reads into one reused staging buffer;
//   once a frame's size is known and the frame is not complete yet, the next
//   reads land directly in the frame's own buffer, so a large Produce request
//   is never copied in user space and no per-read buffer becomes garbage.
//   Frames found whole in the staging buffer are copied out (it is reused).
//
// Frame buffers come from `allocate` (the server passes a FramePool). A frame's
// buffer is not sized by the claim in its header alone: a client may claim
// 100 MB and send nothing more. It starts at up to INITIAL_FRAME_BYTES (so the
// usual produce request, under a megabyte, is still read straight into its
// final buffer) and doubles as bytes arrive, up to the claimed size; a
// superseded buffer goes back through `release`.

/** Staging buffer for pull mode: what a read gets between frames. */
const STAGING_BYTES = 64 * 1024
// One staging buffer serves every connection: each read into it is consumed
// (frames and partial frames copied out) before the event loop reads anything else.
let sharedStaging: Buffer | null = null
/** The most a frame's buffer holds before its bytes have arrived. */
export const INITIAL_FRAME_BYTES = 1024 * 1024

export class FrameReader {
  private readonly header = Buffer.alloc(4)
  private headerFill = 0
  /** The pending frame's buffer: as large as what has arrived needs, up to frameSize. */
  private frame: Buffer | null = null
  private frameSize = 0
  private frameFill = 0
  private completed = 0
  /** Pull mode: whether the last readTarget() was the pending frame's buffer. */
  private readingIntoFrame = false

  /**
   * @param onFrame receives each complete frame body; returns false to stop reading.
   * @param onOversize called with a size outside [0, maxBytes]; reading stops.
   * @param allocate gives the buffer for a frame that is not handed on as a view.
   * @param release takes back a buffer from allocate that a larger one replaced.
   */
  constructor (
    /** Largest frame accepted; the server lowers it until a SASL client has authenticated. */
    public maxBytes: number,
    private readonly onFrame: (frame: Buffer) => boolean,
    private readonly onOversize: (size: number) => void,
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafeSlow,
    private readonly release: (buffer: Buffer) => void = () => {}
  ) {}

  /** Whether part of a frame (or of its size prefix) has arrived and the rest has not. */
  get inFrame (): boolean { return this.frame !== null || this.headerFill > 0 }

  /** Frames handed on so far: tells one pending frame from the next. */
  get framesCompleted (): number { return this.completed }

  /** Push mode: feeds one chunk the caller gives up; returns false once reading has stopped. */
  push (data: Buffer): boolean {
    return this.consume(data, true)
  }

  /** Pull mode: the buffer the next socket read should fill (any number of bytes of it). */
  readTarget (): Buffer {
    if (this.frame !== null) {
      this.readingIntoFrame = true
      if (this.frameFill === this.frame.length) this.grow()
      return this.frame.subarray(this.frameFill)
    }
    this.readingIntoFrame = false
    sharedStaging ??= Buffer.allocUnsafeSlow(STAGING_BYTES)
    return sharedStaging
  }

  /** Pull mode: `n` bytes were read into the last readTarget(); returns false once reading has stopped. */
  filled (n: number): boolean {
    if (!this.readingIntoFrame) return this.consume(sharedStaging!.subarray(0, n), false)
    this.frameFill += n
    return this.frameFill < this.frameSize || this.completeFrame()
  }

  /** @param owned whether `data` may back frames handed on (else whole frames are copied out). */
  private consume (data: Buffer, owned: boolean): boolean {
    let pos = 0
    while (pos < data.length) {
      if (this.frame === null) {
        let size: number
        if (this.headerFill === 0 && data.length - pos >= 4) {
          size = data.readInt32BE(pos)
          pos += 4
        } else {
          const n = Math.min(4 - this.headerFill, data.length - pos)
          data.copy(this.header, this.headerFill, pos, pos + n)
          this.headerFill += n
          pos += n
          if (this.headerFill < 4) return true
          this.headerFill = 0
          size = this.header.readInt32BE(0)
        }
        if (size < 0 || size > this.maxBytes) {
          this.onOversize(size)
          return false
        }
        if (data.length - pos >= size) {
          let frame = data.subarray(pos, pos + size)
          if (!owned) {
            frame = this.allocate(size)
            data.copy(frame, 0, pos, pos + size)
          }
          pos += size
          this.completed++
          if (!this.onFrame(frame)) return false
          continue
        }
        this.frame = this.allocate(Math.min(size, INITIAL_FRAME_BYTES))
        this.frameSize = size
        this.frameFill = 0
      }
      if (this.frameFill === this.frame.length) this.grow()
      const n = Math.min(this.frame.length - this.frameFill, data.length - pos)
      data.copy(this.frame, this.frameFill, pos, pos + n)
      this.frameFill += n
      pos += n
      if (this.frameFill === this.frameSize && !this.completeFrame()) return false
    }
    return true
  }

  /** Doubles the pending frame's buffer (up to its claimed size), keeping what arrived. */
  private grow (): void {
    const old = this.frame!
    const bigger = this.allocate(Math.min(this.frameSize, old.length * 2))
    old.copy(bigger, 0, 0, this.frameFill)
    this.frame = bigger
    this.release(old)
  }

  private completeFrame (): boolean {
    const frame = this.frame!
    this.frame = null
    this.completed++
    return this.onFrame(frame)
  }
}
