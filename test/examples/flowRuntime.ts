/**
 * Runs a whole flow (an example or the demo tab) in node-red-node-test-helper: our four nodes plus the core nodes the
 * flows use, debug nodes swapped for helper nodes whose messages a test can await, config nodes pointed at a simulator.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { SEED, startSimulator, type Simulator } from "../../src/simulator";
import { DEMO_CLIENT_ID, DEMO_IDS } from "../../scripts/demo/flow";
import type { DemoSetup } from "../../scripts/demo/setup";

export type FlowNode = { id: string; type: string } & Record<string, unknown>;
export type Msg = Record<string, unknown> & { payload?: unknown };

interface HelperNode {
  on(event: "input", listener: (msg: Msg) => void): void;
  receive(msg: Msg): void;
}

export interface TestHelper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  load(nodes: unknown[], flow: FlowNode[], credentials?: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  getNode(id: string): HelperNode | null;
}

/** Node-RED node files are CommonJS modules loaded by path (they have no types). */
const load = createRequire(__filename);

export const helper = load("node-red-node-test-helper") as TestHelper;
helper.init(require.resolve("node-red"));

export const PROJECT_DIR = resolve(__dirname, "..", "..", "..");
export const EXAMPLES_DIR = join(PROJECT_DIR, "examples");

const core = (file: string): unknown => load(join(PROJECT_DIR, "node_modules", "@node-red", "nodes", "core", file));

/** The HTTP app of `http in` nodes: the helper does not serve it, so a test node captures it for a real server. */
let httpNodeApp: ((req: unknown, res: unknown) => void) | undefined;
function captureHttpNode(RED: { httpNode: (req: unknown, res: unknown) => void }): void {
  httpNodeApp = RED.httpNode;
}

export const NODE_MODULES: unknown[] = [
  load(join(PROJECT_DIR, "nodes", "fla-config.js")),
  load(join(PROJECT_DIR, "nodes", "fla-declare.js")),
  load(join(PROJECT_DIR, "nodes", "fla-query.js")),
  load(join(PROJECT_DIR, "nodes", "fla-export.js")),
  core("common/20-inject.js"),
  core("common/90-comment.js"),
  core("function/10-function.js"),
  core("function/15-change.js"),
  core("function/80-template.js"),
  core("parsers/70-CSV.js"),
  core("storage/10-file.js"),
  core("network/21-httpin.js"),
  captureHttpNode,
];

export function readExample(name: string): FlowNode[] {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, `${name}.json`), "utf8")) as FlowNode[];
}

/** Every debug node becomes a helper node with the same id (the helper runtime has no editor to send debug messages to). */
export function debugToHelper(flow: FlowNode[]): FlowNode[] {
  return flow.map((node) =>
    node.type === "debug" ? { id: node.id, type: "helper", z: node.z, name: node.name, wires: [] } : node,
  );
}

/** Points every fla-config node at the simulator, as a user would with the "custom" environment. */
export function pointConfigsAt(flow: FlowNode[], simulator: Simulator, clientId: string): FlowNode[] {
  return flow.map((node) =>
    node.type === "fla-config"
      ? {
          ...node,
          environment: "custom",
          tokenUrl: simulator.tokenUrl,
          audience: simulator.tokenUrl,
          apiUrl: simulator.apiUrl,
          clientId,
        }
      : node,
  );
}

export function node(flow: FlowNode[], id: string): FlowNode {
  const found = flow.find((n) => n.id === id);
  if (!found) throw new Error(`The flow has no node ${id}`);
  return found;
}

export function configIdOf(flow: FlowNode[]): string {
  const configs = flow.filter((n) => n.type === "fla-config");
  if (configs.length !== 1) throw new Error(`Expected one fla-config node, found ${configs.length}`);
  return configs[0].id;
}

export interface Collector {
  messages: Msg[];
  /** Resolves with the first `count` messages once they arrived; fails after a generous deadline, naming what came. */
  waitFor(count: number, deadlineMs?: number): Promise<Msg[]>;
}

export function collect(id: string): Collector {
  const target = helper.getNode(id);
  if (!target) throw new Error(`No node ${id} in the running flow`);
  const messages: Msg[] = [];
  const waiters: Array<() => void> = [];
  target.on("input", (msg) => {
    messages.push(msg);
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    messages,
    waitFor(count, deadlineMs = 15_000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${id}: ${messages.length} of ${count} messages arrived: ${JSON.stringify(messages).slice(0, 800)}`,
              ),
            ),
          deadlineMs,
        );
        const check = (): void => {
          if (messages.length >= count) {
            clearTimeout(timer);
            resolvePromise(messages.slice(0, count));
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
  };
}

/** Wires a helper node after `id`'s first output (e.g. a file node passes each message on once written). */
export function tapAfter(flow: FlowNode[], id: string, tapId: string): FlowNode[] {
  return [
    ...flow.map((n) => (n.id === id ? { ...n, wires: [[tapId]] } : n)),
    { id: tapId, type: "helper", z: node(flow, id).z, wires: [] },
  ];
}

/** Clicks an inject node: it sends its configured message. */
export function click(id: string): void {
  const inject = helper.getNode(id);
  if (!inject) throw new Error(`No inject node ${id} in the running flow`);
  inject.receive({});
}

/** A real HTTP server on 127.0.0.1 (port 0) for the `http in` nodes of the loaded flow. */
export async function serveHttpNodes(): Promise<{ url: string; server: Server }> {
  const app = httpNodeApp;
  if (!app) throw new Error("The flow's http in nodes are not loaded");
  const server = createServer((req, res) => app(req, res));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Starts a simulator that knows the demo's client, then loads the demo flow into the helper runtime, pointed at it. */
export async function loadDemoFlow(setup: DemoSetup): Promise<Simulator> {
  const simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  simulator.registerClient({
    clientId: DEMO_CLIENT_ID,
    certificatePem: setup.certificate.certificatePem,
    role: "employer",
    enterpriseNumber: SEED.demoEmployer,
  });
  await helper.startServer();
  const flow: FlowNode[] = setup.demoFlow.map(({ credentials: _credentials, ...n }) => n as FlowNode);
  const credentials = { [DEMO_IDS.config]: setup.demoFlow.find((n) => n.id === DEMO_IDS.config)!.credentials };
  await helper.load(NODE_MODULES, pointConfigsAt(debugToHelper(flow), simulator, DEMO_CLIENT_ID), credentials);
  return simulator;
}

export async function unloadDemoFlow(simulator: Simulator | undefined): Promise<void> {
  await helper.unload();
  await helper.stopServer();
  await simulator?.stop();
}
