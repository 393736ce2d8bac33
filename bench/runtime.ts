/**
 * An embedded Node-RED runtime for the benchmark: the real `node-red` package started in this process on a temporary
 * user directory, with this package installed the way the palette installs it (a link in node_modules), admin and HTTP
 * nodes off. node-red-node-test-helper is not used: it wraps every Node method in a sinon spy that records each call,
 * which costs CPU and memory per message that a real runtime does not have.
 *
 * The flow: fla-config, one fla-declare node, a Catch node for its errors, and a tiny counter node (written to a
 * nodesDir here) on both outputs and the Catch node.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Node } from "node-red";
import type { FlaConfigNode } from "../src/nodes/shared/types";
import type { SimulatorInfo } from "./simulatorProcess";

const PROJECT_ROOT = resolve(__dirname, "..", "..");

export interface Credentials {
  pfx: string;
  passphrase: string;
}

export interface BenchFlow {
  declare: Node;
  connection: FlaConfigNode["connection"];
  /** The config node's outbox: declarations wait there (on disk, in the bench's user directory). */
  outbox: FlaConfigNode["outbox"];
  /** Messages that left the declare node (success, anomaly or caught) since the flow was deployed. */
  counts: { success: number; anomaly: number; error: number; total: number };
  /** Resolves when `total` messages have left in all. */
  waitFor(total: number): Promise<void>;
  unload(): Promise<void>;
}

export interface Red {
  init(server: unknown, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): unknown };
  runtime: {
    flows: {
      setFlows(opts: {
        flows: { flows: unknown[]; credentials?: Record<string, unknown> };
        deploymentType?: string;
      }): Promise<unknown>;
    };
  };
}

type Counter = (output: "success" | "anomaly" | "error") => void;
const globalCounter = globalThis as unknown as { __flaBenchCount?: Counter };

const COUNTER_JS = `module.exports = function (RED) {
  function Counter(config) {
    RED.nodes.createNode(this, config);
    const output = config.output;
    this.on("input", (msg, send, done) => { globalThis.__flaBenchCount?.(output); done(); });
  }
  RED.nodes.registerType("bench-counter", Counter);
};
`;
const COUNTER_HTML = `<script type="text/javascript">RED.nodes.registerType("bench-counter", { category: "function", defaults: { output: { value: "" } }, inputs: 1, outputs: 0 });</script>`;

let red: Red | undefined;
let userDir: string | undefined;

export async function startRuntime(): Promise<Red> {
  if (red) return red;
  userDir = mkdtempSync(join(tmpdir(), "fla-bench-"));
  process.once("exit", () => rmSync(userDir!, { recursive: true, force: true }));
  mkdirSync(join(userDir, "node_modules"));
  symlinkSync(PROJECT_ROOT, join(userDir, "node_modules", "node-red-contrib-careerpro-fla"), "dir");
  writeFileSync(
    join(userDir, "package.json"),
    JSON.stringify({ name: "fla-bench", private: true, dependencies: { "node-red-contrib-careerpro-fla": "*" } }),
  );
  const nodesDir = join(userDir, "bench-nodes");
  mkdirSync(nodesDir);
  writeFileSync(join(nodesDir, "bench-counter.js"), COUNTER_JS);
  writeFileSync(join(nodesDir, "bench-counter.html"), COUNTER_HTML);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require("node-red") as Red;
  RED.init(createServer(), {
    userDir,
    nodesDir,
    flowFile: "flows.json",
    credentialSecret: "fla-bench",
    httpAdminRoot: false,
    httpNodeRoot: false,
    logging: { console: { level: "warn", metrics: false, audit: false } },
    editorTheme: { tours: false },
  });
  await RED.start();
  // start() answers before the (empty) flow file is loaded; a deploy before that would lose its credentials.
  await new Promise((r) => setTimeout(r, 1_000));
  red = RED;
  return RED;
}

export async function loadFlow(
  sim: SimulatorInfo,
  credentials: Credentials,
  limits: { maxConcurrent: number; maxQueue?: number },
): Promise<BenchFlow> {
  const RED = await startRuntime();
  const counter = (id: string, output: string, y: number) => ({
    id,
    type: "bench-counter",
    z: "tab",
    x: 300,
    y,
    output,
    wires: [],
  });
  const flow = [
    { id: "tab", type: "tab", label: "bench" },
    {
      id: "cfg",
      type: "fla-config",
      name: "bench config",
      environment: "custom",
      tokenUrl: sim.tokenUrl,
      audience: sim.tokenUrl,
      apiUrl: sim.apiUrl,
      clientId: sim.clientId,
      role: sim.role,
      enterpriseNumber: sim.enterpriseNumber,
      certificateFormat: "pfx",
      timeout: 30,
      maxConcurrent: limits.maxConcurrent,
      maxQueue: limits.maxQueue ?? 10_000,
    },
    {
      id: "declare",
      type: "fla-declare",
      z: "tab",
      x: 100,
      y: 100,
      config: "cfg",
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 60,
      wires: [["success"], ["anomaly"]],
    },
    counter("success", "success", 80),
    counter("anomaly", "anomaly", 120),
    { id: "catch", type: "catch", z: "tab", x: 100, y: 200, scope: ["declare"], uncaught: false, wires: [["caught"]] },
    counter("caught", "error", 200),
  ];
  await RED.runtime.flows.setFlows({
    flows: { flows: flow, credentials: { cfg: credentials } },
    deploymentType: "full",
  });
  // setFlows answers before the nodes have started.
  for (let i = 0; i < 500 && !RED.nodes.getNode("declare"); i++) await new Promise((r) => setTimeout(r, 10));
  const counts = { success: 0, anomaly: 0, error: 0, total: 0 };
  let waiter: { total: number; resolve: () => void } | undefined;
  globalCounter.__flaBenchCount = (output) => {
    counts[output]++;
    counts.total++;
    if (waiter && counts.total >= waiter.total) {
      const w = waiter;
      waiter = undefined;
      w.resolve();
    }
  };
  const declare = RED.nodes.getNode("declare") as Node | null;
  const config = RED.nodes.getNode("cfg") as FlaConfigNode | null;
  if (!declare || !config) throw new Error("the benchmark flow did not start: is the package built (npm run build)?");
  return {
    declare,
    connection: config.connection,
    outbox: config.outbox,
    counts,
    waitFor: (total) =>
      new Promise<void>((done) => {
        if (counts.total >= total) return done();
        waiter = { total, resolve: done };
      }),
    unload: async () => {
      await RED.runtime.flows.setFlows({ flows: { flows: [] }, deploymentType: "full" });
    },
  };
}

/** Stops the embedded runtime (end of the benchmark). */
export async function stopRuntime(): Promise<void> {
  await red?.stop();
  red = undefined;
}
