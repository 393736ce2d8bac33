/**
 * fla-declare nodes inside subflow instances, in a real Node-RED process. The outbox keys its journal by the id of the
 * node that accepted a declaration; inside a subflow instance Node-RED gives a node the id
 * `<instance id>-<node id in the subflow template>` (runtime/lib/flows/Subflow.js, createNodeInSubflow, in 3.1, 4.1
 * and 5.0 alike): the same at every deploy and start. This test holds Node-RED to it: declarations queued through two
 * instances of one subflow while the API is down survive a full deploy and a restart, then are each declared once and
 * their outcome reaches the flow inside the right instance, not the orphans file.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SEED } from "../../src/simulator";
import { startContext, type NodeTestContext } from "../nodes/fixture";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { loadTraining, waitUntil } from "./support";

interface Outcome {
  ref: string;
  instance: string;
  output: "success" | "anomaly" | "error";
  status?: string;
  code?: string;
  resumed?: boolean;
}

const EXTRA_SETTINGS = `functionGlobalContext: { fs: require("fs") },`;
const POST = "POST /trainings";
const PER_INSTANCE = 5;

/** A function node inside the subflow that writes what the flow is told, with the instance's name (env). */
function recorder(file: string, output: Outcome["output"]): string {
  return `global.get("fs").appendFileSync(${JSON.stringify(file)}, JSON.stringify({ ref: msg.ref, instance: env.get("INSTANCE"), output: ${JSON.stringify(output)}, status: msg.fla && msg.fla.status, code: msg.error && msg.error.code, resumed: msg.fla && msg.fla.resumed }) + "\\n"); return null;`;
}

function subflowFlow(ctx: NodeTestContext, outcomesFile: string): unknown[] {
  return [
    { id: "tab", type: "tab", label: "subflows" },
    {
      id: "cfg",
      type: "fla-config",
      name: "FLA",
      environment: "custom",
      tokenUrl: ctx.sim.tokenUrl,
      audience: ctx.sim.tokenUrl,
      apiUrl: ctx.sim.apiUrl,
      clientId: ctx.sim.client.clientId,
      role: "employer",
      enterpriseNumber: SEED.demoEmployer,
      certificateFormat: "pfx",
      timeout: 10,
      maxConcurrent: 4,
      // Probes every second or two once the API is back: the test does not wait for long backoffs.
      maxBackoff: 2,
      credentials: { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.pfx.openSslDefault.password },
    },
    {
      id: "sub",
      type: "subflow",
      name: "Declare a training",
      info: "",
      in: [{ x: 40, y: 80, wires: [{ id: "sdeclare" }] }],
      out: [],
      env: [{ name: "INSTANCE", type: "str", value: "" }],
    },
    {
      id: "sdeclare",
      type: "fla-declare",
      z: "sub",
      x: 200,
      y: 80,
      config: "cfg",
      operation: "createTraining",
      waitForResult: false,
      pollTimeout: 5,
      wires: [["sok"], ["sbad"]],
    },
    {
      id: "sok",
      type: "function",
      z: "sub",
      x: 400,
      y: 40,
      outputs: 1,
      func: recorder(outcomesFile, "success"),
      wires: [[]],
    },
    {
      id: "sbad",
      type: "function",
      z: "sub",
      x: 400,
      y: 80,
      outputs: 1,
      func: recorder(outcomesFile, "anomaly"),
      wires: [[]],
    },
    { id: "scatch", type: "catch", z: "sub", x: 200, y: 160, scope: null, uncaught: false, wires: [["sfailed"]] },
    {
      id: "sfailed",
      type: "function",
      z: "sub",
      x: 400,
      y: 160,
      outputs: 1,
      func: recorder(outcomesFile, "error"),
      wires: [[]],
    },
    {
      id: "in",
      type: "http in",
      z: "tab",
      x: 100,
      y: 100,
      url: "/feed",
      method: "post",
      upload: false,
      wires: [["split"]],
    },
    {
      id: "split",
      type: "function",
      z: "tab",
      x: 300,
      y: 100,
      outputs: 3,
      func: "for (const item of msg.payload) node.send(item.instance === 'A' ? [{ payload: item.payload, ref: item.ref }, null, null] : [null, { payload: item.payload, ref: item.ref }, null]); return [null, null, { req: msg.req, res: msg.res, payload: { fed: msg.payload.length } }];",
      wires: [["instA"], ["instB"], ["answer"]],
    },
    {
      id: "instA",
      type: "subflow:sub",
      z: "tab",
      x: 500,
      y: 60,
      env: [{ name: "INSTANCE", type: "str", value: "A" }],
      wires: [],
    },
    {
      id: "instB",
      type: "subflow:sub",
      z: "tab",
      x: 500,
      y: 140,
      env: [{ name: "INSTANCE", type: "str", value: "B" }],
      wires: [],
    },
    { id: "answer", type: "http response", z: "tab", x: 500, y: 220, statusCode: "", headers: {}, wires: [] },
  ];
}

async function deploy(red: NodeRedProcess, flow: unknown[]): Promise<void> {
  const res = await fetch(`${red.url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(flow),
  });
  assert.equal(res.status, 204, await res.text());
}

async function feed(
  red: NodeRedProcess,
  items: Array<{ ref: string; instance: string; payload: unknown }>,
): Promise<void> {
  const body = JSON.stringify(items);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${red.url}/feed`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    // The flows start a moment after the deploy answered.
    if (res.status === 404 && attempt < 100) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    assert.equal(res.status, 200, await res.text());
    return;
  }
}

function readOutcomes(file: string): Outcome[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.endsWith("}"))
    .map((line) => JSON.parse(line) as Outcome);
}

describe("load: fla-declare inside subflow instances, across a full deploy and a restart (real Node-RED)", function () {
  this.timeout(180_000);
  let ctx: NodeTestContext;
  let red: NodeRedProcess | undefined;
  let userDir: string | undefined;

  before(async () => {
    ctx = await startContext();
  });
  after(async () => {
    await red?.stop();
    await ctx.sim.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it("queued while the API is down, each is declared once after it is back, its outcome in its own instance; no orphan", async () => {
    red = await startNodeRed({ extraSettings: EXTRA_SETTINGS });
    userDir = red.userDir;
    const outcomesFile = join(userDir, "outcomes.jsonl");
    const journal = join(userDir, "fla-outbox", "cfg.journal");
    const orphans = join(userDir, "fla-outbox", "cfg.orphans.jsonl");
    const flow = subflowFlow(ctx, outcomesFile);
    await deploy(red, flow);

    ctx.sim.faults.add({ route: POST, kind: "status", status: 503 });
    const prefix = `SUBFLOW-${process.pid}-`;
    const items = ["A", "B"].flatMap((instance) =>
      Array.from({ length: PER_INSTANCE }, (_, i) => {
        const ref = `${prefix}${instance}${i}`;
        return { ref, instance, payload: loadTraining(i, ref) };
      }),
    );
    await feed(red, items);
    await waitUntil(
      () => existsSync(journal) && items.every((item) => readFileSync(journal, "utf8").includes(item.ref)),
      20_000,
      "every declaration in the journal",
    );
    const owners = new Set([...readFileSync(journal, "utf8").matchAll(/"owner":"([^"]+)"/g)].map((m) => m[1]));
    assert.deepEqual(
      [...owners].sort(),
      ["instA-sdeclare", "instB-sdeclare"],
      "owned by `<instance>-<node in the template>`",
    );

    // A full deploy of the same flows: every node, the subflow instances included, is stopped and made again.
    await deploy(red, flow);
    await new Promise((r) => setTimeout(r, 1_000)); // the orphan check runs at flows:started
    assert.equal(existsSync(orphans), false, "nothing moved to the orphans file by the deploy");

    // A restart, the API still down.
    await red.stop();
    red = await startNodeRed({ extraSettings: EXTRA_SETTINGS, userDir });
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(existsSync(orphans), false, "nothing moved to the orphans file by the restart");
    assert.deepEqual(readOutcomes(outcomesFile), [], "nothing ended while the API was down");

    ctx.sim.faults.clear();
    await waitUntil(() => readOutcomes(outcomesFile).length >= items.length, 60_000, "an outcome for each declaration");
    await new Promise((r) => setTimeout(r, 500)); // any late duplicate would show now

    const outcomes = readOutcomes(outcomesFile);
    assert.equal(outcomes.length, items.length, "exactly one outcome each");
    assert.deepEqual(
      outcomes.filter((o) => o.output !== "success" || !/^ACCEPTED/.test(String(o.status))),
      [],
      "each accepted",
    );
    for (const item of items) {
      const mine = outcomes.filter((o) => o.ref === item.ref);
      assert.deepEqual(
        mine.map((o) => o.instance),
        [item.instance],
        `${item.ref} ends once, inside instance ${item.instance}`,
      );
      assert.equal(mine[0].resumed, true, "sent by the node of the restarted process");
    }
    const held = [...ctx.sim.data.trainings.values()].filter((t) => t.externalReference?.startsWith(prefix));
    assert.equal(held.length, items.length, "each declared exactly once");
    assert.equal(existsSync(orphans), false);
    assert.doesNotMatch(red.output(), /no longer exists/);
  });
});
