/** A clock the test moves by hand: timers fire, in time order, only inside advance(). */
import type { Clock } from "../../src/core/outbox/clock";

interface Timer {
  at: number;
  callback: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  private timers: Timer[] = [];

  constructor(private current = Date.UTC(2026, 11, 1, 14, 2)) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer: Timer = { at: this.current + Math.max(0, ms), callback, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    (handle as Timer).cancelled = true;
  }

  /** Timers not cancelled and not yet fired. */
  get pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /** Moves time forward by `ms`, firing each due timer at its own time. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers.filter((timer) => !timer.cancelled && timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.cancelled = true;
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    this.current = end;
  }
}
