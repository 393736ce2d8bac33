/**
 * Node status: blue ring while requests run (with in-flight and queued counts), then the last result. Updates are
 * throttled because each one is pushed to every open editor.
 */
import type { Node, NodeStatus } from "node-red";
import { ThrottledStatus } from "./throttledStatus";
import type { FlaConnection } from "../../core/connection";
import type { Outcome } from "../../core/result";

type Translate = (key: string, substitutions?: Record<string, string | number>) => string;

/** What the config node's outbox and circuit breaker say, for the status. */
export interface OutboxView {
  /** The platform has been unavailable since then (the circuit breaker is open); undefined when it is available. */
  pausedSince?: number;
  /** Declarations of this node in the outbox, not yet ended (0 for a query or export node). */
  waiting: number;
  inFlight: number;
}

export class StatusReporter {
  private active = 0;
  private lastOutcome?: { outcome: Outcome; at: number };
  private readonly status: ThrottledStatus;
  private outboxView?: () => OutboxView | undefined;
  /** The status shows the outbox (paused, or declarations waiting), which a change back to idle must clear. */
  private showingOutbox = false;

  constructor(
    node: Node,
    private readonly t: Translate,
    private readonly prefix: "fla-declare" | "fla-query" | "fla-export",
  ) {
    this.status = new ThrottledStatus(node);
  }

  /** At deploy: the config node's problem (red) or certificate warning (yellow). */
  showConnection(connection: FlaConnection | undefined): boolean {
    if (!connection) {
      this.status.set(() => ({ fill: "red", shape: "ring", text: this.t(`${this.prefix}.status.noConfig`) }));
      return false;
    }
    if (connection.problem) {
      const text = connection.problem.message.slice(0, 60);
      this.status.set(() => ({ fill: "red", shape: "ring", text }));
      return false;
    }
    const warning = connection.warnings[0];
    this.status.set(() => (warning ? { fill: "yellow", shape: "ring", text: warning.slice(0, 60) } : {}));
    return true;
  }

  started(connection: FlaConnection): void {
    this.active++;
    this.showProgress(connection);
  }

  finished(connection: FlaConnection, outcome: Outcome): void {
    this.lastOutcome = { outcome, at: Date.now() };
    this.showProgress(connection);
  }

  ended(connection: FlaConnection): void {
    this.active = Math.max(0, this.active - 1);
    this.showProgress(connection);
  }

  /** Shows the outbox of the config node: paused while the platform is unavailable, else the declarations waiting. */
  watchOutbox(view: () => OutboxView | undefined): void {
    this.outboxView = view;
  }

  /** Messages of this node under way (for a query node: its waiting count while paused). */
  get activeCount(): number {
    return this.active;
  }

  /** The outbox changed (or the breaker): shown at the next throttled update. */
  refresh(connection: FlaConnection): void {
    const view = this.outboxView?.();
    const idle =
      this.active === 0 && !this.lastOutcome && view?.pausedSince === undefined && !(view && view.waiting > 0);
    // Nothing to show yet: the status of the deploy (e.g. a certificate that expires soon) stays.
    if (idle && !this.showingOutbox) return;
    this.showingOutbox = !idle;
    this.showProgress(connection);
  }

  progress(text: string): void {
    this.status.set(() => ({ fill: "blue", shape: "ring", text }));
  }

  private showProgress(connection: FlaConnection): void {
    this.status.set(() => {
      const outbox = this.outboxView?.();
      if (outbox?.pausedSince !== undefined) {
        const since = new Date(outbox.pausedSince).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        return {
          fill: "yellow",
          shape: "ring",
          text: this.t(`${this.prefix}.status.paused`, { since, waiting: outbox.waiting }),
        };
      }
      if (outbox && outbox.waiting > 0) {
        return {
          fill: "blue",
          shape: "ring",
          text: this.t(`${this.prefix}.status.queued`, {
            inFlight: outbox.inFlight,
            queued: Math.max(0, outbox.waiting - outbox.inFlight),
          }),
        };
      }
      if (this.active === 0)
        return this.lastOutcome ? this.resultStatus(this.lastOutcome.outcome, this.lastOutcome.at) : {};
      const { inFlight, queued } = connection.limiter.stats;
      const text =
        queued > 0
          ? this.t(`${this.prefix}.status.queued`, { inFlight, queued })
          : this.t(`${this.prefix}.status.requesting`);
      return { fill: "blue", shape: "ring", text };
    });
  }

  private resultStatus(outcome: Outcome, at: number): NodeStatus {
    const time = new Date(at).toLocaleTimeString();
    if (outcome.output === "error") return { fill: "red", shape: "dot", text: `${outcome.error.code} ${time}` };
    const warnings = outcome.fla.anomalies.filter((a) => a.severity === "WARNING").length;
    const key = STATUS_KEYS[outcome.fla.status] ?? "done";
    const fill =
      outcome.output === "anomaly" ? "red" : warnings > 0 || outcome.fla.status === "PENDING" ? "yellow" : "green";
    // `count` picks the plural form. The catalogues use i18next's v3 keys (`warnings`, `warnings_plural`), the format
    // Node-RED 3.1 reads as is and Node-RED 4+ converts: `_one`/`_other` alone would show the bare key on Node-RED 3.1.
    return {
      fill,
      shape: outcome.output === "anomaly" ? "ring" : "dot",
      text: `${this.t(`${this.prefix}.status.${key}`, { count: warnings })} ${time}`,
    };
  }

  close(): void {
    this.status.close();
  }
}

/** The catalogue key (under `<node>.status.`) of the status text shown for each `msg.fla.status`. */
export const STATUS_KEYS: Record<string, string> = {
  ACCEPTED: "accepted",
  ACCEPTED_WITH_WARNINGS: "warnings",
  REJECTED: "rejected",
  PENDING: "pending",
  ALREADY_DECLARED: "alreadyDeclared",
  CANCELLED: "cancelled",
  INVALID: "invalid",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "notFound",
  OK: "ok",
};
