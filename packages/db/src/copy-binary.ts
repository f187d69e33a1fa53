// Counting the rows of a COPY binary stream as it passes, chunk by chunk, without copying it.
// The format (PostgreSQL's "Binary Format" of COPY): an 11-byte signature, an int32 of flags, an
// int32 header-extension length and that many bytes; then for each row an int16 field count and,
// for each field, an int32 length (-1 for NULL) and that many bytes; an int16 of -1 ends the data.
// Walking the length fields costs a few reads a field, whatever the values' sizes.

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

  /** columns: the field count every row must have (a mismatch means the file is not this table's). */
  constructor(private readonly columns?: number) {}

  /** Reads a chunk; returns the rows it completed. */
  count(chunk: Buffer): number {
    const before = this.rows;
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
        this.integer(chunk, at);
        at += size;
        continue;
      }
      const take = Math.min(size - this.pendingLength, chunk.length - at);
      chunk.copy(this.pending, this.pendingLength, at, at + take);
      this.pendingLength += take;
      at += take;
      if (this.pendingLength === size) {
        this.pendingLength = 0;
        this.integer(this.pending, 0);
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

  private integer(buffer: Buffer, at: number): void {
    if (this.stage === Stage.FieldLength) {
      const length = buffer.readInt32BE(at);
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
    if (--this.fieldsLeft > 0) {
      this.stage = Stage.FieldLength;
      return;
    }
    this.rows++;
    this.stage = Stage.RowStart;
  }
}
