/**
 * One export at a time per node: two runs into the same folder would write the same files. Messages that arrive during
 * a run wait their turn, in arrival order.
 */
export class RunQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  /** Runs waiting behind the current one. */
  get waiting(): number {
    return Math.max(0, this.pending - 1);
  }

  get running(): boolean {
    return this.pending > 0;
  }

  /** Starts `job` once every job pushed before it has ended (whatever its outcome). */
  push(job: () => Promise<void>): Promise<void> {
    this.pending++;
    const run = this.tail.then(job).finally(() => {
      this.pending--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every job pushed so far has ended. */
  idle(): Promise<void> {
    return this.tail;
  }
}
