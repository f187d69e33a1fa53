// Counting the rows of a COPY binary stream as it passes, chunk by chunk, without buffering it.
// The format (PostgreSQL's "Binary Format" of COPY): an 11-byte signature, an int32 of flags, an
// int32 header-extension length and that many bytes; then for each row an int16 field count and,
// for each field, an int32 length (-1 for NULL) and that many bytes; an int16 of -1 ends the data.
// Walking the length fields costs a few reads a field, whatever the values' sizes.
//
// An array value starts with its dimension count, then a has-nulls flag, then its element type.
// The flag says whether the stored array carries a null bitmap, which an element assignment
// (a[1] := 1) can leave behind after its last NULL is gone; the receiving server recomputes it from
// the elements. So the same array can be sent with 1 by the source and 0 by the target, and
// `hashed` reads every array's flag as 0 for the checksum.

export const BINARY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** Signature, flags and the extension's length. */
const HEADER_BYTES = BINARY_SIGNATURE.length + 8;

/** The stream is not (or no longer) COPY binary data. */
export class BinaryCopyError extends Error {}

const enum Stage {
  Header,
  Extension,
  RowStart,
  FieldLength,
  FieldBytes,
  End,
}

export class BinaryRowCounter {
  rows = 0;
  private stage = Stage.Header;
  /** An integer cut by a chunk boundary: its first bytes. */
  private readonly pending = Buffer.alloc(HEADER_BYTES);
  private pendingLength = 0;
  /** Bytes still to pass over (a field's value, the header extension). */
  private skip = 0;
  private fieldsLeft = 0;
  /** The field being read, from 0. */
  private field = 0;
  /** Stream offset where the next chunk starts. */
  private position = 0;
  /** Stream offsets of the arrays' has-nulls flags not yet hashed. */
  private flags: number[] = [];

  /**
   * columns: the field count every row must have (a mismatch means the file is not this table's);
   * arrays: the fields (from 0) whose values are arrays.
   */
  constructor(
    private readonly columns?: number,
    private readonly arrays: ReadonlySet<number> = new Set(),
  ) {}

  /** Reads a chunk; returns the rows it completed. */
  count(chunk: Buffer): number {
    const before = this.rows;
    const base = this.position;
    this.position += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, chunk.length - at);
        at += take;
        this.skip -= take;
        if (this.skip === 0) this.skipped();
        continue;
      }
      const size = this.integerSize();
      if (this.pendingLength === 0 && chunk.length - at >= size) {
        at += size;
        this.integer(chunk, at - size, base + at);
        continue;
      }
      const take = Math.min(size - this.pendingLength, chunk.length - at);
      chunk.copy(this.pending, this.pendingLength, at, at + take);
      this.pendingLength += take;
      at += take;
      if (this.pendingLength === size) {
        this.pendingLength = 0;
        this.integer(this.pending, 0, base + at);
      }
    }
    return this.rows - before;
  }

  private integerSize(): number {
    switch (this.stage) {
      case Stage.Header:
        return HEADER_BYTES;
      case Stage.RowStart:
        return 2;
      case Stage.FieldLength:
        return 4;
      default:
        throw new BinaryCopyError("bytes follow the end marker");
    }
  }

  /** The stream has ended: refuses one cut short (a row or the end marker missing). */
  finish(): void {
    if (this.stage !== Stage.End) throw new BinaryCopyError("it ends before the end marker, cut short");
  }

  /**
   * The chunk as the checksum reads it, every array's has-nulls flag as 0: the chunk itself, or a
   * copy when a flag lies in it. Called with each chunk after count().
   */
  hashed(chunk: Buffer): Buffer {
    if (!this.flags.length) return chunk;
    const start = this.position - chunk.length;
    let copy: Buffer | undefined;
    for (const flag of this.flags) {
      const from = Math.max(flag, start);
      const to = Math.min(flag + 4, this.position);
      if (from < to) (copy ??= Buffer.from(chunk)).fill(0, from - start, to - start);
    }
    // A flag cut by the chunk's end is finished in the next one.
    this.flags = this.flags.filter((flag) => flag + 4 > this.position);
    return copy ?? chunk;
  }

  /** An integer read; `next` is the stream offset of the byte after it. */
  private integer(buffer: Buffer, at: number, next: number): void {
    if (this.stage === Stage.FieldLength) {
      const length = buffer.readInt32BE(at);
      if (length >= 8 && this.arrays.has(this.field)) this.flags.push(next + 4);
      if (length > 0) {
        this.skip = length;
        this.stage = Stage.FieldBytes;
      } else if (length === 0 || length === -1) this.fieldDone();
      else throw new BinaryCopyError(`a field length of ${length}`);
    } else if (this.stage === Stage.RowStart) {
      const fields = buffer.readInt16BE(at);
      if (fields === -1) this.stage = Stage.End;
      else if (fields < 0 || (this.columns !== undefined && fields !== this.columns))
        throw new BinaryCopyError(`a row of ${fields} field(s) where ${this.columns} were expected`);
      else if (fields === 0) this.rows++;
      else {
        this.fieldsLeft = fields;
        this.field = 0;
        this.stage = Stage.FieldLength;
      }
    } else {
      if (!buffer.subarray(at, at + BINARY_SIGNATURE.length).equals(BINARY_SIGNATURE))
        throw new BinaryCopyError("no COPY binary signature");
      const extension = buffer.readUInt32BE(at + HEADER_BYTES - 4);
      this.skip = extension;
      this.stage = extension ? Stage.Extension : Stage.RowStart;
    }
  }

  private skipped(): void {
    if (this.stage === Stage.Extension) this.stage = Stage.RowStart;
    else this.fieldDone();
  }

  private fieldDone(): void {
    this.field++;
    if (--this.fieldsLeft > 0) {
      this.stage = Stage.FieldLength;
      return;
    }
    this.rows++;
    this.stage = Stage.RowStart;
  }
}
