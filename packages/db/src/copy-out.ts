// `COPY … TO STDOUT` as a stream of the rows' bytes, read straight off the connection's socket.
// The server sends every row as its own CopyData message; pg (and pg-copy-streams) make a Buffer of
// each, which for millions of rows was a third of the Node time a dump or verify spent. This reader
// walks the messages by their length fields and moves the payloads together inside the chunk it
// was given (no allocation per row), then hands the rest of the conversation back to pg: the
// CommandComplete and ReadyForQuery after CopyDone, or an ErrorResponse, which pg turns into the
// query's error. Used through `client.query(new CopyOutStream(sql))`, as pg's Submittable.
import { Readable } from "node:stream";
import type pg from "pg";

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
/** Messages the server may put between CopyData ones: CopyOutResponse, NoticeResponse, ParameterStatus, NotificationResponse. */
const INTERSPERSED = new Set([0x48, 0x4e, 0x53, 0x41]);
/** A message's header: its type byte and an int32 length that counts itself. */
const HEADER = 5;

type DataListener = (chunk: Buffer) => void;

export class CopyOutStream extends Readable {
  private connection?: pg.Connection;
  /** pg's own 'data' listener on the socket, put back when the COPY ends. */
  private pgListener?: DataListener;
  /** The first bytes of a message header cut by a chunk boundary. */
  private partialHeader?: Buffer;
  /** Bytes of the current message not yet seen. */
  private remaining = 0;
  private inCopyData = false;
  private wanted = false;
  private pumping = false;
  private readonly onReadable = () => this.pump();

  constructor(private readonly text: string) {
    super();
  }

  /** pg calls this when the query's turn comes. */
  submit(connection: pg.Connection): void {
    const socket = connection.stream;
    const listeners = socket.listeners("data") as DataListener[];
    if (listeners.length !== 1)
      throw new Error(`COPY out expects pg's one data listener on the socket, found ${listeners.length}`);
    this.connection = connection;
    this.pgListener = listeners[0];
    socket.removeListener("data", this.pgListener!);
    socket.pause();
    socket.on("readable", this.onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.wanted = true;
    this.pump();
  }

  private pump(): void {
    if (this.pumping || !this.connection) return;
    this.pumping = true;
    for (
      let chunk: Buffer | null;
      this.wanted && this.connection && (chunk = this.connection.stream.read() as Buffer | null) !== null;
    )
      this.wanted = this.consume(chunk);
    this.pumping = false;
  }

  /** Walks the messages in a chunk; returns whether the consumer wants more. */
  private consume(chunk: Buffer): boolean {
    const buffer = this.partialHeader ? Buffer.concat([this.partialHeader, chunk]) : chunk;
    this.partialHeader = undefined;
    let at = 0;
    let rowsEnd = 0; // the row bytes are moved to the front of the buffer, up to here
    while (at < buffer.length) {
      if (this.remaining === 0) {
        if (buffer.length - at < HEADER) {
          this.partialHeader = Buffer.from(buffer.subarray(at));
          break;
        }
        const type = buffer[at]!;
        if (type === COPY_DONE) return this.finish(buffer, rowsEnd, at + HEADER, true);
        // pg reads an ErrorResponse itself (and calls handleError), as it does anything unexpected.
        if (type !== COPY_DATA && !INTERSPERSED.has(type)) return this.finish(buffer, rowsEnd, at, false);
        this.inCopyData = type === COPY_DATA;
        this.remaining = buffer.readUInt32BE(at + 1) - 4;
        at += HEADER;
      }
      const take = Math.min(this.remaining, buffer.length - at);
      if (this.inCopyData) {
        if (rowsEnd !== at) buffer.copyWithin(rowsEnd, at, at + take);
        rowsEnd += take;
      }
      at += take;
      this.remaining -= take;
    }
    return rowsEnd === 0 || this.push(buffer.subarray(0, rowsEnd));
  }

  /** The COPY is over (done) or pg must read what comes next (an error): the socket goes back to pg with the bytes after `from`. */
  private finish(buffer: Buffer, rowsEnd: number, from: number, done: boolean): boolean {
    const socket = this.connection!.stream;
    const pgListener = this.pgListener!;
    this.connection = undefined;
    if (rowsEnd > 0) this.push(buffer.subarray(0, rowsEnd));
    socket.removeListener("readable", this.onReadable);
    socket.on("data", pgListener);
    if (from < buffer.length) pgListener(buffer.subarray(from));
    // Resumed after the current 'readable' handler returns, as the socket's own flow would.
    process.nextTick(() => socket.resume());
    if (done) this.push(null);
    return false;
  }

  handleError(error: Error): void {
    this.destroy(error);
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {}
}
