/**
 * Array payloads through the embedded Node-RED runtime (bench/runtime.ts): one message whose payload is a list of N
 * declarations, split by fla-declare into one part message per row. Rows per second for 1,000 and 100,000 rows, valid
 * (each one declared to the simulator) and invalid (a wrong SSIN check digit: anomaly output, no request), with the
 * longest event-loop stall and the heap growth while the rows were handled: a part message must carry its own row,
 * not a copy of the whole array (that copy made 8,000 invalid rows block the event loop for 14 s).
 *
 * BENCH_ARRAY_ROWS (default "1000,100000") changes the sizes.
 */
import { performance } from "node:perf_hooks";
import { loadTraining } from "../test/load/support";
import { gc, MB, round } from "./measure";
import { loadFlow, type Credentials } from "./runtime";
import type { SimulatorInfo } from "./simulatorProcess";

const SIZES = (process.env.BENCH_ARRAY_ROWS ?? "1000,100000").split(",").map(Number);

export interface ArrayRun {
  rows: number;
  kind: "valid" | "invalid";
  seconds: number;
  rowsPerSecond: number;
  /** The longest time the event loop could not run anything else, in ms. */
  maxEventLoopStallMs: number;
  /** Heap at its highest while the rows were handled, minus the heap before (the rows themselves included). */
  heapGrowthMB: number;
  success: number;
  anomaly: number;
  error: number;
}

let sequence = 0;

function rows(n: number, kind: ArrayRun["kind"]): Array<Record<string, unknown>> {
  return Array.from({ length: n }, () => {
    const i = sequence++;
    const row = loadTraining(i, `A-${kind}-${process.pid}-${i}`);
    if (kind === "invalid") row.worker = { ssin: "85.07.30-033.29" };
    return row;
  });
}

export async function arrays(sim: SimulatorInfo, credentials: Credentials): Promise<ArrayRun[]> {
  const flow = await loadFlow(sim, credentials, { maxConcurrent: 16 });
  const results: ArrayRun[] = [];
  try {
    // Warm-up: the token, the sockets, the JIT.
    const warm = flow.counts.total;
    flow.declare.receive({ payload: rows(200, "valid") });
    await flow.waitFor(warm + 200);
    for (const n of SIZES) {
      for (const kind of ["invalid", "valid"] as const) {
        const payload = rows(n, kind);
        const before = { ...flow.counts };
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        let heapPeak = heapBefore;
        const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
        // The longest gap between two ticks of a 10 ms timer, the last one (up to the end) included.
        let lastTick = performance.now();
        let maxStall = 0;
        const ticker = setInterval(() => {
          const now = performance.now();
          maxStall = Math.max(maxStall, now - lastTick - 10);
          lastTick = now;
        }, 10);
        const t0 = performance.now();
        flow.declare.receive({ payload });
        await flow.waitFor(before.total + n);
        const ms = performance.now() - t0;
        maxStall = Math.max(maxStall, performance.now() - lastTick - 10);
        clearInterval(ticker);
        clearInterval(sampler);
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
        results.push({
          rows: n,
          kind,
          seconds: round(ms / 1000, 3),
          rowsPerSecond: round((n * 1000) / ms, 0),
          maxEventLoopStallMs: round(Math.max(0, maxStall), 1),
          heapGrowthMB: round((heapPeak - heapBefore) / MB, 1),
          success: flow.counts.success - before.success,
          anomaly: flow.counts.anomaly - before.anomaly,
          error: flow.counts.error - before.error,
        });
      }
    }
  } finally {
    await flow.unload();
  }
  return results;
}

export function arraysTable(runs: ArrayRun[]): string {
  const lines = [
    "array payloads (one message, one part per row; embedded Node-RED, maxConcurrent 16):",
    "   rows | kind    |   rows/s | seconds | max event-loop stall ms | heap growth MB | success/anomaly/error",
  ];
  for (const r of runs) {
    lines.push(
      [
        String(r.rows).padStart(7),
        r.kind.padEnd(7),
        String(r.rowsPerSecond).padStart(8),
        String(r.seconds).padStart(7),
        String(r.maxEventLoopStallMs).padStart(23),
        String(r.heapGrowthMB).padStart(14),
        `${r.success}/${r.anomaly}/${r.error}`,
      ].join(" | "),
    );
  }
  return lines.join("\n");
}
