/**
 * The fla-export node's status, in the style of StatusReporter: a blue ring while a run goes
 * ("employer 12/300 · trainings · page 3/7 · 250 items"), then a green dot (complete), a yellow one (finished with
 * refused or incomplete employers) or a red one (failure, the archive stays resumable). Throttled: every update goes to
 * every open editor, and a run reports thousands of pages.
 */
import type { Node } from "node-red";
import { ThrottledStatus } from "./throttledStatus";
import type { ExportProgress, Manifest } from "../../core/export/types";

type Translate = (key: string, substitutions?: Record<string, string | number>) => string;

/** A long path is shown by its end, which is the part that tells folders apart. */
function shortPath(path: string, max = 40): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}

export interface ExportCounts {
  employers: number;
  complete: number;
  partial: number;
  refused: number;
}

export function countEmployers(manifest: Manifest): ExportCounts {
  const counts: ExportCounts = { employers: 0, complete: 0, partial: 0, refused: 0 };
  for (const state of Object.values(manifest.employers)) {
    counts.employers++;
    if (state.status === "complete") counts.complete++;
    else if (state.status === "refused") counts.refused++;
    else counts.partial++;
  }
  return counts;
}

export class ExportStatusReporter {
  private readonly status: ThrottledStatus;
  private waiting = 0;

  constructor(
    node: Node,
    private readonly t: Translate,
  ) {
    this.status = new ThrottledStatus(node);
  }

  private tr(key: string, substitutions?: Record<string, string | number>): string {
    return this.t(`fla-export.status.${key}`, substitutions);
  }

  /** Messages waiting behind the running one, shown after the progress. */
  setWaiting(count: number): void {
    this.waiting = count;
  }

  problem(text: string): void {
    this.status.set(() => ({ fill: "red", shape: "ring", text: text.slice(0, 80) }));
  }

  /** A certificate warning of the config node (e.g. it expires soon), as the other FLA nodes show it. */
  warning(text: string): void {
    this.status.set(() => ({ fill: "yellow", shape: "ring", text: text.slice(0, 80) }));
  }

  clear(): void {
    this.status.set(() => ({}));
  }

  starting(folder: string, resumed: boolean): void {
    this.status.set(() => ({
      fill: "blue",
      shape: "ring",
      text: this.withWaiting(this.tr(resumed ? "resuming" : "starting", { folder: shortPath(folder) })),
    }));
  }

  progress(p: ExportProgress): void {
    this.status.set(() => {
      const parts = [
        this.tr("employer", { index: p.employerIndex, count: p.employerCount }),
        this.tr(`collection.${p.collection}`),
        p.pageCount !== undefined
          ? this.tr("pageOf", { page: p.page, count: p.pageCount })
          : this.tr("page", { page: p.page }),
        this.tr("items", { count: p.written }),
      ];
      return { fill: "blue", shape: "ring", text: this.withWaiting(parts.join(" · ")) };
    });
  }

  finished(manifest: Manifest, folder: string): void {
    const counts = countEmployers(manifest);
    const time = new Date().toLocaleTimeString();
    this.status.set(() => {
      if (manifest.complete) {
        return {
          fill: "green",
          shape: "dot",
          text: `${this.tr("complete", { count: counts.employers, folder: shortPath(folder) })} ${time}`,
        };
      }
      const text = this.tr("incomplete", {
        refused: counts.refused,
        partial: counts.partial,
        folder: shortPath(folder),
      });
      return { fill: "yellow", shape: "dot", text: `${text} ${time}` };
    }, true);
  }

  /** The platform is unavailable (the config node's circuit breaker is open): requests wait. */
  paused(since: number): void {
    const time = new Date(since).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    this.status.set(() => ({
      fill: "yellow",
      shape: "ring",
      text: this.tr("paused", { since: time, waiting: this.waiting }),
    }));
  }

  failed(code: string): void {
    const time = new Date().toLocaleTimeString();
    this.status.set(() => ({ fill: "red", shape: "dot", text: `${this.tr("failed", { code })} ${time}` }), true);
  }

  private withWaiting(text: string): string {
    return this.waiting > 0 ? `${text} · ${this.tr("waiting", { count: this.waiting })}` : text;
  }

  /** The final status is shown, not left to a timer that close cancels. */
  close(): void {
    this.status.close(true);
  }
}
