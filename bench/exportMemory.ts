/**
 * RSS of one export, in a process of its own so that the other benchmarks do not weigh on it. Forked by
 * bench/export.ts with BENCH_EXPORT_PROBE (simulator, credentials, employers, collections, node or core) in its
 * environment: it warms up on one employer, then exports every employer (CSV on, as the node's default) while sampling
 * RSS and heap every 20 ms, and sends its figures over IPC.
 */
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { CollectionName } from "../src/core/export";
import { exportRunner, recordsOf, type ExportVia } from "./exportRunner";
import { gc, MB, round } from "./measure";
import type { Credentials } from "./runtime";
import type { SimulatorInfo } from "./simulatorProcess";

export interface ExportProbeInput {
  sim: SimulatorInfo;
  credentials: Credentials;
  employers: string[];
  collections: CollectionName[];
  /** The simulator's trainings (for the report). */
  trainings: number;
  via: ExportVia;
}

export interface ExportMemoryFigures {
  via: ExportVia;
  trainings: number;
  employers: number;
  collections: CollectionName[];
  /** Records written in all (every collection). */
  records: number;
  complete: boolean;
  seconds: number;
  rssBeforeMB: number;
  peakRssMB: number;
  rssGrowthMB: number;
  heapUsedBeforeMB: number;
  peakHeapUsedMB: number;
  /** Heap used just after each full (mark-compact) collection, at its highest: what the run kept alive, not its garbage. */
  peakLiveHeapMB: number;
  majorCollections: number;
  rssAfterMB: number;
  /** After the run and a full collection, the runtime still loaded. */
  heapUsedAfterMB: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_EXPORT_PROBE ?? "{}") as ExportProbeInput;
  const { sim, credentials } = input;
  const runner = await exportRunner(input.via, sim, credentials, { collections: input.collections, csv: true });
  const root = await fs.mkdtemp(join(tmpdir(), "fla-bench-export-memory-"));
  try {
    // Warm-up: modules, token, sockets, JIT.
    await runner.run(input.employers.slice(0, 1), join(root, "warm-up"));

    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sample = (): void => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    };
    let peakLive = before.heapUsed;
    let majors = 0;
    const collections = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if ((entry as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
        majors += 1;
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      }
    });
    collections.observe({ entryTypes: ["gc"] });
    const sampler = setInterval(sample, 20);
    const started = Date.now();
    const manifest = await runner.run(input.employers, join(root, "export"));
    clearInterval(sampler);
    collections.disconnect();
    sample();
    const seconds = (Date.now() - started) / 1000;
    gc();
    const after = process.memoryUsage();
    const records = recordsOf(manifest, input.collections);
    const figures: ExportMemoryFigures = {
      via: input.via,
      trainings: input.trainings,
      employers: input.employers.length,
      collections: input.collections,
      records,
      complete: manifest.complete,
      seconds: round(seconds),
      rssBeforeMB: round(before.rss / MB),
      peakRssMB: round(peakRss / MB),
      rssGrowthMB: round((peakRss - before.rss) / MB),
      heapUsedBeforeMB: round(before.heapUsed / MB),
      peakHeapUsedMB: round(peakHeap / MB),
      peakLiveHeapMB: round(peakLive / MB),
      majorCollections: majors,
      rssAfterMB: round(after.rss / MB),
      heapUsedAfterMB: round(after.heapUsed / MB),
    };
    await new Promise<void>((resolve) => (process.send ? process.send(figures, () => resolve()) : resolve()));
  } finally {
    await runner.close();
    await fs.rm(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
