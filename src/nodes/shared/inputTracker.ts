/**
 * Tracks the messages a node is working on, so that a redeploy or shutdown waits for them: in-flight requests finish
 * or time out, queued ones end with FLA_ABORTED (the abort signal), and none vanish.
 */
import { setMaxListeners } from "node:events";

export class InputTracker {
  private readonly running = new Set<Promise<void>>();
  readonly abort = new AbortController();

  constructor() {
    // Every queued or in-flight request listens on this one signal: thousands of listeners are expected, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }
}
