/**
 * A focused run for profiling the message path: the benchmark's flow and simulator child, one concurrency, node runs
 * only (or raw only with PROFILE_RAW=1), nothing else. Run it under a profiler, e.g.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile.js
 * PROFILE_MESSAGES (default 5000), PROFILE_CONCURRENCY (default 16), PROFILE_ROUNDS (default 2).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import axios from "axios";
import { getTestCertificatesSync } from "../test/support/certificates";
import { loadTraining } from "../test/load/support";
import { cpuMicros, gc } from "./measure";
import { loadFlow, stopRuntime, type Credentials } from "./runtime";
import { SimulatorChild } from "./simulatorClient";

const MESSAGES = Number(process.env.PROFILE_MESSAGES ?? 5_000);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 2);
const RAW = process.env.PROFILE_RAW === "1";

let sequence = 0;

async function main(): Promise<void> {
  const certs = getTestCertificatesSync();
  const credentials: Credentials = {
    pfx: certs.pfx.openSslDefault.base64,
    passphrase: certs.pfx.openSslDefault.password,
  };
  const { child, info } = await SimulatorChild.start(certs.client.certificatePem);
  try {
    const flow = await loadFlow(info, credentials, {
      maxConcurrent: CONCURRENCY,
      maxQueue: Math.max(10_000, MESSAGES),
    });
    const token = await flow.connection.getAccessToken();
    const raw = axios.create({
      baseURL: info.apiUrl,
      httpAgent: new http.Agent({ keepAlive: true }),
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      proxy: false,
    });
    for (let round = 0; round <= ROUNDS; round++) {
      const n = round === 0 ? 300 : MESSAGES;
      const payloads = Array.from({ length: n }, () => {
        const i = sequence++;
        return loadTraining(i, `P-${process.pid}-${i}`);
      });
      gc();
      const cpu0 = cpuMicros();
      const t0 = performance.now();
      if (RAW) {
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < payloads.length) {
            const res = await raw.post<string>("/trainings", JSON.stringify(payloads[next++]), {
              headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            });
            JSON.parse(res.data);
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      } else {
        const before = flow.counts.total;
        for (const payload of payloads) flow.declare.receive({ payload });
        await flow.waitFor(before + n);
      }
      const ms = performance.now() - t0;
      const cpu = cpuMicros() - cpu0;
      console.log(
        `${RAW ? "raw" : "node"} round ${round}: ${n} in ${ms.toFixed(0)} ms, ${Math.round((n * 1000) / ms)} msg/s, ${Math.round(cpu / n)} µs CPU/msg`,
      );
    }
    await flow.unload();
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
