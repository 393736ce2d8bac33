import assert from "node:assert/strict";
import {
  CATALOGUE,
  OPERATIONS,
  buildRequest,
  declarationStatusRequest,
  idsFromLocation,
  nextPageRequest,
  pathBelowApi,
  problemAnomalies,
  readCollection,
  readDeclarationResult,
  readProblem,
} from "../../src/core/api/catalogue";
import { backoffDelay, parseRetryAfter, DEFAULT_RETRY_POLICY } from "../../src/core/api/backoff";
import { clientAnomaly } from "../../src/core/clientAnomalies";

const API = "https://services.socialsecurity.be/REST/federalLearningAccount/v1";

describe("core/api catalogue", () => {
  it("knows the method and path of every operation of the contract", () => {
    const seen = Object.values(OPERATIONS).map((op) => `${op.name} ${op.method} ${op.pathTemplate}`);
    assert.deepEqual(seen, [
      "createTraining POST /trainings",
      "updateTraining PUT /trainings/{trainingId}",
      "cancelTraining DELETE /trainings/{trainingId}",
      "declareTrainingRight PUT /trainingRights/{enterpriseNumber}/{ssin}/{year}",
      "training GET /trainings/{trainingId}",
      "trainings GET /trainings",
      "declaration GET /declarations/{declarationId}",
      "trainingRights GET /trainingRights",
      "trainingCredit GET /trainingCredits/{enterpriseNumber}/{ssin}/{year}",
    ]);
  });

  it("builds another catalogue from it without changing it: an operation replaced by name, one added", () => {
    const moved = CATALOGUE.with(
      { ...OPERATIONS.training, pathTemplate: "/v2/trainings/{trainingId}" },
      { ...OPERATIONS.trainings, name: "allTrainings" },
    );
    assert.equal(moved.buildRequest("training", { trainingId: "T-1" }).path, "/v2/trainings/T-1");
    assert.equal(
      moved.buildRequest("allTrainings", { enterpriseNumber: "0203430576" }).path,
      "/trainings?enterpriseNumber=0203430576",
    );
    assert.deepEqual(moved.names(), [
      ...Object.keys(OPERATIONS).filter((name) => name !== "training"),
      "training",
      "allTrainings",
    ]);
    assert.equal(buildRequest("training", { trainingId: "T-1" }).path, "/trainings/T-1");
    assert.equal(CATALOGUE.has("allTrainings"), false);
    assert.throws(() => CATALOGUE.buildRequest("allTrainings", {}), /not in the catalogue/);
  });

  it("encodes path parameters and builds the query string from the known parameters only", () => {
    assert.equal(buildRequest("training", { trainingId: "T/1 ?x" }).path, "/trainings/T%2F1%20%3Fx");
    assert.equal(
      buildRequest("declareTrainingRight", { enterpriseNumber: "0203430576", ssin: "85073003328", year: 2024 }).path,
      "/trainingRights/0203430576/85073003328/2024",
    );
    const search = buildRequest("trainings", {
      enterpriseNumber: "0203430576",
      startDate: "2024-01-01",
      trainingId: "ignored",
      pageSize: 50,
    });
    assert.equal(search.path, "/trainings?enterpriseNumber=0203430576&startDate=2024-01-01&pageSize=50");
    assert.equal(buildRequest("trainingRights", { year: 2025 }).path, "/trainingRights?year=2025");
    assert.throws(() => buildRequest("updateTraining", {}, {}), /needs a trainingId/);
  });

  it("marks idempotency, duplicate safety and the body", () => {
    const post = buildRequest("createTraining", {}, { title: "x" });
    assert.equal(post.idempotent, false);
    assert.equal(post.duplicateSafe, false);
    assert.equal(buildRequest("createTraining", {}, { externalReference: "HR-1" }).duplicateSafe, true);
    assert.equal(buildRequest("createTraining", {}, { externalReference: "  " }).duplicateSafe, false);
    assert.equal(buildRequest("updateTraining", { trainingId: "T" }, {}).idempotent, true);
    assert.equal(buildRequest("cancelTraining", { trainingId: "T" }, { ignored: true }).body, undefined);
    assert.equal(buildRequest("cancelTraining", { trainingId: "T" }).expectsJson, false);
    assert.equal(declarationStatusRequest("D-1").path, "/declarations/D-1");
  });

  it("reads ids from Location headers, absolute or relative", () => {
    assert.deepEqual(idsFromLocation(`${API}/trainings/T-000042`), { trainingId: "T-000042" });
    assert.deepEqual(idsFromLocation("/declarations/D-7"), { declarationId: "D-7" });
    assert.deepEqual(idsFromLocation("/somewhere/else"), {});
    assert.deepEqual(idsFromLocation(undefined), {});
  });

  it("reads a DeclarationResult, with the Location as fallback for the id", () => {
    const result = readDeclarationResult(
      {
        status: "ACCEPTED_WITH_WARNINGS",
        anomalies: [
          {
            code: "FLA-W-0003",
            severity: "WARNING",
            field: "duration.value",
            description: { fr: "f", nl: "n", en: "e" },
          },
        ],
      },
      "/trainings/T-1",
    );
    assert.equal(result.trainingId, "T-1");
    assert.equal(result.status, "ACCEPTED_WITH_WARNINGS");
    assert.deepEqual(result.anomalies, [
      {
        code: "FLA-W-0003",
        severity: "WARNING",
        field: "duration.value",
        message: "e",
        description: { fr: "f", nl: "n", en: "e" },
        source: "fla",
      },
    ]);
    assert.equal(readDeclarationResult({ status: "WHATEVER" }).status, undefined);
  });

  it("maps problem issues to anomalies: field from name, message from detail or description.en", () => {
    const problem = {
      type: "urn:problem-type:belgif:badRequest",
      issues: [
        { code: "FLA-E-0001", severity: "BLOCKING", in: "body", name: "worker.ssin", detail: "invalid check digits" },
        { code: "FLA-E-0002", name: "period.endDate", description: { fr: "fin", nl: "einde", en: "end before start" } },
      ],
    };
    const anomalies = problemAnomalies(problem, () => clientAnomaly("CLIENT-BAD-REQUEST"));
    assert.equal(anomalies.length, 2);
    assert.deepEqual(
      anomalies.map((a) => [a.code, a.severity, a.field, a.message, a.source]),
      [
        ["FLA-E-0001", "BLOCKING", "worker.ssin", "invalid check digits", "fla"],
        ["FLA-E-0002", "BLOCKING", "period.endDate", "end before start", "fla"],
      ],
    );
    // The platform's own code when it gives one; a problem type is no anomaly code: the client's, with the platform's words.
    assert.deepEqual(
      problemAnomalies({ type: "urn:problem-type:fla:noMandate", code: "FLA-E-0101", detail: "no mandate" }, () =>
        clientAnomaly("CLIENT-FORBIDDEN"),
      ),
      [{ code: "FLA-E-0101", severity: "BLOCKING", message: "no mandate", source: "fla" }],
    );
    const typeOnly = problemAnomalies({ type: "urn:problem-type:fla:noMandate", detail: "no mandate" }, (said) =>
      clientAnomaly("CLIENT-FORBIDDEN", { said }),
    );
    assert.deepEqual(
      typeOnly.map((a) => [a.code, a.source]),
      [["CLIENT-FORBIDDEN", "client"]],
    );
    assert.match(typeOnly[0].message, /no mandate/);
    assert.equal(
      readProblem({ type: "urn:problem-type:fla:duplicateDeclaration", trainingId: "T-9" }).trainingId,
      "T-9",
    );
  });

  it("reads collections and refuses what is not one", () => {
    assert.deepEqual(readCollection({ items: [1], total: 3, page: 1, pageSize: 1, next: "x" }), {
      items: [1],
      total: 3,
      page: 1,
      pageSize: 1,
      next: "x",
    });
    assert.equal(readCollection({ data: [] }), undefined);
    assert.equal(readCollection([1, 2]), undefined);
  });

  it("follows a next link only below the API base URL", () => {
    assert.equal(pathBelowApi(`${API}/trainings?page=2&pageSize=10`, API), "/trainings?page=2&pageSize=10");
    assert.equal(pathBelowApi("/REST/federalLearningAccount/v1/trainings?page=2", API), "/trainings?page=2");
    assert.equal(pathBelowApi("https://evil.example/REST/federalLearningAccount/v1/trainings?page=2", API), undefined);
    assert.equal(
      pathBelowApi("http://services.socialsecurity.be/REST/federalLearningAccount/v1/trainings", API),
      undefined,
      "not the same scheme",
    );
    assert.equal(pathBelowApi("https://services.socialsecurity.be/REST/other/v1/trainings", API), undefined);
  });

  it("computes page + 1 when the next link points elsewhere, and stops on the last page", () => {
    const params = { enterpriseNumber: "0203430576", pageSize: 2 };
    const onOrigin = nextPageRequest(
      "trainings",
      params,
      { items: [1, 2], page: 1, next: `${API}/trainings?page=2&pageSize=2&enterpriseNumber=0203430576` },
      API,
      2,
    );
    assert.equal(onOrigin?.path, "/trainings?page=2&pageSize=2&enterpriseNumber=0203430576");
    const foreign = nextPageRequest(
      "trainings",
      params,
      { items: [1, 2], page: 1, next: "https://evil.example/x?page=2" },
      API,
      2,
    );
    assert.equal(foreign?.path, "/trainings?enterpriseNumber=0203430576&page=2&pageSize=2");
    assert.equal(nextPageRequest("trainings", params, { items: [1], page: 2, total: 3 }, API, 3), undefined);
    assert.equal(
      nextPageRequest("trainings", params, { items: [], page: 2, next: `${API}/trainings?page=3` }, API, 2),
      undefined,
      "an empty page ends the run",
    );
    assert.equal(
      nextPageRequest("trainings", {}, { items: [1, 2], page: 1, total: 5 }, API, 2)?.path,
      "/trainings?page=2",
      "no next link but a total",
    );
    assert.equal(nextPageRequest("training", {}, { items: [1], next: "x" }, API, 1), undefined);
  });
});

describe("core/api backoff", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    assert.equal(parseRetryAfter("3"), 3000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Wed, 01 Jan 2025 00:00:10 GMT", now), 10_000);
    assert.equal(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it("doubles the backoff, jitters it within [half, full] and caps it", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      backoffDelay(1, policy, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(1, policy, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, policy, () => 1),
      400,
    );
    assert.equal(
      backoffDelay(10, policy, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(10, policy, () => 0),
      500,
    );
  });
});
