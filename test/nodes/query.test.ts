import assert from "node:assert/strict";
import type { Node } from "node-red";
import { SEED } from "../../src/simulator";
import {
  catchNode,
  configFlowNode,
  configNode,
  helper,
  load,
  Outputs,
  pfxCredentials,
  queryNode,
  startContext,
  wiredFlow,
  type NodeTestContext,
} from "./fixture";

const NODES = [configNode, queryNode, catchNode];

async function loadQuery(ctx: NodeTestContext, props: Record<string, unknown>): Promise<{ node: Node; out: Outputs }> {
  const flow = wiredFlow(configFlowNode(ctx.sim), {
    id: "query",
    type: "fla-query",
    query: "trainings",
    paging: "all",
    pageSize: 100,
    ...props,
  });
  await load(NODES, flow, { cfg: pfxCredentials(ctx.certs) });
  return { node: helper.getNode("query"), out: new Outputs("query") };
}

/** The simulator's own count of the employer's trainings that a search returns (cancelled ones are left out). */
function activeTrainingsOf(ctx: NodeTestContext, enterpriseNumber: string): number {
  return ctx.sim.data.trainingsOf(enterpriseNumber).filter((t: { status?: string }) => t.status !== "CANCELLED").length;
}

describe("fla-query node (real runtime, simulator over HTTP)", function () {
  this.timeout(30_000);
  let ctx: NodeTestContext;
  before(async () => {
    ctx = await startContext();
    // One declaration of our own, so that the declaration query has something to read.
    const { startTestDeclaration } = await import("./queryFixture.js");
    await startTestDeclaration(ctx);
  });
  after(async () => {
    await ctx.sim.stop();
  });
  afterEach(async () => {
    await helper.unload();
    ctx.sim.faults.clear();
  });

  it("paging all: one message with every training of the employer, as many as the simulator holds", async () => {
    const { node, out } = await loadQuery(ctx, { paging: "all" });
    node.receive({ payload: {} });
    await out.waitFor(1);
    assert.equal(out.success.length, 1, JSON.stringify(out.anomaly.concat(out.errors)));
    const items = out.success[0].payload as unknown[];
    assert.ok(Array.isArray(items));
    assert.ok(items.length > 100, "more than one page");
    assert.equal(items.length, activeTrainingsOf(ctx, SEED.demoEmployer));
    assert.equal(out.success[0].fla!.status, "OK");
  });

  it("paging first: the first page as the API returns it (items, total, next)", async () => {
    const { node, out } = await loadQuery(ctx, { paging: "first", pageSize: 50 });
    node.receive({ payload: {} });
    await out.waitFor(1);
    const page = out.success[0].payload as { items: unknown[]; total: number; next?: string };
    assert.equal(page.items.length, 50);
    assert.equal(page.total, activeTrainingsOf(ctx, SEED.demoEmployer));
    assert.match(String(page.next), /page=2/);
  });

  it("paging split: one message per page with complete msg.parts, items adding up to the total", async () => {
    const { node, out } = await loadQuery(ctx, { paging: "split", pageSize: 100 });
    node.receive({ payload: {} });
    const total = activeTrainingsOf(ctx, SEED.demoEmployer);
    const pages = Math.ceil(total / 100);
    await out.waitFor(pages);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(out.total, pages, "no extra summary message");
    const indexes = out.success.map((m) => m.parts!.index).sort((a, b) => a - b);
    assert.deepEqual(
      indexes,
      Array.from({ length: pages }, (_, i) => i),
    );
    assert.ok(out.success.every((m) => m.parts!.count === pages && m.parts!.id === out.success[0].parts!.id));
    assert.equal(
      out.success.reduce((n, m) => n + (m.payload as unknown[]).length, 0),
      total,
    );
  });

  it("filters by worker and period from msg.payload, overriding the node's values", async () => {
    const { node, out } = await loadQuery(ctx, { ssin: SEED.unemployedWorker, ssinType: "str" });
    node.receive({ payload: { ssin: "85.07.30-033.28", startDate: "2024-01-01", endDate: "2024-12-31" } });
    await out.waitFor(1);
    const items = out.success[0].payload as Array<{ worker: { ssin: string }; period: { startDate: string } }>;
    assert.ok(items.length > 0);
    node.receive({ payload: { ssin: SEED.demoWorker, year: 2024 } });
    await out.waitFor(2);
    assert.ok(
      out.success[1].fla!.anomalies!.some((a) => a.severity === "WARNING" && a.field === "year"),
      "an ignored filter is a visible warning",
    );
    assert.ok(items.every((t) => t.worker.ssin === SEED.demoWorker && t.period.startDate.startsWith("2024")));
  });

  it("reads one training, then a declaration, by TypedInput parameters from msg", async () => {
    const [any] = ctx.sim.data.trainingsOf(SEED.demoEmployer) as Array<{ trainingId: string; declarationId?: string }>;
    const { node, out } = await loadQuery(ctx, { query: "msg", trainingId: "id", trainingIdType: "msg" });
    node.receive({ query: "training", id: any.trainingId });
    await out.waitFor(1);
    assert.equal((out.success[0].payload as { trainingId: string }).trainingId, any.trainingId);
    const [declarationId] = [...ctx.sim.data.declarations.keys()];
    assert.ok(declarationId, "the declaration made in before() exists");
    node.receive({ query: "declaration", payload: { declarationId } });
    await out.waitFor(2);
    assert.equal(out.success.length, 2, JSON.stringify(out.anomaly.concat(out.errors)));
    assert.equal((out.success[1].payload as { declarationId: string }).declarationId, declarationId);
  });

  it("reads training rights and the training credit", async () => {
    const { node, out } = await loadQuery(ctx, { query: "msg" });
    node.receive({ query: "trainingRights", payload: { ssin: SEED.demoWorker } });
    node.receive({ query: "trainingCredit", payload: { ssin: SEED.demoWorker, year: 2024 } });
    await out.waitFor(2);
    assert.equal(out.success.length, 2, JSON.stringify(out.anomaly.concat(out.errors)));
    const credit = out.success.find((m) => m.fla!.operation === "trainingCredit")!.payload as Record<string, unknown>;
    for (const key of ["entitlement", "attended", "remaining", "unit"]) assert.ok(key in credit, key);
  });

  it("404 → anomaly output with NOT_FOUND; bad input → local anomaly without a call; 403 → anomaly", async () => {
    const { node, out } = await loadQuery(ctx, { query: "msg" });
    const calls = ctx.sim.stats.requests;
    node.receive({ query: "trainingCredit", payload: { ssin: "12345678901", year: 2024 } });
    await out.waitFor(1);
    assert.equal(out.anomaly[0].fla!.status, "INVALID");
    assert.deepEqual(out.anomaly[0].payload, { ssin: "12345678901", year: 2024 }, "the user's payload, untouched");
    assert.equal(ctx.sim.stats.requests, calls, "no call for bad input");
    node.receive({ query: "training", payload: { trainingId: "T-999999" } });
    await out.waitFor(2);
    assert.equal(out.anomaly[1].fla!.status, "NOT_FOUND");
    assert.equal(out.anomaly[1].fla!.httpStatus, 404);
    node.receive({ query: "trainings", payload: { enterpriseNumber: SEED.employerWithoutMandate } });
    await out.waitFor(3);
    assert.equal(out.anomaly[2].fla!.status, "FORBIDDEN");
  });

  it("retries a failed read and reuses the same token across queries", async () => {
    const { node, out } = await loadQuery(ctx, { paging: "all" });
    node.receive({ payload: {} });
    await out.waitFor(1);
    const tokens = ctx.sim.stats.tokenRequests;
    ctx.sim.faults.add({ route: "GET /trainings", kind: "status", status: 500, times: 1 });
    ctx.sim.faults.add({ route: "GET /trainings", kind: "reset", times: 1 });
    node.receive({ payload: {} });
    await out.waitFor(2);
    assert.equal(out.success.length, 2, JSON.stringify(out.errors));
    assert.equal((out.success[1].payload as unknown[]).length, activeTrainingsOf(ctx, SEED.demoEmployer));
    assert.equal(ctx.sim.stats.tokenRequests, tokens, "same token");
  });

  it("a read that keeps failing ends at a Catch node with a stable code", async () => {
    ctx.sim.faults.add({
      route: "GET /trainingCredits/{enterpriseNumber}/{ssin}/{year}",
      kind: "status",
      status: 500,
      times: 10,
    });
    const { node, out } = await loadQuery(ctx, { query: "trainingCredit" });
    node.receive({ payload: { ssin: SEED.demoWorker, year: 2024 } });
    await out.waitFor(1);
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].error!.code, "FLA_HTTP");
  });
});
