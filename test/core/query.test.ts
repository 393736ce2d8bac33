import assert from "node:assert/strict";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { query, QueryDeps, QueryPage } from "../../src/core/query";
import type { Outcome } from "../../src/core/result";
import { clientFor, CountingTokens, Responder, ScriptedServer, json } from "./apiTestServer";

const EMPLOYER = "0203430576";

/** A paged collection of `total` numbered items; `nextLink` builds the next link from the page number. */
function collection(total: number, nextLink: (page: number, pageSize: number) => string | undefined): Responder {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const page = Number(url.searchParams.get("page") ?? 1);
    const pageSize = Number(url.searchParams.get("pageSize") ?? 100);
    const from = (page - 1) * pageSize;
    const items = Array.from({ length: Math.max(0, Math.min(pageSize, total - from)) }, (_, i) => ({
      trainingId: `T-${from + i + 1}`,
    }));
    const body: Record<string, unknown> = { items, total, page, pageSize };
    if (from + pageSize < total) body.next = nextLink(page + 1, pageSize);
    json(200, body)(req, res, "");
  };
}

describe("core/query against a real HTTP server", () => {
  const server = new ScriptedServer();
  const foreign = new ScriptedServer();
  let client: FlaApiClient;
  let tokens: CountingTokens;
  let deps: QueryDeps;
  const sameOrigin = (page: number, size: number): string =>
    `${server.url}/trainings?enterpriseNumber=${EMPLOYER}&page=${page}&pageSize=${size}`;

  before(async () => {
    await server.start();
    await foreign.start();
  });
  after(async () => {
    await server.stop();
    await foreign.stop();
  });
  beforeEach(() => {
    server.reset();
    foreign.reset();
    tokens = new CountingTokens();
    client = clientFor(server, { tokens });
    deps = { client, validation: { role: "employer", defaultEnterpriseNumber: EMPLOYER } };
  });
  afterEach(() => client.destroy());

  it("refuses bad parameters locally, without any call", async () => {
    const params = { ssin: "123" };
    const outcome = await query(
      { operation: "trainings", params, paging: "all" },
      { ...deps, validation: { role: "provider" } },
    );
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.fla.status, "INVALID");
    assert.ok(outcome.fla.anomalies.length >= 2);
    assert.equal(outcome.output === "anomaly" && outcome.payload, params);
    assert.equal(server.seen.length, 0);
  });

  it("first: the first page as the API returns it", async () => {
    server.otherwise(collection(5, sameOrigin));
    const outcome = await query({ operation: "trainings", params: { pageSize: 2 }, paging: "first" }, deps);
    assert.equal(outcome.output, "success");
    const page =
      outcome.output === "success" ? (outcome.payload as { items: unknown[]; total: number; next: string }) : undefined;
    assert.equal(page?.items.length, 2);
    assert.equal(page?.total, 5);
    assert.ok(page?.next);
    assert.equal(outcome.fla.status, "OK");
    assert.equal(server.seen.length, 1);
    assert.equal(
      server.seen[0].url,
      `/REST/federalLearningAccount/v1/trainings?enterpriseNumber=${EMPLOYER}&pageSize=2`,
    );
  });

  it("all: follows next to the end and gives every item in one array", async () => {
    server.otherwise(collection(7, sameOrigin));
    const outcome = await query({ operation: "trainings", params: { pageSize: 3 }, paging: "all" }, deps);
    assert.equal(outcome.output, "success");
    const items = outcome.output === "success" ? (outcome.payload as { trainingId: string }[]) : [];
    assert.deepEqual(
      items.map((item) => item.trainingId),
      ["T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-7"],
    );
    assert.equal(server.seen.length, 3);
    assert.equal(outcome.fla.attempts, 3);
    assert.equal(tokens.issued, 1, "one token for the whole run");
  });

  it("never sends the token to a next link on another host: computes page + 1 instead", async () => {
    server.otherwise(collection(5, (page, size) => `${foreign.url}/trainings?page=${page}&pageSize=${size}`));
    const outcome = await query({ operation: "trainings", params: { pageSize: 2 }, paging: "all" }, deps);
    assert.equal(outcome.output, "success");
    assert.equal((outcome.output === "success" ? (outcome.payload as unknown[]) : []).length, 5);
    assert.equal(foreign.seen.length, 0);
    assert.deepEqual(
      server.seen.map((r) => new URL(r.url, "http://x").searchParams.get("page")),
      [null, "2", "3"],
    );
  });

  it("split: one awaited call per page, the next page asked only after the consumer is done", async () => {
    server.otherwise(collection(5, sameOrigin));
    const pages: QueryPage[] = [];
    const requestsSeenAtPage: number[] = [];
    const outcome = await query(
      { operation: "trainings", params: { pageSize: 2 }, paging: "split" },
      {
        ...deps,
        onPage: async (page) => {
          requestsSeenAtPage.push(server.seen.length);
          await new Promise((resolve) => setTimeout(resolve, 30));
          pages.push(page);
        },
      },
    );
    assert.equal(outcome.output, "success");
    assert.deepEqual(requestsSeenAtPage, [1, 2, 3], "backpressure: no read ahead");
    assert.deepEqual(
      pages.map((p) => [p.index, p.items.length, p.total, p.pageCount, p.last]),
      [
        [0, 2, 5, 3, false],
        [1, 2, 5, 3, false],
        [2, 1, 5, 3, true],
      ],
    );
    assert.equal(
      pages.reduce((sum, p) => sum + p.items.length, 0),
      5,
    );
    assert.deepEqual(outcome.output === "success" && outcome.payload, { pages: 3, items: 5 });
  });

  it("split on a single resource: one page of one item", async () => {
    server.plan(json(200, { entitlement: 5, remaining: 3, unit: "DAYS" }));
    const pages: QueryPage[] = [];
    await query(
      { operation: "trainingCredit", params: { ssin: "85073003328", year: 2024 }, paging: "split" },
      { ...deps, onPage: (p) => void pages.push(p) },
    );
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0].items, [{ entitlement: 5, remaining: 3, unit: "DAYS" }]);
    assert.equal(pages[0].last, true);
    assert.equal(server.seen[0].url, `/REST/federalLearningAccount/v1/trainingCredits/${EMPLOYER}/85073003328/2024`);
  });

  it("all on a single resource: the resource itself", async () => {
    server.plan(json(200, { trainingId: "T-1", title: "x" }));
    const outcome = await query({ operation: "training", params: { trainingId: "T-1" }, paging: "all" }, deps);
    assert.deepEqual(outcome.output === "success" && outcome.payload, { trainingId: "T-1", title: "x" });
  });

  const failures: [number, string, Record<string, unknown>][] = [
    [404, "NOT_FOUND", { type: "urn:problem-type:belgif:resourceNotFound", detail: "no training T-404" }],
    [403, "FORBIDDEN", { type: "urn:problem-type:belgif:missingScope", detail: "not your company" }],
    [
      400,
      "REJECTED",
      {
        type: "urn:problem-type:belgif:badRequest",
        issues: [{ code: "FLA-E-1", name: "pageSize", detail: "at most 100" }],
      },
    ],
  ];
  for (const [status, flaStatus, problem] of failures) {
    it(`${status} → anomaly ${flaStatus} with the problem`, async () => {
      server.plan(json(status, problem));
      const outcome = await query({ operation: "training", params: { trainingId: "T-404" }, paging: "first" }, deps);
      assert.equal(outcome.output, "anomaly");
      assert.equal(outcome.fla.status, flaStatus);
      assert.equal(outcome.fla.httpStatus, status);
      assert.deepEqual(outcome.fla.problem, problem);
      // The platform's anomalies when it names them; a problem type alone is no anomaly code: the client's own names it.
      const expectedSource = problem.issues ? "fla" : "client";
      assert.equal(outcome.fla.anomalies[0].source, expectedSource);
      if (expectedSource === "client") assert.match(outcome.fla.anomalies[0].code, /^CLIENT-/);
      assert.equal(server.seen.length, 1, "not retried");
    });
  }

  it("a failed page in the middle is retried and the run completes", async () => {
    const pages = collection(6, sameOrigin);
    server.plan(pages, json(503, {}, { "Retry-After": "0" }), json(500, {}));
    server.otherwise(pages);
    const outcome = await query({ operation: "trainings", params: { pageSize: 2 }, paging: "all" }, deps);
    assert.equal(outcome.output, "success");
    assert.equal((outcome.output === "success" ? (outcome.payload as unknown[]) : []).length, 6);
    assert.equal(outcome.fla.attempts, 5);
    const second = server.seen.slice(1, 4).map((r) => new URL(r.url, "http://x").searchParams.get("page"));
    assert.deepEqual(second, ["2", "2", "2"], "the same page was asked again");
  });

  it("a page that keeps failing ends in an error that names the page", async () => {
    const pages = collection(6, sameOrigin);
    server.plan(pages);
    server.otherwise(json(500, { detail: "broken" }));
    const seenPages: number[] = [];
    const outcome = await query(
      { operation: "trainings", params: { pageSize: 2 }, paging: "split" },
      { ...deps, onPage: (p) => void seenPages.push(p.index) },
    );
    assert.equal(outcome.output, "error");
    assert.deepEqual(seenPages, [0]);
    if (outcome.output === "error") {
      assert.equal(outcome.error.code, "FLA_HTTP");
      assert.match(outcome.error.message, /page 2/);
      assert.match(outcome.error.message, /2 item\(s\) read/);
    }
    assert.equal(outcome.fla.attempts, 4);
  });

  it("an answer that is not a collection is a FLA_RESPONSE error", async () => {
    server.plan(json(200, { data: [] }));
    const outcome = await query({ operation: "trainings", params: {}, paging: "all" }, deps);
    assert.equal(outcome.output, "error");
    assert.equal(outcome.output === "error" && outcome.error.code, "FLA_RESPONSE");
  });

  it("a consumer that throws in split mode ends the run with an error outcome", async () => {
    server.otherwise(collection(5, sameOrigin));
    const outcome: Outcome = await query(
      { operation: "trainings", params: { pageSize: 2 }, paging: "split" },
      {
        ...deps,
        onPage: () => {
          throw new Error("disk full");
        },
      },
    );
    assert.equal(outcome.output, "error");
    assert.equal(server.seen.length, 1);
  });
});
