/**
 * The catalogue's promise: one descriptor per operation is all it takes. A test-only read-only query is added here as a
 * descriptor and nothing else, and it is validated, sent over real HTTP, paged (first, all, split) and answered.
 */
import assert from "node:assert/strict";
import { ANSWERS } from "../../src/core/api/answers";
import { CATALOGUE, type AnswerKind, type OperationDescriptor } from "../../src/core/api/catalogue";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { mergeQueryParams } from "../../src/core/messages/queryParams";
import { mapReadFailure, query, withNodePageSize, type QueryDeps, type QueryPage } from "../../src/core/query";
import type { Anomaly } from "../../src/core/result";
import { validateQuery } from "../../src/core/validation/query";
import { clientFor, json, ScriptedServer, type Responder } from "./apiTestServer";

const EMPLOYER = "0203430576";
const PROVIDER = "0403170701";

/** GET /providers: the training providers an employer worked with. Its paging parameters have names of their own. */
const TRAINING_PROVIDERS: OperationDescriptor = {
  name: "trainingProviders",
  kind: "query",
  method: "GET",
  pathTemplate: "/providers",
  params: [
    { name: "enterpriseNumber", in: "query", format: "enterpriseNumber", required: true, employer: true },
    { name: "providerNumber", in: "query", format: "enterpriseNumber" },
    { name: "since", in: "query", format: "date" },
    { name: "pageNumber", in: "query", format: "page" },
    { name: "limit", in: "query", format: "pageSize" },
  ],
  paging: { page: "pageNumber", pageSize: "limit", maxPageSize: 50, next: "nextLinkOrTotal" },
  idempotent: true,
  answer: "collection",
};

const catalogue = CATALOGUE.with(TRAINING_PROVIDERS);

/** `total` providers, paged by pageNumber/limit; with a next link when `links`, else only the total. */
function providers(total: number, links: (url: URL, page: number) => string | undefined): Responder {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!url.pathname.endsWith("/providers"))
      return json(404, { type: "urn:problem-type:belgif:resourceNotFound" })(req, res, "");
    const page = Number(url.searchParams.get("pageNumber") ?? 1);
    const pageSize = Number(url.searchParams.get("limit") ?? 20);
    const from = (page - 1) * pageSize;
    const items = Array.from({ length: Math.max(0, Math.min(pageSize, total - from)) }, (_, i) => ({
      providerNumber: `P-${from + i + 1}`,
    }));
    const body: Record<string, unknown> = { items, total, page, pageSize };
    const next = from + pageSize < total ? links(url, page + 1) : undefined;
    if (next) body.next = next;
    json(200, body)(req, res, "");
  };
}

function codes(anomalies: Anomaly[]): string[] {
  return anomalies.map((a) => `${a.code} ${a.field ?? ""}`.trim());
}

describe("core/api catalogue: a query added as one descriptor", () => {
  const server = new ScriptedServer();
  let client: FlaApiClient;
  let deps: QueryDeps;
  const pathOf = (i: number): string =>
    new URL(server.seen[i].url, "http://x").pathname + new URL(server.seen[i].url, "http://x").search;

  before(async () => {
    await server.start();
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    client = clientFor(server);
    deps = {
      client,
      validation: { role: "employer", defaultEnterpriseNumber: EMPLOYER, today: "2025-06-30" },
      catalogue,
    };
  });
  afterEach(() => client.destroy());

  it("is unknown to the built-in catalogue, which stays as it was", async () => {
    assert.equal(CATALOGUE.has("trainingProviders"), false);
    const outcome = await query(
      { operation: "trainingProviders", params: {}, paging: "all" },
      { ...deps, catalogue: undefined },
    );
    assert.deepEqual(codes(outcome.fla.anomalies), ["LOCAL-OPERATION-UNKNOWN query"]);
    assert.equal(server.seen.length, 0);
  });

  it("is validated from its descriptor: formats, required employer, page size limit, ignored filters", () => {
    const friendly = validateQuery(
      "trainingProviders",
      { providerNumber: "BE 0403.170.701", since: "04/03/2025", limit: "10" },
      deps.validation,
      catalogue,
    );
    assert.deepEqual(friendly.value?.params, {
      enterpriseNumber: EMPLOYER,
      providerNumber: PROVIDER,
      since: "2025-03-04",
      limit: 10,
    });
    assert.deepEqual(friendly.anomalies, []);

    const bad = validateQuery(
      "trainingProviders",
      { providerNumber: "0403170702", since: "2025-02-30", limit: 51, pageNumber: 0 },
      deps.validation,
      catalogue,
    );
    assert.equal(bad.value, undefined);
    assert.deepEqual(codes(bad.anomalies).sort(), [
      "LOCAL-DATE-INVALID since",
      "LOCAL-ENTERPRISE-CHECKSUM providerNumber",
      "LOCAL-RANGE limit",
      "LOCAL-RANGE pageNumber",
    ]);

    const provider = validateQuery("trainingProviders", {}, { role: "provider" }, catalogue);
    assert.deepEqual(codes(provider.anomalies), ["LOCAL-EMPLOYER-REQUIRED enterpriseNumber"]);

    const ignored = validateQuery(
      "trainingProviders",
      { ssin: "85073003328", trainingId: "T-1" },
      deps.validation,
      catalogue,
    );
    assert.ok(ignored.value, "a filter it does not take is a warning, not a refusal");
    assert.deepEqual(codes(ignored.anomalies), ["LOCAL-PARAM-IGNORED ssin"]);
    assert.deepEqual(ignored.value.params, { enterpriseNumber: EMPLOYER });
  });

  it("refuses bad parameters before any call", async () => {
    const outcome = await query(
      { operation: "trainingProviders", params: { providerNumber: "123" }, paging: "all" },
      deps,
    );
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.fla.status, "INVALID");
    assert.deepEqual(codes(outcome.fla.anomalies), ["LOCAL-ENTERPRISE-FORMAT providerNumber"]);
    assert.equal(server.seen.length, 0);
  });

  it("first: one request on its path with its query parameters, the page as the API gives it", async () => {
    server.otherwise(providers(5, () => undefined));
    const params = mergeQueryParams({ providerNumber: PROVIDER }, { limit: 2 }, catalogue.queryParameterNames());
    const outcome = await query({ operation: "trainingProviders", params, paging: "first" }, deps);
    assert.equal(outcome.output, "success");
    assert.equal(outcome.fla.status, "OK");
    assert.equal(outcome.fla.operation, "trainingProviders");
    assert.deepEqual(outcome.output === "success" && (outcome.payload as { items: unknown[] }).items.length, 2);
    assert.deepEqual(
      server.seen.map((_, i) => pathOf(i)),
      [`/REST/federalLearningAccount/v1/providers?enterpriseNumber=${EMPLOYER}&providerNumber=${PROVIDER}&limit=2`],
    );
    assert.match(server.seen[0].authorization ?? "", /^Bearer token-1$/);
  });

  it("all: without next links, asks page + 1 under its own paging parameter names until the total", async () => {
    server.otherwise(providers(5, () => undefined));
    const outcome = await query({ operation: "trainingProviders", params: { limit: 2 }, paging: "all" }, deps);
    assert.equal(outcome.output, "success");
    const items = outcome.output === "success" ? (outcome.payload as { providerNumber: string }[]) : [];
    assert.deepEqual(
      items.map((item) => item.providerNumber),
      ["P-1", "P-2", "P-3", "P-4", "P-5"],
    );
    assert.deepEqual(
      server.seen.map((_, i) => pathOf(i)),
      [
        `/REST/federalLearningAccount/v1/providers?enterpriseNumber=${EMPLOYER}&limit=2`,
        `/REST/federalLearningAccount/v1/providers?enterpriseNumber=${EMPLOYER}&pageNumber=2&limit=2`,
        `/REST/federalLearningAccount/v1/providers?enterpriseNumber=${EMPLOYER}&pageNumber=3&limit=2`,
      ],
    );
    assert.equal(outcome.fla.attempts, 3);
  });

  it("split: follows the next links, one awaited page at a time", async () => {
    server.otherwise(
      providers(
        5,
        (url, page) =>
          `${server.url}/providers?enterpriseNumber=${EMPLOYER}&pageNumber=${page}&limit=${url.searchParams.get("limit")}&cursor=c${page}`,
      ),
    );
    const pages: QueryPage[] = [];
    const outcome = await query(
      { operation: "trainingProviders", params: { limit: 2 }, paging: "split" },
      { ...deps, onPage: (page) => void pages.push(page) },
    );
    assert.deepEqual(outcome.output === "success" && outcome.payload, { pages: 3, items: 5 });
    assert.deepEqual(
      pages.map((p) => [p.index, p.items.length, p.total, p.pageCount, p.last]),
      [
        [0, 2, 5, 3, false],
        [1, 2, 5, 3, false],
        [2, 1, 5, 3, true],
      ],
    );
    assert.deepEqual(
      server.seen.slice(1).map((r) => new URL(r.url, "http://x").searchParams.get("cursor")),
      ["c2", "c3"],
      "the next links were followed as given",
    );
  });

  it("answered: a refusal of the API is an anomaly like any query's", async () => {
    server.plan(json(403, { type: "urn:problem-type:belgif:missingScope", detail: "not your company" }));
    const outcome = await query({ operation: "trainingProviders", params: {}, paging: "all" }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.fla.status, "FORBIDDEN");
    assert.equal(outcome.fla.httpStatus, 403);
    assert.equal(server.seen.length, 1);
  });

  it("answered by the row its descriptor names, not by a guess from the built-in operations", async () => {
    // Every read kind of today's table shares its refusals, so the test names a row that differs from a resource's:
    // the status reads' row, where a 404 means "not visible yet" (a technical failure for a query), not NOT_FOUND.
    const row = "poll" as AnswerKind;
    assert.notDeepEqual(ANSWERS.poll[404], ANSWERS.resource[404]);
    const statusCatalogue = catalogue.with({
      ...TRAINING_PROVIDERS,
      name: "providerStatus",
      paging: undefined,
      params: [],
      answer: row,
    });
    const failure = mapReadFailure(
      "providerStatus",
      { httpStatus: 404, data: { title: "Not yet" } },
      "",
      statusCatalogue,
    );
    assert.equal(failure.output, "error", "a 404 on this row is not a refusal");
    server.plan(json(404, { type: "urn:problem-type:belgif:resourceNotFound" }));
    const outcome = await query(
      { operation: "providerStatus", params: {}, paging: "first" },
      { ...deps, catalogue: statusCatalogue },
    );
    assert.equal(outcome.output, "error");
    assert.equal(outcome.fla.httpStatus, 404);
    // The same 404 on a resource of the same catalogue stays the NOT_FOUND refusal it always was.
    const resource = mapReadFailure(
      "providerStatus",
      { httpStatus: 404, data: {} },
      "",
      catalogue.with({
        ...TRAINING_PROVIDERS,
        name: "providerStatus",
        paging: undefined,
        params: [],
        answer: "resource",
      }),
    );
    assert.equal(resource.output === "anomaly" && resource.status, "NOT_FOUND");
  });

  it("the query node's page size goes under the descriptor's page size parameter", () => {
    assert.deepEqual(withNodePageSize({ since: "2025-01-01" }, "10", "trainingProviders", catalogue), {
      since: "2025-01-01",
      limit: "10",
    });
    assert.deepEqual(
      withNodePageSize({ limit: 5 }, "10", "trainingProviders", catalogue),
      { limit: 5 },
      "the node's own parameter of that name wins",
    );
    assert.deepEqual(withNodePageSize({}, "", "trainingProviders", catalogue), {});
    assert.deepEqual(withNodePageSize({}, 10, "trainings"), { pageSize: 10 });
    assert.deepEqual(withNodePageSize({}, 10, "training"), {}, "a single resource has no page size");
  });

  it("shows in the editor's list and the query node's parameters", () => {
    const editor = catalogue.forEditor().find((op) => op.name === "trainingProviders");
    assert.deepEqual(editor, {
      name: "trainingProviders",
      kind: "query",
      pathParams: [],
      queryParams: [
        { name: "enterpriseNumber", required: true },
        { name: "providerNumber", required: false },
        { name: "since", required: false },
      ],
      paged: true,
      maxPageSize: 50,
      hasBody: false,
    });
    for (const name of ["providerNumber", "since", "pageNumber", "limit"])
      assert.ok(catalogue.queryParameterNames().includes(name), name);
  });
});
