/**
 * `npm run bench`: figures, not assertions. Prints a table and writes bench/results.json.
 *
 * - throughput: N declarations through a Node-RED runtime (node-red-node-test-helper's flow engine with our nodes) and
 *   through a raw axios loop (same bodies, same token, same concurrency, keep-alive agent) against one simulator, in a
 *   child process so that its CPU is not ours; at maxConcurrent 4, 16 and 64.
 * - CPU of our code per message: process.cpuUsage() of this process over the node run minus over the raw run, per message.
 * - token requests per run and for 1,000 concurrent getAccessToken(); .pfx load time; RSS with 10,000 messages queued.
 *
 * BENCH_MESSAGES (default 5000), BENCH_ROUNDS (default 5: raw and node runs interleaved, medians kept) and BENCH_CONCURRENCY (default "4,16,64")
 * change the runs; BENCH_ONLY=declarations runs the declarations alone, BENCH_ONLY=memory the memory probe alone, BENCH_ONLY=arrays the array payloads alone (bench/arrays.ts;
 * results.json untouched), BENCH_ONLY=export the export benchmark alone (bench/export.ts; its entry of results.json only),
 * BENCH_ONLY=outbox the outbox alone (bench/outbox.ts: group commit, RSS for 100,000 queued declarations, resume time;
 * results.json untouched). The declarations go through the config node's outbox (on disk in the runtime's user
 * directory), as in a Node-RED with a user directory; profile with `node --cpu-prof dist/bench/run.js`.
 */
import { fork } from "node:child_process";
import http from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import axios, { type AxiosInstance } from "axios";
import { loadCertificate } from "../src/core/certificate";
import { FlaConnection } from "../src/core/connection";
import { getTestCertificatesSync, type PfxFile } from "../test/support/certificates";
import { loadTraining } from "../test/load/support";
import { arrays, arraysTable } from "./arrays";
import { exportBench, exportOnly, printExportTable } from "./export";
import { cpuMicros, gc, median, round } from "./measure";
import type { MemoryFigures } from "./memoryProbe";
import { outboxFigures } from "./outbox";
import { loadFlow, stopRuntime, type BenchFlow, type Credentials } from "./runtime";
import { SimulatorChild } from "./simulatorClient";
import type { SimulatorInfo } from "./simulatorProcess";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? "4,16,64").split(",").map(Number);
const QUEUED = 10_000;
const RESULTS = join(__dirname, "..", "..", "bench", "results.json");

let sequence = 0;
/** Declarations never seen before (a new externalReference and title each): every run makes real records. */
function declarations(n: number, tag: string): Array<Record<string, unknown>> {
  return Array.from({ length: n }, () => {
    const i = sequence++;
    return loadTraining(i, `B-${tag}-${i}`);
  });
}

interface Run {
  seconds: number;
  msgPerSecond: number;
  cpuMicrosPerMessage: number;
  ok: number;
  failed: number;
}

function runFigures(n: number, ms: number, cpu: number, ok: number): Run {
  return {
    seconds: round(ms / 1000, 3),
    msgPerSecond: round((n * 1000) / ms, 0),
    cpuMicrosPerMessage: round(cpu / n, 0),
    ok,
    failed: n - ok,
  };
}

async function nodeRun(flow: BenchFlow, n: number): Promise<Run> {
  const messages = declarations(n, "node").map((payload) => ({ payload }));
  const before = { ...flow.counts };
  gc();
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  for (const msg of messages) flow.declare.receive(msg);
  await flow.waitFor(before.total + n);
  const ms = performance.now() - t0;
  const cpu = cpuMicros() - cpu0;
  return runFigures(n, ms, cpu, flow.counts.success - before.success);
}

async function rawRun(http: AxiosInstance, token: string, n: number, concurrency: number): Promise<Run> {
  const bodies = declarations(n, "raw");
  let next = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await http.post<string>("/trainings", JSON.stringify(body), {
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      });
      // Any client reads the answer: parse it as ours does.
      JSON.parse(res.data);
      if (res.status === 201) ok++;
    }
  };
  gc();
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const cpu = cpuMicros() - cpu0;
  return runFigures(n, ms, cpu, ok);
}

function rawClient(apiUrl: string): AxiosInstance {
  // Configured as our client's axios instance is (src/core/api/httpClient.ts), so that the ratio measures our code and
  // not axios settings: keep-alive agent with the same defaults (maxSockets unlimited: the concurrency bounds the
  // sockets on both sides), the same timeout (a timer per request), text in and out without axios's JSON re-parse,
  // no redirects, no proxy lookup, the same headers.
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

/** The run with the median throughput: on a shared 2-core machine the best run rewards the luckier outlier. */
function medianRun(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.msgPerSecond - b.msgPerSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

async function throughput(sim: SimulatorInfo, credentials: Credentials, child: SimulatorChild) {
  const rows = [];
  for (const concurrency of CONCURRENCIES) {
    const flow = await loadFlow(sim, credentials, { maxConcurrent: concurrency, maxQueue: Math.max(QUEUED, MESSAGES) });
    const raw = rawClient(sim.apiUrl);
    const simBefore = await child.stats();
    await nodeRun(flow, 300); // warm-up: token, sockets, JIT
    const token = await flow.connection.getAccessToken();
    await rawRun(raw, token, 300, concurrency);
    const nodeRuns: Run[] = [];
    const rawRuns: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawRuns.push(await rawRun(raw, token, MESSAGES, concurrency));
      nodeRuns.push(await nodeRun(flow, MESSAGES));
    }
    const simAfter = await child.stats();
    const node = medianRun(nodeRuns);
    const rawMedian = medianRun(rawRuns);
    // Each round runs raw then node back to back, so their ratio shares the machine's load of that moment.
    const ratio = median(nodeRuns.map((r, i) => r.msgPerSecond / rawRuns[i].msgPerSecond));
    // CPU of our code: the node run's CPU in this process minus the raw run's, per message (median over the rounds).
    const ourCpu = median(nodeRuns.map((r, i) => r.cpuMicrosPerMessage - rawRuns[i].cpuMicrosPerMessage));
    rows.push({
      concurrency,
      node,
      raw: rawMedian,
      ratio: round(ratio, 3),
      ourCpuMicrosPerMessage: round(ourCpu, 0),
      tokenRequests: flow.connection.tokenStats?.tokenRequests ?? 0,
      simulatorTokenRequests: simAfter.tokenRequests - simBefore.tokenRequests,
      simulatorCpuMicrosPerRequest: round(
        (simAfter.cpuMicros - simBefore.cpuMicros) / (simAfter.requests - simBefore.requests),
        0,
      ),
      rounds: { node: nodeRuns.map((r) => r.msgPerSecond), raw: rawRuns.map((r) => r.msgPerSecond) },
    });
    await flow.unload();
  }
  return rows;
}

async function concurrentTokens(sim: SimulatorInfo, credentials: Credentials, child: SimulatorChild) {
  const connection = FlaConnection.open(
    {
      environment: "custom",
      tokenUrl: sim.tokenUrl,
      audience: sim.tokenUrl,
      apiUrl: sim.apiUrl,
      clientId: sim.clientId,
      role: sim.role,
      certificateFormat: "pfx",
    },
    credentials,
  );
  const before = (await child.stats()).tokenRequests;
  const tokens = await Promise.all(Array.from({ length: 1_000 }, () => connection.getAccessToken()));
  const after = (await child.stats()).tokenRequests;
  await connection.close();
  return {
    calls: 1_000,
    distinctTokens: new Set(tokens).size,
    tokenRequests: connection.tokenStats?.tokenRequests ?? 0,
    simulatorTokenRequests: after - before,
  };
}

function pfxLoadTimes(files: Record<string, PfxFile>, runs = 15) {
  const result: Record<string, { medianMs: number; minMs: number; runs: number }> = {};
  for (const [name, file] of Object.entries(files)) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      loadCertificate({ format: "pfx", pfx: file.base64, passphrase: file.password });
      times.push(performance.now() - t0);
    }
    result[name] = { medianMs: round(median(times), 1), minMs: round(Math.min(...times), 1), runs };
  }
  return result;
}

async function memory(sim: SimulatorInfo, credentials: Credentials, child: SimulatorChild): Promise<MemoryFigures> {
  const maxConcurrent = 4;
  const probe = fork(join(__dirname, "memoryProbe.js"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, BENCH_PROBE: JSON.stringify({ sim, credentials, messages: QUEUED, maxConcurrent }) },
  });
  const messages: unknown[] = [];
  const nextMessage = () =>
    new Promise<unknown>((resolve, reject) => {
      if (messages.length) return resolve(messages.shift());
      probe.once("message", (m) => resolve(m));
      probe.once("exit", (code) => reject(new Error(`the memory probe exited (${code})`)));
    });
  await nextMessage(); // "ready"
  // The first requests take 3 s each: meanwhile every other message waits in the queue.
  await child.fault({ route: "POST /trainings", kind: "slow", delayMs: 3_000, times: maxConcurrent });
  probe.send("go");
  const figures = (await nextMessage()) as MemoryFigures;
  await child.clear();
  return figures;
}

function printTable(results: Record<string, unknown> & { throughput: Awaited<ReturnType<typeof throughput>> }): void {
  const lines: string[] = [];
  lines.push(
    `FLA benchmark: ${MESSAGES} declarations per run, ${ROUNDS} interleaved rounds, medians (ratio: median of the per-round node/raw ratios); simulator in a child process (its CPU is not counted).`,
  );
  lines.push("");
  lines.push(
    "concurrency | node msg/s | raw msg/s | node/raw | our CPU µs/msg | node CPU µs/msg | raw CPU µs/msg | token requests",
  );
  for (const row of results.throughput) {
    lines.push(
      [
        String(row.concurrency).padStart(11),
        String(row.node.msgPerSecond).padStart(10),
        String(row.raw.msgPerSecond).padStart(9),
        row.ratio.toFixed(3).padStart(8),
        String(row.ourCpuMicrosPerMessage).padStart(14),
        String(row.node.cpuMicrosPerMessage).padStart(15),
        String(row.raw.cpuMicrosPerMessage).padStart(14),
        String(row.tokenRequests).padStart(14),
      ].join(" | "),
    );
  }
  lines.push("");
  lines.push(`1,000 concurrent getAccessToken(): ${JSON.stringify(results.concurrentTokens)}`);
  lines.push(`.pfx load (loadCertificate, median): ${JSON.stringify(results.pfxLoad)}`);
  lines.push(`10,000 messages queued: ${JSON.stringify(results.memory)}`);
  if (Array.isArray(results.arrays)) lines.push("", arraysTable(results.arrays as Awaited<ReturnType<typeof arrays>>));
  console.log(lines.join("\n"));
}

async function main(): Promise<void> {
  const certs = getTestCertificatesSync();
  const credentials: Credentials = {
    pfx: certs.pfx.openSslDefault.base64,
    passphrase: certs.pfx.openSslDefault.password,
  };
  if (process.env.BENCH_ONLY === "export") return exportOnly(certs.client.certificatePem, credentials, RESULTS);
  const { child, info } = await SimulatorChild.start(certs.client.certificatePem);
  try {
    if (process.env.BENCH_ONLY === "memory") {
      // A quick look at the memory figure alone; results.json is left as it is.
      console.log(`10,000 messages queued: ${JSON.stringify(await memory(info, credentials, child))}`);
      return;
    }
    if (process.env.BENCH_ONLY === "outbox") {
      await outboxFigures();
      return;
    }
    if (process.env.BENCH_ONLY === "declarations") {
      // The declarations through the node against the raw loop alone; results.json is left as it is.
      for (const row of await throughput(info, credentials, child)) {
        console.log(
          `concurrency ${row.concurrency}: node ${row.node.msgPerSecond} msg/s, raw ${row.raw.msgPerSecond} msg/s, node/raw ${row.ratio.toFixed(3)}, our CPU ${row.ourCpuMicrosPerMessage} µs/msg`,
        );
      }
      return;
    }
    if (process.env.BENCH_ONLY === "arrays") {
      console.log(arraysTable(await arrays(info, credentials)));
      return;
    }
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: (await import("node:os")).cpus().length,
      messages: MESSAGES,
      rounds: ROUNDS,
      simulator: "child process",
      runtime:
        "embedded Node-RED runtime (node-red package, this package linked in its userDir): fla-config + fla-declare + catch + counter nodes",
      throughput: await throughput(info, credentials, child),
      concurrentTokens: await concurrentTokens(info, credentials, child),
      pfxLoad: pfxLoadTimes({
        openSslDefault: certs.pfx.openSslDefault,
        legacy: certs.pfx.legacy,
        windows3des: certs.pfx.windows3des,
      }),
      memory: await memory(info, credentials, child),
      arrays: await arrays(info, credentials),
      export: await exportBench(certs.client.certificatePem, credentials),
      outbox: await outboxFigures(),
    };
    writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
    printTable(results);
    printExportTable(results.export);
    console.log(`\nwritten to ${RESULTS}`);
  } finally {
    await stopRuntime();
    await child.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
