/**
 * The export benchmark, a part of `npm run bench` (BENCH_ONLY=export runs it alone):
 *
 * - throughput: the fla-export node in an embedded Node-RED runtime (or the core's runExport, BENCH_EXPORT_VIA=core;
 *   exportRunner.ts), through the config node's connection (token cache, request limiter, FlaApiClient with its retry
 *   policy), against a raw paging loop (plain axios configured as our client, the same token, the same requests one
 *   at a time, the same JSON lines written to the same files), over one scaled simulator (BENCH_EXPORT_EMPLOYERS
 *   employers, BENCH_EXPORT_TRAININGS trainings, a provider with every mandate) in a child process;
 *   BENCH_EXPORT_ROUNDS interleaved rounds, medians; the first round checks that both wrote the same bytes.
 * - memory: the RSS growth of an export of 1,000 and of 100,000 trainings (BENCH_EXPORT_MEMORY_SIZES; collections
 *   BENCH_EXPORT_MEMORY_COLLECTIONS, CSV on), each in a child process of its own (exportMemory.ts) against a simulator
 *   of that size, so that nothing else weighs on it.
 *
 * BENCH_EXPORT_PART=throughput or memory runs one part (with BENCH_ONLY=export the other part's figures are kept).
 */
import { createHash } from "node:crypto";
import { fork } from "node:child_process";
import http from "node:http";
import { promises as fs, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import axios, { type AxiosInstance } from "axios";
import type { CollectionName } from "../src/core/export";
import { exportRunner, exportVia, recordsOf, type ExportRunner, type ExportVia } from "./exportRunner";
import { cpuMicros, gc, median, round } from "./measure";
import type { ExportMemoryFigures, ExportProbeInput } from "./exportMemory";
import type { Credentials } from "./runtime";
import { SimulatorChild } from "./simulatorClient";

const EMPLOYERS = Number(process.env.BENCH_EXPORT_EMPLOYERS ?? 300);
const TRAININGS = Number(process.env.BENCH_EXPORT_TRAININGS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS ?? 5);
const MEMORY_SIZES = (process.env.BENCH_EXPORT_MEMORY_SIZES ?? "1000,100000").split(",").map(Number);
const MEMORY_COLLECTIONS = (
  process.env.BENCH_EXPORT_MEMORY_COLLECTIONS ?? "trainings,trainingRights,trainingCredits"
).split(",") as CollectionName[];
/** What the throughput runs read: the paged collections, JSON lines only (the raw loop writes nothing else). */
const COLLECTIONS: CollectionName[] = ["trainings", "trainingRights"];
const PAGE_SIZE = 100;
/**
 * The raw loop reads one page at a time, without overlap. The export asks for up to the config's maxConcurrent pages
 * of a read at once (default 4; records still written in page order), and reads every page twice (verification).
 */
const CONCURRENCY = 1;
const MEMORY_GOAL_MB = 64;
const RATIO_GOAL = 0.9;

export interface ExportRunFigures {
  seconds: number;
  records: number;
  recordsPerSecond: number;
  pagesPerSecond: number;
  cpuMicrosPerRecord: number;
}

export interface ExportThroughput {
  /** The fla-export node in an embedded Node-RED runtime, or the core's runExport (BENCH_EXPORT_VIA). */
  via: ExportVia;
  employers: number;
  trainings: number;
  rights: number;
  collections: CollectionName[];
  pageSize: number;
  concurrency: number;
  pagesPerRun: number;
  sameFiles: boolean;
  export: ExportRunFigures;
  raw: ExportRunFigures;
  ratio: number;
  ratioGoal: number;
  rounds: { export: number[]; raw: number[]; ratio: number[]; rawRereading?: number[]; ratioRereading?: number[] };
  /**
   * The raw loop doing the export's API work: after each file it reads every page again keeping each record's key (as
   * the export's verification does). Records/s count each record once, as for the other figures.
   */
  rawRereading?: ExportRunFigures;
  ratioRereading?: number;
}

export interface ExportBenchResults {
  throughput?: ExportThroughput;
  memory: ExportMemoryFigures[];
  memoryGrowthDifferenceMB?: number;
  memoryGoalMB: number;
}

function years(): number[] {
  const list: number[] = [];
  for (let year = 2024; year <= new Date().getUTCFullYear(); year++) list.push(year);
  return list;
}

/** Configured as our client's axios instance (src/core/api/httpClient.ts) and run.ts's raw client, so that the ratio measures our code. */
function rawClient(apiUrl: string): AxiosInstance {
  return axios.create({
    baseURL: apiUrl,
    timeout: 30_000,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
    responseType: "text",
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
    proxy: false,
    headers: { Accept: "application/json, application/problem+json", "User-Agent": "node-red-contrib-careerpro-fla" },
  });
}

/** The raw loop: every page of every employer's trainings, then rights year by year, each page's items as JSON lines. */
async function rawExport(
  client: AxiosInstance,
  token: string,
  employers: string[],
  folder: string,
  rereadKeys = false,
): Promise<{ records: number; pages: number }> {
  let records = 0;
  let pages = 0;
  const headers = { Authorization: `Bearer ${token}` };
  /** The second read of rereadKeys: every page again, keys only (the export's verification does the same API work). */
  const rereadAll = async (queries: string[]): Promise<void> => {
    const keys = new Set<string>();
    for (const query of queries) {
      for (let page = 1; ; page++) {
        const res = await client.get<string>(`${query}&page=${page}&pageSize=${PAGE_SIZE}`, { headers });
        if (res.status !== 200) throw new Error(`raw loop: ${query} page ${page} answered ${res.status} (second read)`);
        const body = JSON.parse(res.data) as { items: Record<string, unknown>[]; next?: string };
        for (const item of body.items) keys.add(String(item.trainingId ?? `${String(item.ssin)}/${String(item.year)}`));
        if (body.next === undefined || body.items.length === 0) break;
      }
    }
  };
  const readAll = async (file: string, queries: string[]): Promise<void> => {
    const handle = await fs.open(file, "w", 0o600);
    try {
      for (const query of queries) {
        for (let page = 1; ; page++) {
          const res = await client.get<string>(`${query}&page=${page}&pageSize=${PAGE_SIZE}`, { headers });
          if (res.status !== 200) throw new Error(`raw loop: ${query} page ${page} answered ${res.status}`);
          const body = JSON.parse(res.data) as { items: unknown[]; next?: string };
          pages += 1;
          let lines = "";
          for (const item of body.items) lines += JSON.stringify(item) + "\n";
          await handle.write(lines);
          records += body.items.length;
          if (body.next === undefined || body.items.length === 0) break;
        }
      }
    } finally {
      await handle.close();
    }
    if (rereadKeys) await rereadAll(queries);
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < employers.length) {
      const employer = employers[next++];
      const dir = join(folder, employer);
      await fs.mkdir(dir, { mode: 0o700 });
      await readAll(join(dir, "trainings.jsonl"), [`/trainings?enterpriseNumber=${employer}`]);
      await readAll(
        join(dir, "training-rights.jsonl"),
        years().map((year) => `/trainingRights?enterpriseNumber=${employer}&year=${year}`),
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { records, pages };
}

async function exportOnce(runner: ExportRunner, employers: string[], folder: string): Promise<number> {
  const manifest = await runner.run(employers, folder);
  if (!manifest.complete) throw new Error(`the export did not complete: ${JSON.stringify(manifest.error ?? null)}`);
  return recordsOf(manifest, COLLECTIONS);
}

function figures(records: number, pages: number, ms: number, cpu: number): ExportRunFigures {
  return {
    seconds: round(ms / 1000, 2),
    records,
    recordsPerSecond: round((records * 1000) / ms, 0),
    pagesPerSecond: round((pages * 1000) / ms, 0),
    cpuMicrosPerRecord: round(cpu / records, 1),
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; cpu: number }> {
  gc();
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  const result = await run();
  return { result, ms: performance.now() - t0, cpu: cpuMicros() - cpu0 };
}

/** SHA-256 of every JSON lines file under `folder`, by relative path. */
async function jsonlDigests(folder: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const employer of await fs.readdir(folder)) {
    const dir = join(folder, employer);
    if (!(await fs.stat(dir)).isDirectory()) continue;
    for (const name of await fs.readdir(dir)) {
      if (name.endsWith(".jsonl"))
        digests.set(
          `${employer}/${name}`,
          createHash("sha256")
            .update(await fs.readFile(join(dir, name)))
            .digest("hex"),
        );
    }
  }
  return digests;
}

function sameDigests(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([file, digest]) => b.get(file) === digest);
}

async function throughput(certificatePem: string, credentials: Credentials): Promise<ExportThroughput> {
  const { child, info } = await SimulatorChild.start(certificatePem, {
    scale: { employers: EMPLOYERS, trainings: TRAININGS },
    role: "provider",
  });
  const root = await fs.mkdtemp(join(tmpdir(), "fla-bench-export-"));
  const raw = rawClient(info.apiUrl);
  let runner: ExportRunner | undefined;
  try {
    runner = await exportRunner(exportVia(), info, { ...credentials }, { collections: COLLECTIONS, csv: false });
    const employers = info.employers ?? [];
    let folderCount = 0;
    const folder = async (): Promise<string> => {
      const dir = join(root, String(folderCount++));
      await fs.mkdir(dir, { mode: 0o700 });
      return dir;
    };
    const token = await runner.token();
    // Warm-up: token, sockets, JIT on a few employers each.
    await exportOnce(runner, employers.slice(0, 10), await folder());
    await rawExport(raw, token, employers.slice(0, 10), await folder());

    const exportRuns: ExportRunFigures[] = [];
    const rawRuns: ExportRunFigures[] = [];
    const rawRereadingRuns: ExportRunFigures[] = [];
    let sameFiles = false;
    let pagesPerRun = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const rawFolder = await folder();
      const rawRun = await timed(() => rawExport(raw, token, employers, rawFolder));
      pagesPerRun = rawRun.result.pages;
      rawRuns.push(figures(rawRun.result.records, rawRun.result.pages, rawRun.ms, rawRun.cpu));
      const exportFolder = await folder();
      const exportRun = await timed(() => exportOnce(runner!, employers, exportFolder));
      if (exportRun.result !== rawRun.result.records)
        throw new Error(`the export wrote ${exportRun.result} records, the raw loop ${rawRun.result.records}`);
      exportRuns.push(figures(exportRun.result, rawRun.result.pages, exportRun.ms, exportRun.cpu));
      if (r === 0) sameFiles = sameDigests(await jsonlDigests(rawFolder), await jsonlDigests(exportFolder));
      const rereadingFolder = await folder();
      const rereadingRun = await timed(() => rawExport(raw, token, employers, rereadingFolder, true));
      rawRereadingRuns.push(
        figures(rereadingRun.result.records, rereadingRun.result.pages, rereadingRun.ms, rereadingRun.cpu),
      );
      console.log(
        `  export round ${r + 1}/${ROUNDS}: export (${runner.via}) ${exportRuns[r].recordsPerSecond} records/s, raw ${rawRuns[r].recordsPerSecond} records/s, ratio ${(exportRuns[r].recordsPerSecond / rawRuns[r].recordsPerSecond).toFixed(3)}; raw re-reading keys ${rawRereadingRuns[r].recordsPerSecond} records/s, ratio ${(exportRuns[r].recordsPerSecond / rawRereadingRuns[r].recordsPerSecond).toFixed(3)}`,
      );
      await fs.rm(rawFolder, { recursive: true, force: true });
      await fs.rm(exportFolder, { recursive: true, force: true });
      await fs.rm(rereadingFolder, { recursive: true, force: true });
    }
    const ratios = exportRuns.map((e, i) => e.recordsPerSecond / rawRuns[i].recordsPerSecond);
    const ratiosRereading = exportRuns.map((e, i) => e.recordsPerSecond / rawRereadingRuns[i].recordsPerSecond);
    const medianOf = (runs: ExportRunFigures[]): ExportRunFigures =>
      [...runs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)[Math.floor(runs.length / 2)];
    return {
      via: runner.via,
      employers: employers.length,
      trainings: info.trainings ?? 0,
      rights: info.rights ?? 0,
      collections: COLLECTIONS,
      pageSize: PAGE_SIZE,
      concurrency: CONCURRENCY,
      pagesPerRun,
      sameFiles,
      export: medianOf(exportRuns),
      raw: medianOf(rawRuns),
      ratio: round(median(ratios), 3),
      ratioGoal: RATIO_GOAL,
      rounds: {
        export: exportRuns.map((e) => e.recordsPerSecond),
        raw: rawRuns.map((e) => e.recordsPerSecond),
        ratio: ratios.map((x) => round(x, 3)),
        rawRereading: rawRereadingRuns.map((e) => e.recordsPerSecond),
        ratioRereading: ratiosRereading.map((x) => round(x, 3)),
      },
      rawRereading: medianOf(rawRereadingRuns),
      ratioRereading: round(median(ratiosRereading), 3),
    };
  } finally {
    await runner?.close();
    await fs.rm(root, { recursive: true, force: true });
    await child.stop();
  }
}

/** One export of `trainings` trainings in a probe process of its own, against a simulator of that size. */
async function memoryOf(
  certificatePem: string,
  credentials: Credentials,
  trainings: number,
): Promise<ExportMemoryFigures> {
  const { child, info } = await SimulatorChild.start(certificatePem, {
    scale: { employers: EMPLOYERS, trainings },
    role: "provider",
  });
  try {
    const input: ExportProbeInput = {
      sim: info,
      credentials,
      employers: info.employers ?? [],
      collections: MEMORY_COLLECTIONS,
      trainings,
      via: exportVia(),
    };
    const probe = fork(join(__dirname, "exportMemory.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, BENCH_EXPORT_PROBE: JSON.stringify(input) },
    });
    return await new Promise<ExportMemoryFigures>((resolve, reject) => {
      probe.once("message", (figures) => resolve(figures as ExportMemoryFigures));
      probe.once("exit", (code) => reject(new Error(`the export memory probe exited (${code})`)));
    });
  } finally {
    await child.stop();
  }
}

export async function exportBench(certificatePem: string, credentials: Credentials): Promise<ExportBenchResults> {
  const part = process.env.BENCH_EXPORT_PART ?? "all";
  const results: ExportBenchResults = { memory: [], memoryGoalMB: MEMORY_GOAL_MB };
  if (part !== "memory") results.throughput = await throughput(certificatePem, credentials);
  if (part !== "throughput") {
    for (const size of MEMORY_SIZES) results.memory.push(await memoryOf(certificatePem, credentials, size));
    if (results.memory.length >= 2)
      results.memoryGrowthDifferenceMB = round(
        results.memory[results.memory.length - 1].rssGrowthMB - results.memory[0].rssGrowthMB,
      );
  }
  return results;
}

export function printExportTable(results: ExportBenchResults): void {
  const lines: string[] = [];
  const t = results.throughput;
  if (t) {
    lines.push(
      `Export throughput: ${t.via === "node" ? "the fla-export node in an embedded Node-RED" : "runExport"} (${t.collections.join(" + ")}, JSON lines, page size ${t.pageSize}, up to the config's maxConcurrent pages of a read at once, every page read twice: the verification) vs a raw axios paging loop writing the same JSON lines (one page at a time, each page read once); ${t.employers} employers, ${t.trainings} trainings, ${t.rights} rights, ${t.pagesPerRun} pages a run; ${t.rounds.ratio.length} interleaved rounds; same files: ${t.sameFiles}.`,
    );
    lines.push(
      `  export ${t.export.recordsPerSecond} records/s (${t.export.pagesPerSecond} pages/s, ${t.export.seconds} s, ${t.export.cpuMicrosPerRecord} µs CPU/record)`,
    );
    lines.push(
      `  raw    ${t.raw.recordsPerSecond} records/s (${t.raw.pagesPerSecond} pages/s, ${t.raw.seconds} s, ${t.raw.cpuMicrosPerRecord} µs CPU/record)`,
    );
    lines.push(
      `  export/raw per round ${t.rounds.ratio.join(", ")}; median ${t.ratio.toFixed(3)} (goal ≥ ${t.ratioGoal})`,
    );
    if (t.rawRereading && t.rounds.ratioRereading && t.ratioRereading !== undefined) {
      lines.push(
        `  raw re-reading keys (the same API work as the export: every page read a second time, keys only) ${t.rawRereading.recordsPerSecond} records/s (${t.rawRereading.seconds} s)`,
      );
      lines.push(
        `  export/raw re-reading keys per round ${t.rounds.ratioRereading.join(", ")}; median ${t.ratioRereading.toFixed(3)}`,
      );
    }
  }
  for (const m of results.memory) {
    lines.push(
      `Export memory (${m.via}), ${m.trainings} trainings (${m.records} records, ${m.collections.join(" + ")}, CSV): RSS ${m.rssBeforeMB} MB before, peak ${m.peakRssMB} MB, growth ${m.rssGrowthMB} MB; heap ${m.heapUsedBeforeMB} MB before, peak ${m.peakHeapUsedMB} MB, live after full collections at most ${m.peakLiveHeapMB} MB (${m.majorCollections} of them), ${m.heapUsedAfterMB} MB after; ${m.seconds} s`,
    );
  }
  if (results.memoryGrowthDifferenceMB !== undefined)
    lines.push(`  growth difference ${results.memoryGrowthDifferenceMB} MB (goal < ${results.memoryGoalMB} MB)`);
  console.log(lines.join("\n"));
}

/** BENCH_ONLY=export: the export benchmark alone; its figures replace the `export` entry of results.json, the rest is kept. */
export async function exportOnly(certificatePem: string, credentials: Credentials, resultsFile: string): Promise<void> {
  const results = await exportBench(certificatePem, credentials);
  const previous = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>)
    : {};
  const merged = { ...previous, export: { date: new Date().toISOString(), node: process.version, ...results } };
  // Only the export's figures are written: a partial run (BENCH_EXPORT_PART) keeps the other part's figures.
  const old = (previous.export ?? {}) as Partial<ExportBenchResults>;
  if (!results.throughput && old.throughput) merged.export.throughput = old.throughput;
  if (results.memory.length === 0 && old.memory)
    Object.assign(merged.export, { memory: old.memory, memoryGrowthDifferenceMB: old.memoryGrowthDifferenceMB });
  writeFileSync(resultsFile, JSON.stringify(merged, null, 2) + "\n");
  printExportTable(results);
  console.log(`\nwritten to ${resultsFile} (export)`);
}
