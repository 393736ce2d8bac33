/**
 * The outbox of one config node, as the adapters use it: the breaker now, the dispatcher once its journal is open.
 *
 * A config-node redeploy hands the journal file over: the old outbox closes its dispatcher (after the requests on the
 * wire, within the close grace) and only then does the new one open the file. `ready` (and so `accept`) waits for it.
 * The hand-over goes through a module-level map keyed by the journal's path, because Node-RED may start the new
 * config node before the old one's close has finished (its close timeout).
 */
import { join } from "node:path";
import type { CircuitBreaker } from "./breaker";
import { Dispatcher } from "./dispatcher";
import { Journal } from "./journal";

export interface OutboxSettings {
  /** Where journals go (`<userDir>/fla-outbox`); undefined: in memory. */
  folder?: string;
  maxConcurrent: number;
  maxQueue: number;
  maxAttempts: number;
  maxBackoffMs: number;
  giveUpMs: number;
  /** The config node's breaker, shared with its reads; disposed by its owner. */
  breaker: CircuitBreaker;
  warn: (message: string) => void;
}

/** Closing outboxes per journal (path, or config id in memory): the next one opens it when the previous let it go. */
const closing = new Map<string, Promise<void>>();

/** What an in-memory outbox still held when its config node closed, for the next one with the same id. */
interface Leftover {
  owner: string;
  kind: string;
  data: unknown;
  idempotent: boolean;
  acceptedAt: number;
  result?: unknown;
}
const memoryLeftovers = new Map<string, Leftover[]>();

export class ConnectionOutbox<O> {
  readonly breaker: CircuitBreaker;
  readonly ready: Promise<Dispatcher<O>>;
  readonly journalFile?: string;
  readonly orphansFile?: string;
  private dispatcher?: Dispatcher<O>;
  private journal?: Journal;
  private closed = false;

  constructor(
    readonly configId: string,
    private readonly settings: OutboxSettings,
  ) {
    this.breaker = settings.breaker;
    if (settings.folder) {
      this.journalFile = join(settings.folder, `${safeFileName(configId)}.journal`);
      this.orphansFile = join(settings.folder, `${safeFileName(configId)}.orphans.jsonl`);
    }
    this.ready = this.open();
    // A failure is reported by each accept; this only keeps it from being an unhandled rejection.
    this.ready.catch((error: unknown) =>
      settings.warn(`FLA outbox: the journal could not be opened: ${describe(error)}`),
    );
  }

  /** The dispatcher if it is open already (for status), else undefined. */
  get current(): Dispatcher<O> | undefined {
    return this.dispatcher;
  }

  /** Moves the entries of nodes that are not in `liveNodeIds` to the orphans file; the count per owner. */
  async moveOrphans(liveNodeIds: Iterable<string>): Promise<Map<string, number>> {
    const dispatcher = await this.ready;
    if (this.closed) return new Map();
    // In memory there is no file to move them to: they stay (and are lost with the process, like the whole outbox).
    if (!this.orphansFile) return new Map();
    return dispatcher.moveOrphans(liveNodeIds, this.orphansFile);
  }

  /** Stops dispatching after the requests on the wire (at most `graceMs`); the entries stay in the journal. */
  close(graceMs: number): Promise<void> {
    this.closed = true;
    const done = this.ready.then(
      async (dispatcher) => {
        await dispatcher.close(graceMs);
        // In memory, the declarations not ended go to the next config node with this id (a redeploy), not nowhere.
        if (!this.journalFile && this.journal) memoryLeftovers.set(this.configId, await leftoversOf(this.journal));
      },
      () => undefined,
    );
    const key = this.key;
    const handedOver = done.catch(() => undefined);
    closing.set(key, handedOver);
    void handedOver.then(() => {
      if (closing.get(key) === handedOver) closing.delete(key);
    });
    return done;
  }

  private get key(): string {
    return this.journalFile ?? `memory:${this.configId}`;
  }

  private async open(): Promise<Dispatcher<O>> {
    await closing.get(this.key);
    const journal = await Journal.open(this.journalFile, { warn: this.settings.warn });
    this.journal = journal;
    if (!this.journalFile) await takeLeftovers(this.configId, journal);
    const dispatcher = new Dispatcher<O>({
      journal,
      breaker: this.breaker,
      maxConcurrent: this.settings.maxConcurrent,
      maxQueue: this.settings.maxQueue,
      maxAttempts: this.settings.maxAttempts,
      maxBackoffMs: this.settings.maxBackoffMs,
      giveUpMs: this.settings.giveUpMs,
      warn: this.settings.warn,
    });
    this.dispatcher = dispatcher;
    return dispatcher;
  }
}

async function leftoversOf(journal: Journal): Promise<Leftover[]> {
  const left: Leftover[] = [];
  for (const entry of journal.entries()) {
    if (!entry.live) continue;
    const { owner, kind, idempotent, acceptedAt } = entry;
    left.push({
      owner,
      kind,
      idempotent,
      acceptedAt,
      data: await journal.readData(entry),
      result: entry.hasOutcome ? await journal.readOutcome(entry) : undefined,
    });
  }
  return left;
}

async function takeLeftovers(configId: string, journal: Journal): Promise<void> {
  const left = memoryLeftovers.get(configId) ?? [];
  memoryLeftovers.delete(configId);
  for (const entry of left) {
    const put = await journal.put({
      owner: entry.owner,
      kind: entry.kind,
      data: entry.data,
      idempotent: entry.idempotent,
      acceptedAt: entry.acceptedAt,
    });
    if (entry.result !== undefined) await journal.outcome(put, entry.result);
  }
}

/** Node ids are hex with a dot at most; anything else is kept out of the file name. */
function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "_");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
