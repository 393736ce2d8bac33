/**
 * RSS of one export, in a process of its own so that the other benchmarks do not weigh on it. Forked by
 * bench/export.ts with BENCH_EXPORT_PROBE (simulator, credentials, employers, collections) in its environment: it
 * warms up on one employer, then exports every employer (CSV on, as the node's default) while sampling RSS and heap
 * every 20 ms, and sends its figures over IPC.
 */
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlaConnection } from "../src/core/connection";
import { runExport, type CollectionName, type ExportOptions } from "../src/core/export";
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
}

export interface ExportMemoryFigures {
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
  rssAfterMB: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_EXPORT_PROBE ?? "{}") as ExportProbeInput;
  const { sim, credentials } = input;
  const connection = FlaConnection.open(
    { environment: "custom", tokenUrl: sim.tokenUrl, audience: sim.tokenUrl, apiUrl: sim.apiUrl, clientId: sim.clientId, role: sim.role, certificateFormat: "pfx" },
    credentials,
  );
  const root = await fs.mkdtemp(join(tmpdir(), "fla-bench-export-memory-"));
  try {
    const options = (folder: string, employers: string[]): ExportOptions => ({
      folder,
      employers,
      collections: input.collections,
      fromYear: 2024,
      toYear: new Date().getUTCFullYear(),
      csv: true,
      xlsx: false,
      restart: false,
      pageSize: 100,
    });
    const deps = { client: connection.requireClient(), packageId: "fla-bench@0" };
    // Warm-up: modules, token, sockets, JIT.
    await runExport(options(join(root, "warm-up"), input.employers.slice(0, 1)), deps);

    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sample = (): void => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    };
    const sampler = setInterval(sample, 20);
    const started = Date.now();
    const manifest = await runExport(options(join(root, "export"), input.employers), deps);
    clearInterval(sampler);
    sample();
    const seconds = (Date.now() - started) / 1000;
    gc();
    let records = 0;
    for (const state of Object.values(manifest.employers)) for (const c of input.collections) records += state[c]?.written ?? 0;
    const figures: ExportMemoryFigures = {
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
      rssAfterMB: round(process.memoryUsage().rss / MB),
    };
    await new Promise<void>((resolve) => (process.send ? process.send(figures, () => resolve()) : resolve()));
  } finally {
    connection.close();
    connection.client?.destroy();
    await fs.rm(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
