import assert from "node:assert/strict";
import { CATALOGUE } from "../../src/core/api/catalogue";
import { FlaApiClient, type FlaResponse } from "../../src/core/api/httpClient";
import { mapDeclarationAnswer } from "../../src/core/declare/answer";
import { declare, DeclareDeps } from "../../src/core/declare";
import type { Outcome } from "../../src/core/result";
import { validateDeclaration } from "../../src/core/validation";
import { clientFor, ScriptedServer, empty, json, reset } from "./apiTestServer";

const EMPLOYER = "0203430576";
const TODAY = "2025-06-30";

function training(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    worker: { ssin: "85.07.30-033.28" },
    title: "Forklift safety",
    period: { startDate: "2024-03-04", endDate: "2024-03-05" },
    nature: "FORMAL",
    duration: { value: 14, unit: "HOURS" },
    ...extra,
  };
}

function fla(outcome: Outcome): Outcome["fla"] {
  return outcome.fla;
}

describe("core/declare against a real HTTP server", () => {
  const server = new ScriptedServer();
  let client: FlaApiClient;
  let deps: DeclareDeps;

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
      validation: { role: "employer", defaultEnterpriseNumber: EMPLOYER, today: TODAY },
      waitForResult: true,
      pollTimeoutMs: 2000,
      poll: { initialDelayMs: 20, maxDelayMs: 50 },
    };
  });
  afterEach(() => client.destroy());

  it("sends nothing and gives the payload back untouched on a local anomaly", async () => {
    const payload = training({ worker: { ssin: "85073003329" }, title: "" });
    const snapshot = JSON.stringify(payload);
    const outcome = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.output === "anomaly" && outcome.payload, payload);
    assert.equal(JSON.stringify(payload), snapshot);
    assert.equal(fla(outcome).status, "INVALID");
    assert.equal(fla(outcome).attempts, 0);
    assert.ok(fla(outcome).anomalies.length >= 2, "all anomalies together");
    assert.ok(fla(outcome).anomalies.every((a) => a.source === "local"));
    assert.equal(server.seen.length, 0);
  });

  it("201: success ACCEPTED with trainingId and location; the normalised body was sent", async () => {
    server.plan(
      json(
        201,
        { trainingId: "T-000042", declarationId: "D-1", status: "ACCEPTED", anomalies: [] },
        { Location: "/trainings/T-000042" },
      ),
    );
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "success");
    assert.deepEqual(outcome.output === "success" && outcome.payload, {
      trainingId: "T-000042",
      declarationId: "D-1",
      status: "ACCEPTED",
      anomalies: [],
    });
    const meta = fla(outcome);
    assert.equal(meta.status, "ACCEPTED");
    assert.equal(meta.trainingId, "T-000042");
    assert.equal(meta.location, "/trainings/T-000042");
    assert.equal(meta.httpStatus, 201);
    assert.equal(meta.attempts, 1);
    const sent = JSON.parse(server.seen[0].body);
    assert.equal(sent.worker.ssin, "85073003328");
    assert.equal(sent.employer.enterpriseNumber, EMPLOYER);
    assert.equal(server.seen[0].method, "POST");
  });

  it("sends the body of a validation already done (the outbox's acceptance) as it is, without validating again", async () => {
    server.plan(json(201, { trainingId: "T-000043", declarationId: "D-2", status: "ACCEPTED", anomalies: [] }));
    const validated = validateDeclaration("createTraining", { payload: training() }, deps.validation);
    assert.ok(validated.value);
    // What the validation made of the payload is sent, whatever the payload became since.
    const outcome = await declare({ operation: "createTraining", payload: training({ title: "" }), validated }, deps);
    assert.equal(outcome.output, "success");
    const sent = JSON.parse(server.seen[0].body);
    assert.equal(sent.title, "Forklift safety");
    assert.equal(sent.worker.ssin, "85073003328");
  });

  it("201 without a body: the trainingId comes from Location", async () => {
    server.plan(empty(201, { Location: `/REST/federalLearningAccount/v1/trainings/T-7` }));
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "success");
    assert.equal(fla(outcome).status, "ACCEPTED");
    assert.equal(fla(outcome).trainingId, "T-7");
  });

  it("200 ACCEPTED_WITH_WARNINGS on update: warnings stay in the anomalies", async () => {
    server.plan(
      json(200, {
        trainingId: "T-1",
        status: "ACCEPTED_WITH_WARNINGS",
        anomalies: [
          {
            code: "FLA-W-0003",
            severity: "WARNING",
            field: "duration.value",
            description: { fr: "f", nl: "n", en: "long" },
          },
        ],
      }),
    );
    const outcome = await declare({ operation: "updateTraining", payload: training(), trainingId: "T-1" }, deps);
    assert.equal(outcome.output, "success");
    assert.equal(fla(outcome).status, "ACCEPTED_WITH_WARNINGS");
    assert.deepEqual(
      fla(outcome).anomalies.map((a) => [a.code, a.severity, a.field, a.message, a.source]),
      [["FLA-W-0003", "WARNING", "duration.value", "long", "fla"]],
    );
    assert.equal(server.seen[0].method, "PUT");
    assert.equal(server.seen[0].url, "/REST/federalLearningAccount/v1/trainings/T-1");
  });

  it("a REJECTED result goes to the anomaly output with the user's payload", async () => {
    const payload = training();
    server.plan(
      json(200, {
        declarationId: "D-2",
        status: "REJECTED",
        anomalies: [{ code: "FLA-E-0100", severity: "BLOCKING", name: "worker.ssin", detail: "not employed" }],
      }),
    );
    const outcome = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.output === "anomaly" && outcome.payload, payload);
    assert.equal(fla(outcome).status, "REJECTED");
    assert.equal(fla(outcome).anomalies[0].field, "worker.ssin");
  });

  it("202: polls the declaration until it is final", async () => {
    server.plan(
      json(202, { declarationId: "D-9", status: "PENDING" }, { Location: "/declarations/D-9" }),
      json(200, { declarationId: "D-9", status: "PENDING" }),
      json(200, { declarationId: "D-9", status: "PENDING" }),
      json(200, { declarationId: "D-9", trainingId: "T-9", status: "ACCEPTED", anomalies: [] }),
    );
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "success");
    const meta = fla(outcome);
    assert.equal(meta.status, "ACCEPTED");
    assert.equal(meta.trainingId, "T-9");
    assert.equal(meta.declarationId, "D-9");
    assert.equal(meta.location, "/declarations/D-9");
    assert.equal(meta.attempts, 4);
    assert.deepEqual(
      server.seen.slice(1).map((r) => `${r.method} ${r.url}`),
      Array(3).fill("GET /REST/federalLearningAccount/v1/declarations/D-9"),
    );
  });

  it("202: a declaration rejected after polling goes to the anomaly output", async () => {
    server.plan(
      empty(202, { Location: "/declarations/D-3" }),
      json(200, {
        declarationId: "D-3",
        status: "REJECTED",
        anomalies: [{ code: "FLA-E-1", severity: "BLOCKING", detail: "no" }],
      }),
    );
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(fla(outcome).status, "REJECTED");
    assert.equal(fla(outcome).declarationId, "D-3");
  });

  it("202: still pending at the poll timeout → success PENDING with the declarationId", async () => {
    server.plan(empty(202, { Location: "/declarations/D-4" }));
    server.otherwise(json(200, { declarationId: "D-4", status: "PENDING" }));
    const outcome = await declare(
      { operation: "createTraining", payload: training() },
      { ...deps, pollTimeoutMs: 300 },
    );
    assert.equal(outcome.output, "success");
    assert.equal(fla(outcome).status, "PENDING");
    assert.equal(fla(outcome).declarationId, "D-4");
    assert.ok(server.seen.length >= 2, "it polled");
    assert.equal(fla(outcome).attempts, server.seen.length);
  });

  it("202 without waitForResult → PENDING at once", async () => {
    server.plan(json(202, { status: "PENDING" }, { Location: "/declarations/D-5" }));
    const outcome = await declare(
      { operation: "createTraining", payload: training() },
      { ...deps, waitForResult: false },
    );
    assert.equal(fla(outcome).status, "PENDING");
    assert.equal(fla(outcome).declarationId, "D-5");
    assert.equal(server.seen.length, 1);
  });

  it("202 whose status cannot be read → PENDING with a warning (never an error that invites a resend)", async () => {
    server.plan(empty(202, { Location: "/declarations/D-6" }), json(500, {}), json(500, {}), json(500, {}));
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "success");
    assert.equal(fla(outcome).status, "PENDING");
    assert.equal(fla(outcome).anomalies[0].code, "CLIENT-POLL-FAILED");
    assert.equal(fla(outcome).attempts, 4);
  });

  it("204 on cancel → success CANCELLED", async () => {
    server.plan(empty(204));
    const outcome = await declare({ operation: "cancelTraining", payload: undefined, trainingId: "T-1" }, deps);
    assert.equal(outcome.output, "success");
    assert.equal(fla(outcome).status, "CANCELLED");
    assert.equal(fla(outcome).trainingId, "T-1");
    assert.equal(server.seen[0].method, "DELETE");
  });

  it("400 → anomaly with each issue mapped and the problem kept", async () => {
    const problem = {
      type: "urn:problem-type:belgif:badRequest",
      status: 400,
      issues: [
        { code: "FLA-E-0010", severity: "BLOCKING", in: "body", name: "period.startDate", detail: "before 2024" },
        {
          code: "FLA-E-0011",
          severity: "BLOCKING",
          in: "body",
          name: "duration.value",
          description: { fr: "f", nl: "n", en: "too long" },
        },
      ],
    };
    server.plan(json(400, problem));
    const payload = training();
    const outcome = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.output === "anomaly" && outcome.payload, payload);
    assert.deepEqual(fla(outcome).problem, problem);
    assert.deepEqual(
      fla(outcome).anomalies.map((a) => [a.code, a.field, a.message, a.source]),
      [
        ["FLA-E-0010", "period.startDate", "before 2024", "fla"],
        ["FLA-E-0011", "duration.value", "too long", "fla"],
      ],
    );
  });

  it("403 → anomaly FORBIDDEN", async () => {
    server.plan(json(403, { type: "urn:problem-type:fla:noMandate", detail: "no active mandate for 0203430576" }));
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(fla(outcome).status, "FORBIDDEN");
    assert.match(fla(outcome).anomalies[0].message, /mandate/);
  });

  it("404 on update → anomaly NOT_FOUND", async () => {
    server.plan(json(404, { type: "urn:problem-type:belgif:resourceNotFound" }));
    const outcome = await declare({ operation: "updateTraining", payload: training(), trainingId: "T-404" }, deps);
    assert.equal(outcome.output, "anomaly");
    assert.equal(fla(outcome).status, "NOT_FOUND");
    assert.equal(fla(outcome).trainingId, "T-404");
  });

  it("409 duplicate → success ALREADY_DECLARED with the existing trainingId", async () => {
    server.plan(
      json(409, {
        type: "urn:problem-type:fla:duplicateDeclaration",
        detail: "duplicate externalReference",
        trainingId: "T-77",
      }),
    );
    const outcome = await declare(
      { operation: "createTraining", payload: training({ externalReference: "HR-1" }) },
      deps,
    );
    assert.equal(outcome.output, "success");
    assert.equal(fla(outcome).status, "ALREADY_DECLARED");
    assert.equal(fla(outcome).trainingId, "T-77");
    assert.equal(fla(outcome).anomalies[0].severity, "WARNING");
  });

  it("409 with the platform's anomaly code → that code (issues, anomalies or code of the problem), never the type URN", async () => {
    const type = "urn:problem-type:fla:duplicateDeclaration";
    const bodies = [
      {
        type,
        trainingId: "T-79",
        issues: [
          { code: "FLA-E-0032", severity: "BLOCKING", in: "body", name: "externalReference", detail: "already used" },
        ],
      },
      {
        type,
        trainingId: "T-79",
        anomalies: [{ code: "FLA-E-0032", severity: "BLOCKING", field: "externalReference", detail: "already used" }],
      },
      { type, trainingId: "T-79", code: "FLA-E-0032", detail: "already used" },
    ];
    for (const body of bodies) {
      server.reset();
      server.plan(json(409, body));
      const outcome = await declare(
        { operation: "createTraining", payload: training({ externalReference: "HR-3" }) },
        deps,
      );
      assert.equal(fla(outcome).status, "ALREADY_DECLARED", JSON.stringify(body));
      assert.deepEqual(
        fla(outcome).anomalies.map((a) => [a.code, a.severity, a.field, a.message, a.source]),
        [["FLA-E-0032", "WARNING", "externalReference", "already used", "fla"]],
        JSON.stringify(body),
      );
    }
  });

  it("409 without an anomaly code → a CLIENT-* code with its translations, never the type URN", async () => {
    server.plan(
      json(409, {
        type: "urn:problem-type:fla:duplicateDeclaration",
        detail: "duplicate externalReference",
        trainingId: "T-80",
      }),
    );
    const created = await declare(
      { operation: "createTraining", payload: training({ externalReference: "HR-4" }) },
      deps,
    );
    assert.equal(fla(created).status, "ALREADY_DECLARED");
    const [duplicate] = fla(created).anomalies;
    assert.equal(duplicate.code, "CLIENT-DUPLICATE");
    assert.equal(duplicate.source, "client");
    assert.match(duplicate.message, /T-80.*duplicate externalReference/);
    assert.ok(
      duplicate.description?.fr && duplicate.description.nl && duplicate.description.fr !== duplicate.description.en,
    );

    server.plan(json(409, { type: "urn:problem-type:fla:conflict", detail: "changed meanwhile" }));
    const updated = await declare({ operation: "updateTraining", payload: training(), trainingId: "T-81" }, deps);
    assert.equal(updated.output, "anomaly");
    assert.equal(fla(updated).status, "REJECTED");
    assert.deepEqual(
      fla(updated).anomalies.map((a) => [a.code, a.severity, a.source]),
      [["CLIENT-CONFLICT", "BLOCKING", "client"]],
    );
  });

  it("a reset after sending with an externalReference is retried and ends ALREADY_DECLARED", async () => {
    server.plan(reset, json(409, { type: "urn:problem-type:fla:duplicateDeclaration", trainingId: "T-78" }));
    const outcome = await declare(
      { operation: "createTraining", payload: training({ externalReference: "HR-2" }) },
      deps,
    );
    assert.equal(fla(outcome).status, "ALREADY_DECLARED");
    assert.equal(fla(outcome).attempts, 2);
  });

  it("a reset after sending without externalReference → error FLA_UNCERTAIN, sent once", async () => {
    server.plan(reset);
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "error");
    assert.equal(outcome.output === "error" && outcome.error.code, "FLA_UNCERTAIN");
    assert.equal(fla(outcome).status, "ERROR", "a technical failure, not a refusal of the FLA");
    assert.equal(outcome.output === "error" && outcome.error.attempts, 1, "the attempts travel on the error");
    assert.equal(fla(outcome).attempts, 1);
    assert.equal(server.seen.length, 1);
  });

  it("5xx after every attempt → error FLA_HTTP with the attempts counted", async () => {
    server.otherwise(json(503, { detail: "maintenance" }, { "Retry-After": "0" }));
    const outcome = await declare(
      {
        operation: "declareTrainingRight",
        payload: { enterpriseNumber: EMPLOYER, ssin: "85073003328", year: 2024, individualDays: 5, unit: "DAYS" },
      },
      deps,
    );
    assert.equal(outcome.output, "error");
    assert.equal(outcome.output === "error" && outcome.error.code, "FLA_HTTP");
    assert.equal(fla(outcome).attempts, 3);
    assert.equal(server.seen[0].url, `/REST/federalLearningAccount/v1/trainingRights/${EMPLOYER}/85073003328/2024`);
  });
});

describe("core/declare: a 409 is read through the operation's duplicateKey", () => {
  const context = {
    operation: "createTraining" as const,
    payload: training(),
    localWarnings: [],
    startedAt: Date.now(),
  };
  const conflict: FlaResponse = {
    httpStatus: 409,
    headers: {},
    data: { type: "urn:problem-type:fla:duplicateDeclaration", detail: "seen before", trainingId: "T-9" },
    attempts: 1,
    durationMs: 0,
  };
  const createTraining = CATALOGUE.spec("createTraining");

  it("a creation whose descriptor names another duplicate key: ALREADY_DECLARED, the anomaly on that field", () => {
    const spec = CATALOGUE.with({ ...createTraining, duplicateKey: "courseReference" }).spec("createTraining");
    const outcome = mapDeclarationAnswer(context, conflict, spec) as Outcome;
    assert.equal(outcome.fla.status, "ALREADY_DECLARED");
    assert.deepEqual(
      outcome.fla.anomalies.map((a) => [a.code, a.field, a.severity]),
      [["CLIENT-DUPLICATE", "courseReference", "WARNING"]],
    );
  });

  it("an operation without a duplicate key: the 409 is a conflict (REJECTED), whatever its name", () => {
    const { duplicateKey: _none, ...withoutKey } = createTraining;
    const spec = CATALOGUE.with(withoutKey).spec("createTraining");
    const outcome = mapDeclarationAnswer(context, conflict, spec) as Outcome;
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.fla.status, "REJECTED");
    assert.deepEqual(
      outcome.fla.anomalies.map((a) => [a.code, a.field, a.severity]),
      [["CLIENT-CONFLICT", undefined, "BLOCKING"]],
    );
  });

  it("the built-in creation keeps its externalReference", () => {
    const outcome = mapDeclarationAnswer(context, conflict) as Outcome;
    assert.equal(outcome.fla.status, "ALREADY_DECLARED");
    assert.deepEqual(
      outcome.fla.anomalies.map((a) => a.field),
      ["externalReference"],
    );
  });
});
