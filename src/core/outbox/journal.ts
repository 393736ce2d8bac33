/**
 * The outbox journal: an append-only file of records, one a line, `<crc32 hex> <json>\n`.
 *
 * - Group commit: the records appended while a write is under way, or in the same turn of the event loop, go to disk
 *   in one write and one fdatasync; each append's promise resolves only after its bytes are synced.
 * - Recovery (open): every whole line whose checksum matches is applied; a torn or corrupt tail is truncated and a
 *   corrupt line in the middle (bit rot) is skipped, both with a warning that gives the count.
 * - Memory: an entry is a small descriptor (ids, counters, where its records are in the file); its data and its
 *   outcome are read back from disk when needed. The data of entries accepted by this process is also kept as its
 *   JSON text until the entry is finished, within a byte budget (`readBackBytes`): it was in memory a moment ago, and
 *   reading it back from the file would cost a read, a buffer and a checksum per entry on the hot path. Entries over
 *   the budget, and all entries after a restart, are read from the file.
 * - Compaction: when the file is large and mostly finished entries, the live records are copied to a new file that
 *   replaces the old one atomically (rename).
 * - Without a path the journal keeps everything in memory (Node-RED without a user directory): same API, no durability.
 *
 * Record types (`type`): header (first line of a file), put (an entry and its data), attempt (an attempt is about to
 * go on the wire), failed (that attempt ended with a retryable failure), outcome (the final result, before it is
 * handed on), done (handed on: the entry is finished), orphaned (moved to the orphans file), state (counters, written
 * by compaction).
 */
import { constants, promises as fsp } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { crc32Hex } from "./crc32";

const FORMAT_VERSION = 1;
const READ_CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;
const SPACE = 0x20;

export interface JournalOptions {
  /** Compact when the file is at least this big (default 8 MiB) and less than half of it is live. */
  compactMinBytes?: number;
  /** Records per write + sync at most (default unlimited). 1 turns group commit off: the bench compares both. */
  maxBatch?: number;
  /** Where recovery and compaction report (default console.warn). */
  warn?: (message: string) => void;
  /** Characters of data JSON kept in memory for the entries accepted by this process (default 8 Mi, 0: none). */
  readBackBytes?: number;
}

/** What an entry is made of when it is accepted. `data` must be JSON-serialisable. */
export interface NewEntry {
  owner: string;
  kind: string;
  data: unknown;
  /** True when sending it twice is harmless (e.g. it has an externalReference): no attempt record before each send. */
  idempotent?: boolean;
  acceptedAt: number;
}

/** The in-memory descriptor of an entry not yet done. Fields are updated by the journal only. */
export interface JournalEntry {
  readonly id: number;
  readonly owner: string;
  readonly kind: string;
  readonly acceptedAt: number;
  readonly idempotent: boolean;
  /** Attempts started (persisted before each send when the entry is not idempotent). */
  attempts: number;
  /** Retryable failures that count against the entry's attempt limit. */
  failures: number;
  /** Not before this time (ms since epoch) for its next attempt; 0 when it may go at once. */
  notBefore: number;
  /**
   * An attempt is recorded as started and its end (failed, outcome) is not: it may have reached the server. Read at
   * the start of an attempt, it tells that the previous one was cut short by a stop or a crash.
   */
  interrupted: boolean;
  /** Its outcome is recorded: it waits to be handed on, not to be sent. */
  hasOutcome: boolean;
  /** False once done or orphaned. */
  live: boolean;
  /** Where its put and outcome records are (offset, length in bytes) in the current file. */
  putAt: number;
  putLength: number;
  outcomeAt: number;
  outcomeLength: number;
  /** Data and outcome of an in-memory journal only. */
  memory?: { data: unknown; outcome?: unknown };
}

export interface JournalStats {
  /** Entries not yet done. */
  entries: number;
  /** Bytes of the file. */
  bytes: number;
  /** Writes and syncs since open, counted to show the group commit at work. */
  writes: number;
  syncs: number;
  compactions: number;
  /** Records read back from the file (data not in the read-back budget, outcomes after a restart). */
  diskReads: number;
}

interface Pending {
  line: Buffer;
  /** Bookkeeping of the record, done when it is on disk and before anything else looks (e.g. compaction). */
  onWritten?: (at: number) => void;
  resolve: (at: number) => void;
  reject: (error: unknown) => void;
}

interface Handle {
  fh: FileHandle;
  reads: number;
  retired: boolean;
}

type RecordBody = { type: string; id?: number; [key: string]: unknown };

export class Journal {
  private readonly map = new Map<number, JournalEntry>();
  private readonly compactMinBytes: number;
  private readonly maxBatch: number;
  private readonly warn: (message: string) => void;
  private readonly readBackBytes: number;
  /** The data JSON of live entries accepted by this process, by id, and the characters it holds. */
  private readonly readBack = new Map<number, string>();
  private readBackUsed = 0;
  private handle?: Handle;
  private size = 0;
  /** Bytes of the put and outcome records of live entries: what compaction would keep. */
  private liveBytes = 0;
  private seq = 0;
  private nextId = 1;
  private batch: Pending[] = [];
  private writing = false;
  private flushScheduled = false;
  private closed = false;
  private broken?: Error;
  private idle?: () => void;
  /** While compaction swaps the files: reads wait for it, and it waits for the reads under way. */
  private readGate?: Promise<void>;
  private readsDrained?: () => void;
  /** Size of the file after the last compaction: the next one waits until the file has at least doubled. */
  private compactedSize = 0;
  private readonly counters = { writes: 0, syncs: 0, compactions: 0, diskReads: 0 };

  private constructor(
    readonly path: string | undefined,
    options: JournalOptions,
  ) {
    this.compactMinBytes = options.compactMinBytes ?? 8 * 1024 * 1024;
    this.maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.readBackBytes = Math.max(0, options.readBackBytes ?? 8 * 1024 * 1024);
  }

  /**
   * Opens (creating it, folder 0700 and file 0600, if needed) and recovers the journal at `path`; without a path, an
   * in-memory journal.
   */
  static async open(path: string | undefined, options: JournalOptions = {}): Promise<Journal> {
    const journal = new Journal(path, options);
    if (path !== undefined) await journal.recover(path);
    return journal;
  }

  get persistent(): boolean {
    return this.path !== undefined;
  }

  get stats(): JournalStats {
    return { entries: this.map.size, bytes: this.size, ...this.counters };
  }

  /** Entries not yet done, in the order they were accepted. */
  entries(): IterableIterator<JournalEntry> {
    return this.map.values();
  }

  get(id: number): JournalEntry | undefined {
    return this.map.get(id);
  }

  /** Records a new entry; resolves once it is on disk. */
  async put(entry: NewEntry): Promise<JournalEntry> {
    this.assertOpen();
    const id = this.nextId++;
    const descriptor: JournalEntry = {
      id,
      owner: entry.owner,
      kind: entry.kind,
      acceptedAt: entry.acceptedAt,
      idempotent: entry.idempotent === true,
      attempts: 0,
      failures: 0,
      notBefore: 0,
      interrupted: false,
      hasOutcome: false,
      live: true,
      putAt: -1,
      putLength: 0,
      outcomeAt: -1,
      outcomeLength: 0,
    };
    if (!this.persistent) {
      descriptor.memory = { data: structuredCloneJson(entry.data) };
      this.map.set(id, descriptor);
      return descriptor;
    }
    // The data is serialised once: its JSON goes into the record (as its last key, see decode) and into read-back.
    const dataJson = JSON.stringify(entry.data) as string | undefined;
    const head = JSON.stringify({
      seq: ++this.seq,
      type: "put",
      id,
      owner: entry.owner,
      kind: entry.kind,
      acceptedAt: entry.acceptedAt,
      idempotent: descriptor.idempotent,
    });
    const line = encodeJson(dataJson === undefined ? head : `${head.slice(0, -1)},"data":${dataJson}}`);
    await this.append(line, (at) => {
      descriptor.putAt = at;
      descriptor.putLength = line.length;
      this.liveBytes += line.length;
      this.map.set(id, descriptor);
      if (dataJson !== undefined && this.readBackUsed + dataJson.length <= this.readBackBytes) {
        this.readBack.set(id, dataJson);
        this.readBackUsed += dataJson.length;
      }
    });
    return descriptor;
  }

  /** An attempt is about to be sent: after a crash before its end is recorded, the entry is `interrupted`. */
  async attempt(entry: JournalEntry): Promise<void> {
    entry.attempts++;
    entry.interrupted = true;
    if (this.persistent && entry.live)
      await this.append(encode({ type: "attempt", id: entry.id, attempts: entry.attempts }, ++this.seq));
  }

  /** The attempt ended with a retryable failure; the entry waits until `notBefore` (0: at once). */
  async failed(entry: JournalEntry, countsAsFailure: boolean, notBefore: number): Promise<void> {
    if (countsAsFailure) entry.failures++;
    entry.notBefore = notBefore;
    entry.interrupted = false;
    if (this.persistent && entry.live) {
      await this.append(encode({ type: "failed", id: entry.id, failures: entry.failures, notBefore }, ++this.seq));
    }
  }

  /** Records the final result (JSON-serialisable), before it is handed on. */
  async outcome(entry: JournalEntry, result: unknown): Promise<void> {
    this.assertOpen();
    if (!entry.live) return;
    entry.interrupted = false;
    if (!this.persistent) {
      entry.memory!.outcome = structuredCloneJson(result);
      entry.hasOutcome = true;
      return;
    }
    const line = encode({ type: "outcome", id: entry.id, result }, ++this.seq);
    await this.append(line, (at) => {
      if (!entry.live) return;
      if (entry.hasOutcome) this.liveBytes -= entry.outcomeLength;
      entry.outcomeAt = at;
      entry.outcomeLength = line.length;
      entry.hasOutcome = true;
      this.liveBytes += line.length;
    });
  }

  /** The entry's outcome was handed on: it is finished. The record goes in the next group commit. */
  async done(entry: JournalEntry): Promise<void> {
    if (!entry.live) return;
    this.forget(entry);
    if (this.persistent) await this.append(encode({ type: "done", id: entry.id }, ++this.seq));
  }

  /** The data the entry was accepted with (a new copy each time), from the read-back budget or the file. */
  async readData(entry: JournalEntry): Promise<unknown> {
    if (!this.persistent) return structuredCloneJson(entry.memory?.data);
    const json = this.readBack.get(entry.id);
    if (json !== undefined) return JSON.parse(json);
    const record = await this.readRecord(entry, "put");
    return record.data;
  }

  /** The recorded outcome of an entry (`hasOutcome`). */
  async readOutcome(entry: JournalEntry): Promise<unknown> {
    if (!entry.hasOutcome) throw new Error(`Outbox entry ${entry.id} has no recorded outcome.`);
    if (!this.persistent) return structuredCloneJson(entry.memory?.outcome);
    const record = await this.readRecord(entry, "outcome");
    return record.result;
  }

  /**
   * Moves entries to `file` (JSON lines, appended, 0600) and then takes them out of the journal. The orphans file is
   * synced before the journal forgets them: an entry is in one of the two files, or both after a crash, never neither.
   */
  async moveTo(entries: JournalEntry[], file: string): Promise<number> {
    this.assertOpen();
    const moving = entries.filter((entry) => entry.live);
    if (moving.length === 0) return 0;
    const lines: string[] = [];
    const movedAt = new Date().toISOString();
    for (const entry of moving) {
      const data = await this.readData(entry);
      const result = entry.hasOutcome ? await this.readOutcome(entry) : undefined;
      lines.push(
        JSON.stringify({
          id: entry.id,
          owner: entry.owner,
          kind: entry.kind,
          acceptedAt: new Date(entry.acceptedAt).toISOString(),
          attempts: entry.attempts,
          interrupted: entry.interrupted,
          movedAt,
          data,
          result,
        }) + "\n",
      );
    }
    await fsp.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const fh = await fsp.open(file, "a", 0o600);
    try {
      await fh.chmod(0o600);
      await fh.writeFile(lines.join(""));
      await fh.sync();
    } finally {
      await fh.close();
    }
    const written: Promise<number>[] = [];
    for (const entry of moving) {
      this.forget(entry);
      if (this.persistent) written.push(this.append(encode({ type: "orphaned", id: entry.id }, ++this.seq)));
    }
    await Promise.all(written);
    return moving.length;
  }

  /** Waits for every append handed over so far, then closes the file. Appends after close are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushed();
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await this.retire(handle);
  }

  /** Resolves when nothing is waiting to be written. */
  flushed(): Promise<void> {
    if (!this.writing && this.batch.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.idle;
      this.idle = () => {
        previous?.();
        resolve();
      };
    });
  }

  // ---- writing ----

  private assertOpen(): void {
    if (this.closed) throw new Error("The outbox journal is closed.");
    if (this.broken) throw new Error(`The outbox journal cannot be written: ${this.broken.message}`);
  }

  private forget(entry: JournalEntry): void {
    entry.live = false;
    this.map.delete(entry.id);
    this.liveBytes -= entry.putLength + entry.outcomeLength;
    const json = this.readBack.get(entry.id);
    if (json !== undefined) {
      this.readBack.delete(entry.id);
      this.readBackUsed -= json.length;
    }
  }

  /** Queues a line for the next group commit; resolves with its offset once synced. */
  private append(line: Buffer, onWritten?: (at: number) => void): Promise<number> {
    if (this.closed) return Promise.reject(new Error("The outbox journal is closed."));
    return new Promise<number>((resolve, reject) => {
      this.batch.push({ line, onWritten, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.writing || this.flushScheduled) return;
    this.flushScheduled = true;
    // The appends of this turn of the event loop share the write.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    if (this.batch.length === 0) {
      this.notifyIdle();
      return;
    }
    this.writing = true;
    const batch = this.batch.length <= this.maxBatch ? this.batch : this.batch.slice(0, this.maxBatch);
    this.batch = batch === this.batch ? [] : this.batch.slice(batch.length);
    const start = this.size;
    try {
      if (this.broken) throw this.broken;
      const bytes = batch.length === 1 ? batch[0].line : Buffer.concat(batch.map((pending) => pending.line));
      await writeAll(this.handle!.fh, bytes, start);
      this.counters.writes++;
      await this.handle!.fh.datasync();
      this.counters.syncs++;
      this.size = start + bytes.length;
      let at = start;
      for (const pending of batch) {
        pending.onWritten?.(at);
        pending.resolve(at);
        at += pending.line.length;
      }
    } catch (error) {
      // A short or failed write may have left part of a record: cut it off, so the next write starts on a clean line.
      await this.handle?.fh.truncate(start).catch(() => undefined);
      for (const pending of batch) pending.reject(error);
      if (!this.broken && isStorageGone(error)) this.broken = error as Error;
    }
    try {
      if (!this.broken && this.shouldCompact()) await this.compact();
    } catch (error) {
      this.warn(`FLA outbox: compaction of ${this.path} failed, the journal stays as it is: ${describe(error)}`);
    }
    this.writing = false;
    if (this.batch.length > 0) void this.flush();
    else this.notifyIdle();
  }

  private notifyIdle(): void {
    const idle = this.idle;
    this.idle = undefined;
    idle?.();
  }

  // ---- reading ----

  private async readRecord(entry: JournalEntry, which: "put" | "outcome"): Promise<RecordBody> {
    while (this.readGate) await this.readGate;
    // The offsets are read after the gate: a compaction moves them.
    const at = which === "put" ? entry.putAt : entry.outcomeAt;
    const length = which === "put" ? entry.putLength : entry.outcomeLength;
    const handle = this.handle;
    if (!handle || at < 0) throw new Error("The outbox journal is closed.");
    handle.reads++;
    this.counters.diskReads++;
    try {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.fh.read(buffer, 0, length, at);
      const record = bytesRead === length ? decode(buffer, 0, length) : undefined;
      if (!record) throw new Error(`The outbox journal ${this.path} has a corrupt record at byte ${at}.`);
      return record;
    } finally {
      handle.reads--;
      if (handle.reads === 0) {
        this.readsDrained?.();
        if (handle.retired) await handle.fh.close().catch(() => undefined);
      }
    }
  }

  private async retire(handle: Handle): Promise<void> {
    handle.retired = true;
    if (handle.reads === 0) await handle.fh.close();
  }

  // ---- recovery ----

  private async recover(path: string): Promise<void> {
    await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const fh = await fsp.open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    this.handle = { fh, reads: 0, retired: false };
    await fh.chmod(0o600).catch(() => undefined); // Windows has no such modes; the user directory protects the file
    const fileSize = (await fh.stat()).size;
    let validEnd = 0;
    let corruptInMiddle = 0;
    let invalidSinceLastValid = 0;
    await scanLines(fh, fileSize, (buffer, start, end, offset) => {
      const record = decode(buffer, start, end, true);
      if (!record) {
        invalidSinceLastValid++;
        return;
      }
      corruptInMiddle += invalidSinceLastValid;
      invalidSinceLastValid = 0;
      this.apply(record, offset, end - start);
      validEnd = offset + (end - start);
    });
    // Whatever follows the last whole valid record is a torn write: it was never acknowledged.
    const tail = fileSize - validEnd;
    if (tail > 0) await fh.truncate(validEnd);
    if (corruptInMiddle > 0 || tail > 0) {
      const parts: string[] = [];
      if (tail > 0) parts.push(`a torn or corrupt end of ${tail} bytes (${invalidSinceLastValid} line(s)) was cut off`);
      if (corruptInMiddle > 0) parts.push(`${corruptInMiddle} corrupt record(s) before the end were skipped`);
      this.warn(`FLA outbox: ${path}: ${parts.join("; ")}; ${this.map.size} entries recovered.`);
    }
    this.size = validEnd;
    if (this.size === 0) await this.writeHeader();
  }

  private async writeHeader(): Promise<void> {
    const line = encode({ type: "header", version: FORMAT_VERSION, nextId: this.nextId }, ++this.seq);
    await writeAll(this.handle!.fh, line, this.size);
    await this.handle!.fh.datasync();
    this.size += line.length;
  }

  private apply(record: RecordBody, offset: number, length: number): void {
    if (typeof record.seq === "number" && record.seq > this.seq) this.seq = record.seq;
    if (record.type === "header") {
      if (typeof record.nextId === "number" && record.nextId > this.nextId) this.nextId = record.nextId;
      return;
    }
    const id = record.id;
    if (typeof id !== "number") return;
    if (record.type === "put") {
      if (id >= this.nextId) this.nextId = id + 1;
      if (this.map.has(id)) return;
      this.map.set(id, {
        id,
        owner: intern(String(record.owner)),
        kind: intern(String(record.kind)),
        acceptedAt: Number(record.acceptedAt),
        idempotent: record.idempotent === true,
        attempts: 0,
        failures: 0,
        notBefore: 0,
        interrupted: false,
        hasOutcome: false,
        live: true,
        putAt: offset,
        putLength: length,
        outcomeAt: -1,
        outcomeLength: 0,
      });
      this.liveBytes += length;
      return;
    }
    const entry = this.map.get(id);
    if (!entry) return;
    switch (record.type) {
      case "attempt":
        entry.attempts = Number(record.attempts);
        entry.interrupted = true;
        break;
      case "failed":
        entry.failures = Number(record.failures);
        entry.notBefore = Number(record.notBefore) || 0;
        entry.interrupted = false;
        break;
      case "state":
        entry.attempts = Number(record.attempts);
        entry.failures = Number(record.failures);
        entry.notBefore = Number(record.notBefore) || 0;
        entry.interrupted = record.interrupted === true;
        break;
      case "outcome":
        if (entry.hasOutcome) this.liveBytes -= entry.outcomeLength;
        entry.hasOutcome = true;
        entry.interrupted = false;
        entry.outcomeAt = offset;
        entry.outcomeLength = length;
        this.liveBytes += length;
        break;
      case "done":
      case "orphaned":
        this.forget(entry);
        break;
    }
  }

  // ---- compaction ----

  private shouldCompact(): boolean {
    return (
      this.persistent &&
      this.size >= this.compactMinBytes &&
      this.size >= 2 * this.compactedSize &&
      this.liveBytes * 2 < this.size
    );
  }

  /**
   * Copies the header, the put and outcome records of live entries and their counters to `<path>.compact`, syncs it
   * and renames it over the journal. Runs inside a flush: no append is written meanwhile (they wait in the batch).
   */
  private async compact(): Promise<void> {
    const path = this.path!;
    const temporary = `${path}.compact`;
    const old = this.handle!;
    const fh = await fsp.open(temporary, "w", 0o600);
    const moves = new Map<JournalEntry, { putAt?: number; outcomeAt?: number }>();
    let size = 0;
    let chunks: Buffer[] = [];
    let chunked = 0;
    const write = async (line: Buffer): Promise<number> => {
      const at = size;
      chunks.push(line);
      chunked += line.length;
      size += line.length;
      if (chunked >= READ_CHUNK) {
        await writeAll(fh, Buffer.concat(chunks), at + line.length - chunked);
        chunks = [];
        chunked = 0;
      }
      return at;
    };
    try {
      await write(encode({ type: "header", version: FORMAT_VERSION, nextId: this.nextId }, ++this.seq));
      const liveAt = new Map<number, JournalEntry>();
      for (const entry of this.map.values()) {
        liveAt.set(entry.putAt, entry);
        if (entry.hasOutcome) liveAt.set(entry.outcomeAt, entry);
      }
      await scanLines(old.fh, this.size, async (buffer, start, end, offset) => {
        const entry = liveAt.get(offset);
        if (!entry) return;
        const at = await write(Buffer.from(buffer.subarray(start, end)));
        const move = moves.get(entry) ?? {};
        if (offset === entry.putAt) move.putAt = at;
        else move.outcomeAt = at;
        moves.set(entry, move);
      });
      for (const entry of this.map.values()) {
        if (entry.attempts === 0 && entry.failures === 0 && entry.notBefore === 0 && !entry.interrupted) continue;
        await write(
          encode(
            {
              type: "state",
              id: entry.id,
              attempts: entry.attempts,
              failures: entry.failures,
              notBefore: entry.notBefore,
              interrupted: entry.interrupted,
            },
            ++this.seq,
          ),
        );
      }
      if (chunked > 0) await writeAll(fh, Buffer.concat(chunks), size - chunked);
      await fh.datasync();
    } catch (error) {
      await fh.close().catch(() => undefined);
      await fsp.rm(temporary, { force: true });
      throw error;
    }
    await fh.close();
    // The swap: reads wait, the old file is closed (Windows refuses to rename over an open file), renamed over,
    // reopened; offsets move to the new file. If the rename fails, the old file is reopened as it was.
    let openGate!: () => void;
    this.readGate = new Promise<void>((resolve) => (openGate = resolve));
    let failure: { error: unknown } | undefined;
    try {
      if (old.reads > 0) await new Promise<void>((resolve) => (this.readsDrained = resolve));
      await old.fh.close();
      try {
        await fsp.rename(temporary, path);
        await syncFolder(dirname(path));
        for (const [entry, move] of moves) {
          if (move.putAt !== undefined) entry.putAt = move.putAt;
          if (move.outcomeAt !== undefined) entry.outcomeAt = move.outcomeAt;
        }
        this.size = size;
        this.compactedSize = size;
        this.counters.compactions++;
      } catch (error) {
        failure = { error };
        await fsp.rm(temporary, { force: true }).catch(() => undefined);
      }
      this.handle = { fh: await fsp.open(path, constants.O_RDWR), reads: 0, retired: false };
    } finally {
      this.readGate = undefined;
      this.readsDrained = undefined;
      openGate();
    }
    if (failure) throw failure.error;
  }
}

// ---- encoding ----

function encode(body: RecordBody, seq: number): Buffer {
  return encodeJson(JSON.stringify({ seq, ...body }));
}

/** `<crc32 hex> <json>\n`, written into one buffer. */
function encodeJson(json: string): Buffer {
  const length = Buffer.byteLength(json, "utf8");
  const line = Buffer.allocUnsafe(length + 10);
  line.write(json, 9, length, "utf8");
  line.write(crc32Hex(line, 9, 9 + length), 0, "latin1");
  line[8] = SPACE;
  line[line.length - 1] = NEWLINE;
  return line;
}

/**
 * The record of a whole line (with its newline) if its checksum matches, else undefined. `withoutData` (recovery)
 * parses a put record without its `data`, the last key: the first `,"data":` of a line is that key, since a quote
 * inside a JSON string is always escaped. The message bodies are then never parsed at open, only read back later.
 */
function decode(buffer: Buffer, start: number, end: number, withoutData = false): RecordBody | undefined {
  if (end - start < 11 || buffer[end - 1] !== NEWLINE || buffer[start + 8] !== SPACE) return undefined;
  const expected = buffer.toString("latin1", start, start + 8);
  if (crc32Hex(buffer, start + 9, end - 1) !== expected) return undefined;
  if (withoutData) {
    const dataKey = buffer.indexOf(DATA_KEY, start + 9);
    if (dataKey > 0 && dataKey < end) {
      const head = parse(buffer.toString("utf8", start + 9, dataKey) + "}");
      if (head?.type === "put") return head;
    }
  }
  return parse(buffer.toString("utf8", start + 9, end - 1));
}

const DATA_KEY = Buffer.from(',"data":');

function parse(json: string): RecordBody | undefined {
  try {
    const record = JSON.parse(json) as RecordBody;
    return record && typeof record === "object" && typeof record.type === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onLine` for each line of the file in order, with the buffer holding it, the line's bounds (newline included)
 * and its offset in the file. A last line without a newline is passed as it is (decode refuses it). One buffer is
 * reused (grown only for a line longer than it): reading a big journal does not churn memory.
 */
async function scanLines(
  fh: FileHandle,
  fileSize: number,
  onLine: (buffer: Buffer, start: number, end: number, offset: number) => void | Promise<void>,
): Promise<void> {
  let buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(fileSize, 1)));
  let filled = 0; // bytes of buffer holding file data
  let bufferOffset = 0; // file offset of buffer[0]
  let position = 0;
  while (position < fileSize) {
    if (filled === buffer.length) {
      const larger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(larger, 0, 0, filled);
      buffer = larger;
    }
    const { bytesRead } = await fh.read(
      buffer,
      filled,
      Math.min(buffer.length - filled, fileSize - position),
      position,
    );
    if (bytesRead === 0) break;
    position += bytesRead;
    filled += bytesRead;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, start);
      if (newline < 0 || newline >= filled) break;
      await onLine(buffer, start, newline + 1, bufferOffset + start);
      start = newline + 1;
    }
    buffer.copy(buffer, 0, start, filled);
    filled -= start;
    bufferOffset += start;
  }
  if (filled > 0) await onLine(buffer, 0, filled, bufferOffset);
}

async function writeAll(fh: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, written, bytes.length - written, position + written);
    if (bytesWritten <= 0) throw new Error("The outbox journal could not be written (no bytes written).");
    written += bytesWritten;
  }
}

/** Makes a rename durable. Windows cannot open a folder for sync; there the rename is as durable as NTFS makes it. */
async function syncFolder(folder: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(folder, "r");
    await fh.sync();
  } catch {
    // not supported on this platform
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** The file handle itself is gone (closed under us): later writes cannot succeed. ENOSPC may pass, so it is not. */
function isStorageGone(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "EBADF" || code === "ERR_INVALID_STATE";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function structuredCloneJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Owner ids and kinds repeat across thousands of entries: recovery keeps one copy of each string. */
const interned = new Map<string, string>();
function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < 10_000) interned.set(value, value);
  return value;
}
