import assert from "node:assert/strict";
import type { Node } from "node-red";
import { SEED } from "../../src/simulator";
import {
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  Outputs,
  pfxCredentials,
  startContext,
  wiredFlow,
  type NodeTestContext,
} from "./fixture";

const training = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  employer: { enterpriseNumber: SEED.demoEmployer },
  worker: { ssin: SEED.demoWorker },
  title: "Forklift safety",
  period: { startDate: "2024-03-04", endDate: "2024-03-05" },
  nature: "FORMAL",
  duration: { value: 14, unit: "HOURS" },
  ...overrides,
});

const NODES = [configNode, declareNode, catchNode];

async function loadDeclare(
  ctx: NodeTestContext,
  nodeProps: Record<string, unknown> = {},
  configOverrides: Record<string, unknown> = {},
): Promise<{ node: Node; out: Outputs }> {
  const flow = wiredFlow(configFlowNode(ctx.sim, configOverrides), {
    id: "declare",
    type: "fla-declare",
    operation: "createTraining",
    waitForResult: true,
    pollTimeout: 5,
    ...nodeProps,
  });
  await load(NODES, flow, { cfg: pfxCredentials(ctx.certs) });
  return { node: helper.getNode("declare"), out: new Outputs("declare") };
}

describe("fla-declare node (real runtime, simulator over HTTP)", function () {
  let ctx: NodeTestContext;
  before(async () => {
    ctx = await startContext();
  });
  after(async () => {
    await ctx.sim.stop();
  });
  afterEach(async () => {
    await helper.unload();
    ctx.sim.faults.clear();
    ctx.sim.setAsyncDeclarations(false);
  });

  it("declares a training: success output with ACCEPTED, trainingId and location", async () => {
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ externalReference: "N-1" }) });
    await out.waitFor(1);
    assert.equal(out.success.length, 1, JSON.stringify(out.anomaly.concat(out.errors)));
    const fla = out.success[0].fla!;
    assert.equal(fla.status, "ACCEPTED");
    assert.equal(fla.httpStatus, 201);
    assert.match(String(fla.trainingId), /\S/);
    assert.match(String(fla.location), /\/trainings\//);
    assert.equal(fla.attempts, 1);
    assert.ok(ctx.sim.data.trainings.has(String(fla.trainingId)), "the simulator holds the declared training");
  });

  it("sends a local anomaly for a bad SSIN without calling the API, payload untouched", async () => {
    const { node, out } = await loadDeclare(ctx);
    const before = ctx.sim.stats.byRoute["POST /trainings"] ?? 0;
    const payload = training({ worker: { ssin: "85.07.30-033.29" } });
    const sent = JSON.parse(JSON.stringify(payload));
    node.receive({ payload });
    await out.waitFor(1);
    assert.equal(out.anomaly.length, 1);
    const msg = out.anomaly[0];
    assert.deepEqual(msg.payload, sent);
    assert.equal(msg.fla!.status, "INVALID");
    const anomaly = msg.fla!.anomalies![0];
    assert.equal(anomaly.source, "local");
    assert.equal(anomaly.field, "worker.ssin");
    assert.equal(ctx.sim.stats.byRoute["POST /trainings"] ?? 0, before, "no request reached the API");
  });

  it("routes a business rejection of the simulator to the anomaly output with the API's issues", async () => {
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ worker: { ssin: SEED.unemployedWorker } }) });
    await out.waitFor(1);
    assert.equal(out.anomaly.length, 1, JSON.stringify(out.success.concat(out.errors)));
    const fla = out.anomaly[0].fla!;
    assert.equal(fla.httpStatus, 400);
    assert.ok(fla.anomalies!.some((a) => a.source === "fla" && a.severity === "BLOCKING"));
    assert.ok(fla.problem, "the problem is kept");
  });

  it("answers ALREADY_DECLARED with the existing trainingId for a duplicate externalReference", async () => {
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ externalReference: "DUP-1", title: "Dup one" }) });
    await out.waitFor(1);
    node.receive({ payload: training({ externalReference: "DUP-1", title: "Dup one" }) });
    await out.waitFor(2);
    assert.equal(out.success.length, 2);
    assert.equal(out.success[1].fla!.status, "ALREADY_DECLARED");
    assert.equal(out.success[1].fla!.trainingId, out.success[0].fla!.trainingId);
  });

  it("corrects and cancels a training by msg.trainingId, operation from msg.operation", async () => {
    const { node, out } = await loadDeclare(ctx, { operation: "msg" });
    node.receive({
      operation: "createTraining",
      payload: training({ externalReference: "UPD-1", title: "To correct" }),
    });
    await out.waitFor(1);
    const trainingId = out.success[0].fla!.trainingId;
    node.receive({
      operation: "updateTraining",
      trainingId,
      payload: training({ externalReference: "UPD-1", title: "Corrected" }),
    });
    await out.waitFor(2);
    assert.equal(out.success[1].fla!.httpStatus, 200, JSON.stringify(out.anomaly));
    node.receive({ operation: "cancelTraining", trainingId, payload: {} });
    await out.waitFor(3);
    assert.equal(out.success[2].fla!.status, "CANCELLED");
    node.receive({ operation: "nonsense", payload: {} });
    await out.waitFor(4);
    assert.equal(out.anomaly[0].fla!.anomalies![0].code, "LOCAL-OPERATION-UNKNOWN");
    assert.ok((out.anomaly[0].fla!.anomalies![0].description as { fr?: string }).fr);
  });

  it("declares a training right", async () => {
    const { node, out } = await loadDeclare(ctx, { operation: "declareTrainingRight" });
    node.receive({ payload: { ssin: SEED.demoWorker, year: 2025, individualDays: 5, sectoralDays: 2, unit: "DAYS" } });
    await out.waitFor(1);
    assert.equal(out.success.length, 1, JSON.stringify(out.anomaly.concat(out.errors)));
    assert.match(String(out.success[0].fla!.status), /^ACCEPTED/);
  });

  it("splits an array payload into one message per declaration with msg.parts", async () => {
    const { node, out } = await loadDeclare(ctx);
    const payload = [0, 1, 2, 3, 4].map((i) => training({ externalReference: `ARR-${i}`, title: `Array ${i}` }));
    payload[2] = training({ worker: { ssin: "bad" }, title: "Array bad" });
    node.receive({ payload });
    await out.waitFor(5);
    assert.equal(out.success.length, 4);
    assert.equal(out.anomaly.length, 1);
    const all = [...out.success, ...out.anomaly];
    assert.deepEqual(all.map((m) => m.parts!.index).sort(), [0, 1, 2, 3, 4]);
    assert.ok(all.every((m) => m.parts!.count === 5 && m.parts!.id === all[0].parts!.id));
  });

  it("follows a 202 and polls the declaration to its final status", async () => {
    ctx.sim.setAsyncDeclarations(true);
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ externalReference: "ASYNC-1", title: "Async" }) });
    await out.waitFor(1);
    const fla = out.success[0].fla!;
    assert.match(String(fla.status), /^ACCEPTED/);
    assert.ok(fla.declarationId);
  });

  it("renews the token after a 401 and retries once", async () => {
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ externalReference: "TOK-1", title: "Token 1" }) });
    await out.waitFor(1);
    const tokensBefore = ctx.sim.stats.tokensIssued;
    ctx.sim.revokeTokens();
    node.receive({ payload: training({ externalReference: "TOK-2", title: "Token 2" }) });
    await out.waitFor(2);
    assert.equal(out.success.length, 2, JSON.stringify(out.errors));
    assert.equal(ctx.sim.stats.tokensIssued, tokensBefore + 1);
  });

  it("waits for Retry-After on a 503 and succeeds", async () => {
    ctx.sim.faults.add({ route: "POST /trainings", kind: "status", status: 503, retryAfter: 1, times: 1 });
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ externalReference: "RA-1", title: "Retry after" }) });
    await out.waitFor(1);
    assert.equal(out.success.length, 1, JSON.stringify(out.errors));
    assert.equal(out.success[0].fla!.attempts, 2);
  });

  it("sends FLA_UNCERTAIN to a Catch node when a creation without externalReference loses its answer", async () => {
    ctx.sim.faults.add({ route: "POST /trainings", kind: "reset", phase: "after", times: 1 });
    const { node, out } = await loadDeclare(ctx);
    node.receive({ payload: training({ title: "No reference" }) });
    await out.waitFor(1);
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].error!.code, "FLA_UNCERTAIN");
    assert.ok(out.errors[0].fla, "msg.fla is on the caught message");
  });

  it("refuses messages with FLA_CERT when the .pfx password is wrong, and shows it at deploy", async () => {
    const flow = wiredFlow(configFlowNode(ctx.sim), {
      id: "declare",
      type: "fla-declare",
      operation: "createTraining",
    });
    await load(NODES, flow, { cfg: { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: "wrong password" } });
    const out = new Outputs("declare");
    helper.getNode("declare").receive({ payload: training() });
    await out.waitFor(1);
    assert.equal(out.errors[0].error!.code, "FLA_CERT");
    assert.match(String(out.errors[0].error!.message), /password/i);
    assert.doesNotMatch(JSON.stringify(out.errors[0]), /wrong password/);
  });

  it("in the provider role needs the employer in every message, and gets 403 without a mandate", async () => {
    const provider = await startContext({ role: "provider" });
    try {
      const { node, out } = await loadDeclare(provider);
      node.receive({ payload: training({ employer: undefined }) });
      await out.waitFor(1);
      assert.equal(out.anomaly[0].fla!.status, "INVALID");
      node.receive({
        payload: training({ employer: { enterpriseNumber: SEED.employerWithoutMandate }, title: "No mandate" }),
      });
      await out.waitFor(2);
      assert.equal(out.anomaly[1].fla!.status, "FORBIDDEN");
      assert.equal(out.anomaly[1].fla!.httpStatus, 403);
    } finally {
      await helper.unload();
      await provider.sim.stop();
    }
  });
});
