// Splits a TCP byte stream into Kafka request frames (4-byte big-endian size,
// then that many bytes). A frame that arrives whole inside one socket chunk is
// handed on as a view (no copy). A larger frame gets its buffer once its size
// is known (from `allocate`: the server passes a FramePool) and each chunk is
// copied in as it arrives, so the socket's chunks die young instead of being
// held (and promoted by the GC) until the frame completes.
export class FrameReader {
  private readonly header = Buffer.alloc(4)
  private headerFill = 0
  private frame: Buffer | null = null
  private frameFill = 0

  /**
   * @param onFrame receives each complete frame body; returns false to stop reading.
   * @param onOversize called with a size outside [0, maxBytes]; reading stops.
   * @param allocate gives the buffer for a frame that spans chunks.
   */
  constructor (
    private readonly maxBytes: number,
    private readonly onFrame: (frame: Buffer) => boolean,
    private readonly onOversize: (size: number) => void,
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafeSlow
  ) {}

  /** Feeds one chunk; returns false once reading has stopped. */
  push (data: Buffer): boolean {
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
          const frame = data.subarray(pos, pos + size)
          pos += size
          if (!this.onFrame(frame)) return false
          continue
        }
        this.frame = this.allocate(size)
        this.frameFill = 0
      }
      const n = Math.min(this.frame.length - this.frameFill, data.length - pos)
      data.copy(this.frame, this.frameFill, pos, pos + n)
      this.frameFill += n
      pos += n
      if (this.frameFill === this.frame.length) {
        const frame = this.frame
        this.frame = null
        if (!this.onFrame(frame)) return false
      }
    }
    return true
  }
}
