/**
 * Tracks the messages a node is working on, so that a redeploy or shutdown waits for them: in-flight requests finish
 * or time out, queued ones end with FLA_ABORTED (the abort signal), and none vanish.
 */
export class InputTracker {
  private readonly running = new Set<Promise<void>>();
  readonly abort = new AbortController();

  track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }
}
