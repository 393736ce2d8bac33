/** Loads our three nodes into node-red-node-test-helper's real runtime, with a config node pointed at a test simulator. */
import helper from "node-red-node-test-helper";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, type TestClientOptions, type TestSimulator } from "../support/simulator";
import type { SimulatorOptions } from "../../src/simulator";

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const configNode = require("../../../nodes/fla-config.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const declareNode = require("../../../nodes/fla-declare.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const queryNode = require("../../../nodes/fla-query.js");

helper.init(require.resolve("node-red"));

export { helper };

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface ConfigOverrides {
  [key: string]: unknown;
}

export function configFlowNode(
  sim: { tokenUrl: string; apiUrl: string; client: { clientId: string; role: string; enterpriseNumber: string } },
  overrides: ConfigOverrides = {},
): FlowNode {
  return {
    id: "cfg",
    type: "fla-config",
    name: "test config",
    environment: "custom",
    tokenUrl: sim.tokenUrl,
    audience: sim.tokenUrl,
    apiUrl: sim.apiUrl,
    clientId: sim.client.clientId,
    role: sim.client.role,
    enterpriseNumber: sim.client.role === "employer" ? sim.client.enterpriseNumber : "",
    certificateFormat: "pfx",
    timeout: 5,
    ...overrides,
  };
}

export function pfxCredentials(certs: TestCertificates): Record<string, string> {
  return { pfx: certs.pfx.openSslDefault.base64, passphrase: certs.pfx.openSslDefault.password };
}

export interface NodeTestContext {
  certs: TestCertificates;
  sim: TestSimulator;
}

export async function startContext(
  client: TestClientOptions = {},
  options: SimulatorOptions = {},
): Promise<NodeTestContext> {
  const certs = await getTestCertificates();
  const sim = await startTestSimulator(certs.client.certificatePem, client, options);
  return { certs, sim };
}

export function load(
  nodes: unknown[],
  flow: FlowNode[],
  credentials: Record<string, Record<string, string>>,
): Promise<void> {
  // Without a callback the helper rejects when the flow fails to start (with one, that error went to the callback).
  return helper.load(nodes, flow, credentials);
}

export type AnyMsg = Record<string, unknown> & {
  payload?: unknown;
  fla?: Record<string, unknown> & { status?: string; anomalies?: Array<Record<string, unknown>>; attempts?: number };
  error?: { code?: string; message?: string };
  parts?: { id: string; index: number; count?: number };
};

/** Collects what leaves the node under test: its two outputs (through helper nodes) and the errors a Catch node would get. */
export class Outputs {
  success: AnyMsg[] = [];
  anomaly: AnyMsg[] = [];
  errors: AnyMsg[] = [];
  private waiters: Array<() => void> = [];

  constructor(nodeId: string, successId = "success", anomalyId = "anomaly", catchId = "caught") {
    const push = (list: AnyMsg[]) => (msg: AnyMsg) => {
      list.push(msg);
      this.waiters.forEach((w) => w());
    };
    helper.getNode(successId).on("input", push(this.success));
    helper.getNode(anomalyId).on("input", push(this.anomaly));
    helper.getNode(catchId).on("input", push(this.errors));
    void nodeId;
  }

  get total(): number {
    return this.success.length + this.anomaly.length + this.errors.length;
  }

  /** Resolves when `count` messages have left in all; rejects after `timeoutMs` with what arrived. */
  waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.total >= count) {
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `expected ${count} messages, got success ${this.success.length}, anomaly ${this.anomaly.length}, errors ${this.errors.length}: ${JSON.stringify(this.errors.map((e) => e.error))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push(check);
      check();
    });
  }
}

/** A flow: config node, the node under test wired to two helper nodes, and a catch node for its errors. */
export function wiredFlow(config: FlowNode, node: FlowNode): FlowNode[] {
  return [
    { id: "tab", type: "tab", label: "test" },
    { ...config, z: undefined },
    // Flow nodes need x and y: without them Node-RED 4 takes a node for a config node.
    { ...node, z: "tab", x: 100, y: 100, config: config.id, wires: [["success"], ["anomaly"]] },
    { id: "success", type: "helper", z: "tab", x: 300, y: 80 },
    { id: "anomaly", type: "helper", z: "tab", x: 300, y: 120 },
    { id: "catch", type: "catch", z: "tab", x: 100, y: 200, scope: [node.id], uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "tab", x: 300, y: 200 },
  ];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const catchNode = require("@node-red/nodes/core/common/25-catch.js");
