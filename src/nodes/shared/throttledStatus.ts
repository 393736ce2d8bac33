/**
 * A node's status, shown at most every 250 ms: each update is pushed to every open editor, and a node may report
 * thousands of messages or pages a second. The status is a function, not a value: translating and formatting cost
 * more than a request at that rate, so they happen only when a status is really shown. An unchanged status is not
 * sent again.
 */
import type { Node, NodeStatus } from "node-red";

const THROTTLE_MS = 250;

export class ThrottledStatus {
  private timer?: NodeJS.Timeout;
  private pending?: () => NodeStatus;
  private shown?: string;

  constructor(private readonly node: Node) {}

  /** `now`: shown at once (e.g. a run's end), not at the next tick, and nothing pending replaces it. */
  set(status: () => NodeStatus, now = false): void {
    this.pending = status;
    if (now && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.timer) return;
    this.flush();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, THROTTLE_MS);
    this.timer.unref?.();
  }

  /** Stops the timer; `flushPending` first shows what is pending (a final status must not wait for a cancelled timer). */
  close(flushPending = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (flushPending) this.flush();
  }

  private flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    const status = pending();
    const key = JSON.stringify(status);
    if (key !== this.shown) {
      this.shown = key;
      this.node.status(status);
    }
  }
}
