/**
 * `node dist/bench/outbox.js`: figures of the outbox core alone (no HTTP), not assertions.
 *
 * - appends/s with group commit vs one fdatasync per append, 64 writers each awaiting its own append in a loop;
 * - RSS and heap growth for 100,000 declarations accepted into the outbox (goal < 64 MB), no node attached;
 * - recovery time (Journal.open + Dispatcher construction) of that journal, and RSS after it in a fresh process.
 *
 * OUTBOX_BENCH_ENTRIES (default 100000) and OUTBOX_BENCH_DIR (default the OS temp folder) change the run.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CircuitBreaker, Dispatcher, Journal } from "../src/core/outbox";
import { loadTraining } from "../test/load/support";
import { MB, gc, round } from "./measure";

const ENTRIES = Number(process.env.OUTBOX_BENCH_ENTRIES ?? 100_000);
const WRITERS = 64;

/** What the adapter will journal for a declaration: the message's JSON-serialisable properties. */
function message(i: number): Record<string, unknown> {
  return { payload: loadTraining(i, `OB-${i}`), topic: "declare", ref: `row-${i}`, _msgid: `a1b2c3d4e5f6${i}` };
}

async function appendRate(
  path: string,
  maxBatch: number | undefined,
  seconds: number,
): Promise<{ perSecond: number; syncs: number }> {
  const journal = await Journal.open(path, { maxBatch });
  let count = 0;
  const end = performance.now() + seconds * 1000;
  const writer = async (w: number): Promise<void> => {
    while (performance.now() < end) {
      await journal.put({
        owner: "node-1",
        kind: "declare",
        data: message(w * 1_000_000 + count),
        acceptedAt: Date.now(),
      });
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  const elapsed = performance.now() - started;
  const syncs = journal.stats.syncs;
  await journal.close();
  return { perSecond: round((count * 1000) / elapsed, 0), syncs };
}

async function fill(path: string): Promise<{ rssMB: number; heapMB: number; acceptMs: number; fileMB: number }> {
  const journal = await Journal.open(path);
  const dispatcher = new Dispatcher({ journal, breaker: new CircuitBreaker(), maxQueue: ENTRIES });
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const started = performance.now();
  // As messages arrive: a thousand at a time, each waiting for its own fsync.
  for (let i = 0; i < ENTRIES; i += 1000) {
    const wave: Promise<number>[] = [];
    for (let j = i; j < Math.min(ENTRIES, i + 1000); j++)
      wave.push(dispatcher.accept(`node-${j % 10}`, { kind: "declare", data: message(j) }));
    await Promise.all(wave);
  }
  const acceptMs = performance.now() - started;
  gc();
  const figures = {
    rssMB: round((process.memoryUsage().rss - rss0) / MB),
    heapMB: round((process.memoryUsage().heapUsed - heap0) / MB),
    acceptMs: round(acceptMs, 0),
    fileMB: round(statSync(path).size / MB),
  };
  await dispatcher.close();
  return figures;
}

/** In a fresh process, so that the figures are not those of the process that wrote the journal. */
async function recover(path: string): Promise<{ openMs: number; entries: number; rssMB: number; heapMB: number }> {
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const started = performance.now();
  const journal = await Journal.open(path);
  const dispatcher = new Dispatcher({ journal, breaker: new CircuitBreaker(), maxQueue: ENTRIES });
  const openMs = performance.now() - started;
  gc();
  const figures = {
    openMs: round(openMs, 0),
    entries: dispatcher.stats.pending,
    rssMB: round((process.memoryUsage().rss - rss0) / MB),
    heapMB: round((process.memoryUsage().heapUsed - heap0) / MB),
  };
  await dispatcher.close();
  return figures;
}

export interface OutboxFigures {
  grouped: { perSecond: number; syncs: number };
  single: { perSecond: number; syncs: number };
  filled: Awaited<ReturnType<typeof fill>>;
  recovered: Awaited<ReturnType<typeof recover>>;
}

/** The outbox figures, printed as they come; bench/run.ts calls it too (BENCH_ONLY=outbox, and in the full run). */
export async function outboxFigures(): Promise<OutboxFigures> {
  const dir = mkdtempSync(join(process.env.OUTBOX_BENCH_DIR ?? tmpdir(), "fla-outbox-bench-"));
  try {
    const grouped = await appendRate(join(dir, "grouped.journal"), undefined, 3);
    const single = await appendRate(join(dir, "single.journal"), 1, 3);
    console.log(
      `appends/s, ${WRITERS} writers: group commit ${grouped.perSecond} (${grouped.syncs} syncs), fsync per append ${single.perSecond}`,
    );

    const path = join(dir, "queued.journal");
    const filled = await fill(path);
    console.log(
      `${ENTRIES} accepted in ${filled.acceptMs} ms: RSS +${filled.rssMB} MB, heap +${filled.heapMB} MB (goal < 64 MB), journal ${filled.fileMB} MB`,
    );

    const child = fork(__filename, ["--recover", path], { execArgv: [] });
    const recovered = await new Promise<Awaited<ReturnType<typeof recover>>>((resolve, reject) => {
      child.once("message", (figures) => resolve(figures as Awaited<ReturnType<typeof recover>>));
      child.once("error", reject);
    });
    child.kill();
    console.log(
      `recovery of ${recovered.entries} pending: ${recovered.openMs} ms, RSS +${recovered.rssMB} MB, heap +${recovered.heapMB} MB`,
    );
    return { grouped, single, filled, recovered };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === "--recover") {
    process.send!(await recover(process.argv[3]));
    return;
  }
  console.log(JSON.stringify(await outboxFigures()));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
