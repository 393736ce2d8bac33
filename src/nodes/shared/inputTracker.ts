/**
 * Tracks the messages a node is working on, so that a redeploy or shutdown waits for them: in-flight requests finish
 * or time out, queued ones end with FLA_ABORTED (the abort signal), and none vanish.
 * A count, not a set of promises: with thousands of messages queued, a set entry and a `finally` per message (a promise
 * and three closures) stayed alive for each of them.
 */
import { setMaxListeners } from "node:events";

export class InputTracker {
  private active = 0;
  private idle?: { promise: Promise<void>; resolve: () => void };
  readonly abort = new AbortController();

  constructor() {
    // Every queued or in-flight request listens on this one signal: thousands of listeners are expected, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  /** A message starts; call end() once when it is over. */
  begin(): void {
    this.active++;
  }

  end(): void {
    this.active = Math.max(0, this.active - 1);
    if (this.active === 0 && this.idle) this.idle.resolve();
  }

  track(work: Promise<void>): void {
    this.begin();
    const end = (): void => this.end();
    void work.then(end, end);
  }

  /** Aborts the waits of the queued messages and resolves once every message begun has ended. */
  close(): Promise<void> {
    this.abort.abort();
    if (this.active === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }
}
