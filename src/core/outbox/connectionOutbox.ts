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

/** Closing outboxes per journal path: the next one opens the file when the previous one has let it go. */
const closing = new Map<string, Promise<void>>();

export class ConnectionOutbox<O> {
  readonly breaker: CircuitBreaker;
  readonly ready: Promise<Dispatcher<O>>;
  readonly journalFile?: string;
  readonly orphansFile?: string;
  private dispatcher?: Dispatcher<O>;
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
    this.ready.catch((error: unknown) => settings.warn(`FLA outbox: the journal could not be opened: ${describe(error)}`));
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
    const done = this.ready
      .then((dispatcher) => dispatcher.close(graceMs), () => undefined);
    if (this.journalFile) {
      const file = this.journalFile;
      const handedOver = done.catch(() => undefined);
      closing.set(file, handedOver);
      void handedOver.then(() => {
        if (closing.get(file) === handedOver) closing.delete(file);
      });
    }
    return done;
  }

  private async open(): Promise<Dispatcher<O>> {
    if (this.journalFile) await closing.get(this.journalFile);
    const journal = await Journal.open(this.journalFile, { warn: this.settings.warn });
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

/** Node ids are hex with a dot at most; anything else is kept out of the file name. */
function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "_");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
