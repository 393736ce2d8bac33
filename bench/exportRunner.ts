/**
 * How the export benchmark runs an export: through the fla-export node in the embedded Node-RED runtime of
 * runtime.ts (the default: what users run, status updates and all), or through the core's runExport with a
 * FlaConnection as the config node builds it (BENCH_EXPORT_VIA=core). Either way: the config node's token cache,
 * request limiter and API client, against the simulator given.
 */
import { FlaConnection } from "../src/core/connection";
import { readManifest, runExport, type CollectionName, type Manifest } from "../src/core/export";
import { startRuntime, type Credentials } from "./runtime";
import type { SimulatorInfo } from "./simulatorProcess";

export type ExportVia = "node" | "core";

export interface ExportChoice {
  collections: CollectionName[];
  csv: boolean;
}

export interface ExportRunner {
  via: ExportVia;
  /** The same access token the runner uses, for the raw loop. */
  token(): Promise<string>;
  /** Exports `employers` into `folder` (a new, absolute folder); resolves with the manifest once the run has ended. */
  run(employers: string[], folder: string): Promise<Manifest>;
  close(): Promise<void>;
}

export function exportVia(): ExportVia {
  const via = process.env.BENCH_EXPORT_VIA ?? "node";
  if (via !== "node" && via !== "core") throw new Error(`BENCH_EXPORT_VIA must be node or core, not "${via}"`);
  return via;
}

const TO_YEAR = new Date().getFullYear();

function connectionConfig(sim: SimulatorInfo) {
  return {
    environment: "custom",
    tokenUrl: sim.tokenUrl,
    audience: sim.tokenUrl,
    apiUrl: sim.apiUrl,
    clientId: sim.clientId,
    role: sim.role,
    enterpriseNumber: sim.enterpriseNumber,
    certificateFormat: "pfx",
  };
}

function coreRunner(sim: SimulatorInfo, credentials: Credentials, choice: ExportChoice): ExportRunner {
  const connection = FlaConnection.open(connectionConfig(sim), credentials);
  return {
    via: "core",
    token: () => connection.getAccessToken(),
    run: (employers, folder) =>
      runExport(
        {
          folder,
          employers,
          collections: choice.collections,
          fromYear: 2024,
          toYear: TO_YEAR,
          csv: choice.csv,
          xlsx: false,
          restart: false,
        },
        // Pages read ahead as the fla-export node reads them: up to the config's maxConcurrent.
        {
          client: connection.requireClient(),
          packageId: "fla-bench@0",
          readConcurrency: connection.limiter.maxConcurrent,
        },
      ),
    close: () => connection.close(),
  };
}

type Outcome = "success" | "anomaly" | "error";
const globalCounter = globalThis as unknown as { __flaBenchCount?: (output: Outcome) => void };

/** fla-config + fla-export, its done output, refused output and a Catch node each on a bench-counter (runtime.ts). */
async function nodeRunner(sim: SimulatorInfo, credentials: Credentials, choice: ExportChoice): Promise<ExportRunner> {
  const RED = await startRuntime();
  const counter = (id: string, output: Outcome, y: number) => ({
    id,
    type: "bench-counter",
    z: "tab",
    x: 300,
    y,
    output,
    wires: [],
  });
  const flow = [
    { id: "tab", type: "tab", label: "export bench" },
    { id: "cfg", type: "fla-config", name: "bench config", ...connectionConfig(sim), timeout: 30 },
    {
      id: "export",
      type: "fla-export",
      z: "tab",
      x: 100,
      y: 100,
      config: "cfg",
      trainings: choice.collections.includes("trainings"),
      trainingRights: choice.collections.includes("trainingRights"),
      trainingCredits: choice.collections.includes("trainingCredits"),
      fromYear: "2024",
      toYear: String(TO_YEAR),
      csv: choice.csv,
      xlsx: false,
      wires: [["done"], ["refused"]],
    },
    counter("done", "success", 80),
    counter("refused", "anomaly", 120),
    { id: "catch", type: "catch", z: "tab", x: 100, y: 200, scope: ["export"], uncaught: false, wires: [["caught"]] },
    counter("caught", "error", 200),
  ];
  await RED.runtime.flows.setFlows({
    flows: { flows: flow, credentials: { cfg: credentials } },
    deploymentType: "full",
  });
  for (let i = 0; i < 500 && !RED.nodes.getNode("export"); i++) await new Promise((r) => setTimeout(r, 10));
  const node = RED.nodes.getNode("export") as { receive(msg: unknown): void } | null;
  const config = RED.nodes.getNode("cfg") as { connection?: FlaConnection } | null;
  if (!node || !config?.connection)
    throw new Error(
      "the export benchmark flow did not start: is the package built (npm run build) and fla-export in package.json?",
    );
  let waiter: ((outcome: Outcome) => void) | undefined;
  globalCounter.__flaBenchCount = (outcome) => waiter?.(outcome);
  return {
    via: "node",
    token: () => config.connection!.getAccessToken(),
    run: async (employers, folder) => {
      const outcome = await new Promise<Outcome>((resolve) => {
        waiter = (o) => {
          // Refusals (output 2) come before the done message; a provider with every mandate gets none.
          if (o !== "anomaly") resolve(o);
        };
        node.receive({ payload: employers, folder });
      });
      waiter = undefined;
      const manifest = await readManifest(folder);
      if (outcome === "error" || !manifest)
        throw new Error(`the fla-export node failed: ${JSON.stringify(manifest?.error ?? null)}`);
      return manifest;
    },
    close: async () => {
      await RED.runtime.flows.setFlows({ flows: { flows: [] }, deploymentType: "full" });
    },
  };
}

export function exportRunner(
  via: ExportVia,
  sim: SimulatorInfo,
  credentials: Credentials,
  choice: ExportChoice,
): Promise<ExportRunner> {
  return via === "node" ? nodeRunner(sim, credentials, choice) : Promise.resolve(coreRunner(sim, credentials, choice));
}

/** Records the manifest says were written, every collection of every employer. */
export function recordsOf(manifest: Manifest, collections: CollectionName[]): number {
  let records = 0;
  for (const state of Object.values(manifest.employers)) for (const c of collections) records += state[c]?.written ?? 0;
  return records;
}
