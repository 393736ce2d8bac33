import assert from "node:assert/strict";
import { query, QueryDeps, QueryPage } from "../../src/core/query";
import { SEED } from "../../src/simulator";
import type { TestSimulator } from "../support/simulator";
import { startEmployerAndProvider, type EmployerAndProvider, type SimulatorConnection } from "./apiSimulatorSetup";

interface Page {
  items: { trainingId: string }[];
  total: number;
  next?: string;
}

describe("core/query against the simulator", function () {
  this.timeout(60_000);
  let sim: TestSimulator;
  let employer: SimulatorConnection;
  let provider: SimulatorConnection;
  let deps: QueryDeps;

  let setup: EmployerAndProvider | undefined;

  before(async () => {
    setup = await startEmployerAndProvider();
    ({ sim, employer, provider } = setup);
  });
  after(async () => {
    await setup?.stop();
  });
  beforeEach(() => {
    sim.faults.clear();
    deps = {
      client: employer.client,
      validation: { role: "employer", defaultEnterpriseNumber: SEED.demoEmployer, today: sim.today },
    };
  });

  async function firstPage(pageSize: number): Promise<Page> {
    const outcome = await query({ operation: "trainings", params: { pageSize }, paging: "first" }, deps);
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    return (outcome as { payload: Page }).payload;
  }

  it("first: one page as the API returns it, with total and next", async () => {
    const page = await firstPage(25);
    assert.equal(page.items.length, 25);
    assert.ok(page.total > 100, `a seeded data set big enough to page (total ${page.total})`);
    assert.ok(page.next);
  });

  it("all: every item, as many as the simulator's total, each once", async () => {
    const { total } = await firstPage(1);
    const outcome = await query({ operation: "trainings", params: { pageSize: 100 }, paging: "all" }, deps);
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    const items = (outcome as { payload: { trainingId: string }[] }).payload;
    assert.equal(items.length, total);
    assert.equal(new Set(items.map((item) => item.trainingId)).size, total);
    assert.equal(outcome.fla.attempts, Math.ceil(total / 100));
  });

  it("split: page indexes complete, page count known, items summing to the total", async () => {
    const { total } = await firstPage(1);
    const pages: QueryPage[] = [];
    const outcome = await query(
      { operation: "trainings", params: { pageSize: 100 }, paging: "split" },
      { ...deps, onPage: (page) => void pages.push(page) },
    );
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    assert.deepEqual(
      pages.map((p) => p.index),
      Array.from({ length: pages.length }, (_, i) => i),
    );
    assert.equal(pages.length, Math.ceil(total / 100));
    assert.ok(pages.every((p) => p.pageCount === pages.length && p.total === total));
    assert.deepEqual(
      pages.map((p) => p.last),
      [...Array(pages.length - 1).fill(false), true],
    );
    assert.equal(
      pages.reduce((sum, p) => sum + p.items.length, 0),
      total,
    );
  });

  it("a page that fails in the middle of a split run is asked again and the run completes", async () => {
    const { total } = await firstPage(1);
    let count = 0;
    const outcome = await query(
      { operation: "trainings", params: { pageSize: 100 }, paging: "split" },
      {
        ...deps,
        onPage: (page) => {
          count += page.items.length;
          if (page.index === 1) {
            sim.faults.add({ route: "GET /trainings", kind: "status", status: 500, times: 1 });
            sim.faults.add({ route: "GET /trainings", kind: "reset", times: 1 });
          }
        },
      },
    );
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    assert.equal(count, total);
    assert.equal(outcome.fla.attempts, Math.ceil(total / 100) + 2);
  });

  it("filters by worker and period", async () => {
    const outcome = await query(
      {
        operation: "trainings",
        params: { ssin: SEED.demoWorker, startDate: "2024-01-01", endDate: sim.today },
        paging: "all",
      },
      deps,
    );
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    const items = (outcome as { payload: { worker: { ssin: string } }[] }).payload;
    assert.ok(items.length > 0, "the demo worker has trainings");
    assert.ok(items.every((item) => item.worker.ssin === SEED.demoWorker));
  });

  it("reads one training; an unknown one is NOT_FOUND", async () => {
    const { items } = await firstPage(1);
    const found = await query(
      { operation: "training", params: { trainingId: items[0].trainingId }, paging: "first" },
      deps,
    );
    assert.equal(found.output, "success");
    assert.equal((found as { payload: { trainingId: string } }).payload.trainingId, items[0].trainingId);
    const missing = await query(
      { operation: "training", params: { trainingId: "T-999999999" }, paging: "first" },
      deps,
    );
    assert.equal(missing.output, "anomaly");
    assert.equal(missing.fla.status, "NOT_FOUND");
  });

  it("reads training rights and the training credit", async () => {
    const rights = await query({ operation: "trainingRights", params: { year: 2024 }, paging: "all" }, deps);
    assert.equal(rights.output, "success", JSON.stringify(rights.fla));
    assert.ok(Array.isArray((rights as { payload: unknown }).payload));
    const credit = await query(
      { operation: "trainingCredit", params: { ssin: SEED.demoWorker, year: 2024 }, paging: "first" },
      deps,
    );
    assert.equal(credit.output, "success", JSON.stringify(credit.fla));
    assert.ok("remaining" in ((credit as { payload: object }).payload ?? {}));
  });

  it("a provider without mandate for the employer → FORBIDDEN", async () => {
    const outcome = await query(
      { operation: "trainings", params: { enterpriseNumber: SEED.employerWithoutMandate }, paging: "first" },
      { ...deps, client: provider.client, validation: { role: "provider" } },
    );
    assert.equal(outcome.output, "anomaly", JSON.stringify(outcome.fla));
    assert.equal(outcome.fla.status, "FORBIDDEN");
  });

  it("reuses the same token for every query", async () => {
    const before = sim.stats.tokenRequests;
    await firstPage(5);
    await firstPage(5);
    assert.equal(sim.stats.tokenRequests, before);
    assert.equal(employer.tokens.stats.tokenRequests, 1);
  });
});
