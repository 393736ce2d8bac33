/**
 * Peak RSS with 10,000 messages queued (in the config node's outbox, on disk), in a process of its own so that the throughput runs do not weigh on it.
 * Forked by bench/run.ts with BENCH_PROBE (simulator info and credentials) in its environment; talks over IPC:
 * it sends "ready" once its flow is warm, waits for "go" (the parent has made the API slow), then reports.
 */
import { writeHeapSnapshot } from "node:v8";
import { loadTraining } from "../test/load/support";
import { gc, MB, round } from "./measure";
import { loadFlow, type Credentials } from "./runtime";
import type { SimulatorInfo } from "./simulatorProcess";

export interface MemoryFigures {
  messages: number;
  maxConcurrent: number;
  rssBeforeMB: number;
  peakRssMB: number;
  peakQueued: number;
  /** RSS and V8 heap right after the messages were handed to the node (all queued, nothing collected). */
  rssQueuedMB: number;
  heapUsedQueuedMB: number;
  peakHeapUsedMB: number;
  rssAfterDrainMB: number;
  heapUsedAfterDrainMB: number;
  drainSeconds: number;
  outcomes: { success: number; anomaly: number; error: number };
}

async function main(): Promise<void> {
  const { sim, credentials, messages, maxConcurrent } = JSON.parse(process.env.BENCH_PROBE ?? "{}") as {
    sim: SimulatorInfo;
    credentials: Credentials;
    messages: number;
    maxConcurrent: number;
  };
  const flow = await loadFlow(sim, credentials, { maxConcurrent, maxQueue: messages });
  for (let i = 0; i < 20; i++) flow.declare.receive({ payload: loadTraining(i, `MEM-WARM-${process.pid}-${i}`) });
  await flow.waitFor(20);
  const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
  process.send?.("ready");
  await go;

  gc();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakQueued = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakQueued = Math.max(peakQueued, flow.outbox.current?.stats.waiting ?? 0);
  };
  const sampler = setInterval(sample, 20);
  const started = Date.now();
  const warm = { ...flow.counts };
  const base = warm.total;
  for (let i = 0; i < messages; i++) flow.declare.receive({ payload: loadTraining(i, `MEM-${process.pid}-${i}`) });
  sample();
  const queued = process.memoryUsage();
  if (process.env.BENCH_SNAPSHOT) {
    // What the queued messages retain: a heap snapshot while they wait (compare constructor counts per message).
    gc();
    console.log(
      `heap snapshot: ${writeHeapSnapshot(process.env.BENCH_SNAPSHOT)} (${flow.outbox.current?.stats.waiting ?? 0} queued)`,
    );
  }
  await flow.waitFor(base + messages);
  clearInterval(sampler);
  sample();
  const drainSeconds = (Date.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  const figures: MemoryFigures = {
    messages,
    maxConcurrent,
    rssBeforeMB: round(rssBefore / MB),
    peakRssMB: round(peakRss / MB),
    peakQueued,
    rssQueuedMB: round(queued.rss / MB),
    heapUsedQueuedMB: round(queued.heapUsed / MB),
    peakHeapUsedMB: round(peakHeap / MB),
    rssAfterDrainMB: round(after.rss / MB),
    heapUsedAfterDrainMB: round(after.heapUsed / MB),
    drainSeconds: round(drainSeconds),
    outcomes: {
      success: flow.counts.success - warm.success,
      anomaly: flow.counts.anomaly - warm.anomaly,
      error: flow.counts.error - warm.error,
    },
  };
  process.send?.(figures);
  await flow.unload();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
