import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlaError } from "../../src/core/errors";
import { makeEnterpriseNumber, makeSsin } from "../../src/core/identifiers";
import type { Anomaly } from "../../src/core/result";
import {
  LOCAL_ANOMALY_CODES,
  loadCustomSchema,
  validateDeclaration,
  validateQuery,
  type DeclareOperation,
  type QueryOperation,
  type ValidationContext,
} from "../../src/core/validation";
import { compileSchema } from "../../src/core/validation/compile";

const TODAY = "2025-06-15";
const EMPLOYER = "0203430576";
const SSIN = "85073003328";
const employerCtx: ValidationContext = { role: "employer", defaultEnterpriseNumber: EMPLOYER, today: TODAY };
const providerCtx: ValidationContext = { role: "provider", today: TODAY };

/** Every code the tests produced, to prove at the end that each code of the catalogue is exercised. */
const seen = new Set<string>();

function record(anomalies: Anomaly[]): Anomaly[] {
  for (const a of anomalies) seen.add(a.code);
  return anomalies;
}

function declare(
  operation: DeclareOperation,
  payload: unknown,
  ctx: ValidationContext = employerCtx,
  trainingId?: unknown,
) {
  const result = validateDeclaration(operation, { payload, trainingId }, ctx);
  record(result.anomalies);
  return result;
}

function query(operation: QueryOperation, input: Record<string, unknown>, ctx: ValidationContext = employerCtx) {
  const result = validateQuery(operation, input, ctx);
  record(result.anomalies);
  return result;
}

function codes(anomalies: Anomaly[]): string[] {
  return anomalies.map((a) => `${a.code} ${a.field ?? ""}`.trim());
}

function only(anomalies: Anomaly[], code: string, field?: string): Anomaly {
  assert.equal(anomalies.length, 1, `expected one anomaly, got ${JSON.stringify(codes(anomalies))}`);
  assert.equal(anomalies[0].code, code);
  if (field !== undefined) assert.equal(anomalies[0].field, field);
  return anomalies[0];
}

function training(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    employer: { enterpriseNumber: EMPLOYER },
    worker: { ssin: SSIN },
    title: "Forklift safety",
    period: { startDate: "2024-03-04", endDate: "2024-03-05" },
    nature: "FORMAL",
    duration: { value: 14, unit: "HOURS" },
    ...overrides,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe("core/validation: declarations", () => {
  describe("normalisation of friendly input", () => {
    it("turns formatted identifiers, text numbers, enum case, Date objects and ISO times into the API's forms", () => {
      const result = declare("createTraining", {
        employer: { enterpriseNumber: "BE 0203.430.576" },
        worker: { ssin: " 85.07.30-033.28 " },
        title: "  Forklift safety ",
        period: { startDate: "2024-03-04T00:00:00Z", endDate: new Date("2024-03-05") },
        nature: "formal",
        duration: { value: "14,5", unit: "hours" },
        outcome: "completed",
        funding: { type: "sectoral_fund" },
        countsForSectoralRight: "TRUE",
        trainingProvider: { enterpriseNumber: "0203.430.576", name: " Academy " },
      });
      assert.deepEqual(result.anomalies, []);
      assert.deepEqual(result.value, {
        operation: "createTraining",
        body: {
          employer: { enterpriseNumber: EMPLOYER },
          worker: { ssin: SSIN },
          title: "Forklift safety",
          period: { startDate: "2024-03-04", endDate: "2024-03-05" },
          nature: "FORMAL",
          duration: { value: 14.5, unit: "HOURS" },
          outcome: "COMPLETED",
          funding: { type: "SECTORAL_FUND" },
          countsForSectoralRight: true,
          trainingProvider: { enterpriseNumber: EMPLOYER, name: "Academy" },
        },
        params: { enterpriseNumber: EMPLOYER, ssin: SSIN },
      });
    });

    it("accepts day-first dates, short ISO dates, identifiers given as numbers or as plain strings for employer/worker", () => {
      const result = declare("createTraining", {
        ...training(),
        employer: 203430576,
        worker: "85.07.30-033.28",
        period: { startDate: "4/3/2024", endDate: "2024-3-5" },
        duration: { value: "+14", unit: "Hours" },
      });
      assert.deepEqual(result.anomalies, []);
      const body = result.value?.body as Record<string, unknown>;
      assert.deepEqual(body.employer, { enterpriseNumber: EMPLOYER });
      assert.deepEqual(body.worker, { ssin: SSIN });
      assert.deepEqual(body.period, { startDate: "2024-03-04", endDate: "2024-03-05" });
      assert.deepEqual(body.duration, { value: 14, unit: "HOURS" });
    });

    it("keeps unknown fields (top level and nested) in the body", () => {
      const result = declare(
        "createTraining",
        training({ language: "fr", worker: { ssin: SSIN, personnelNumber: " 42 " } }),
      );
      assert.deepEqual(result.anomalies, []);
      const body = result.value?.body as Record<string, unknown>;
      assert.equal(body.language, "fr");
      assert.deepEqual(body.worker, { ssin: SSIN, personnelNumber: "42" });
    });

    it("never changes the caller's payload, even deeply frozen, and returns a separate copy", () => {
      const payload = training({
        worker: { ssin: "85.07.30-033.28" },
        period: { startDate: new Date("2024-03-04"), endDate: "2024-03-05" },
        nature: "formal",
        trainingId: "T-1",
        extra: { list: [" a "] },
      });
      const snapshot = structuredClone(payload);
      deepFreeze(payload);
      for (const op of ["createTraining", "updateTraining", "cancelTraining"] as const) {
        const result = declare(op, payload);
        assert.ok(result.value, JSON.stringify(result.anomalies));
        assert.notEqual(result.value.body, payload);
      }
      const bad = deepFreeze({ ...structuredClone(snapshot), worker: { ssin: "1" }, title: "" });
      const badSnapshot = structuredClone(bad);
      assert.ok(declare("createTraining", bad).anomalies.length >= 2);
      assert.deepEqual(payload, snapshot);
      assert.deepEqual(bad, badSnapshot);
    });
  });

  describe("anomalies", () => {
    it("reports every anomaly of a message together, each with code, field, message and en/fr/nl text", () => {
      const result = declare(
        "updateTraining",
        {
          employer: { enterpriseNumber: "0203430577" },
          worker: { ssin: "85073003329" },
          title: "",
          period: { startDate: "2024-02-30", endDate: "2024-03-01" },
          nature: "semi-formal",
          duration: { value: 0, unit: "minutes" },
          externalReference: "x".repeat(51),
        },
        employerCtx,
      );
      assert.equal(result.value, undefined);
      assert.deepEqual(codes(result.anomalies).sort(), [
        "LOCAL-DATE-INVALID period.startDate",
        "LOCAL-ENTERPRISE-CHECKSUM employer.enterpriseNumber",
        "LOCAL-ENUM duration.unit",
        "LOCAL-ENUM nature",
        "LOCAL-LENGTH externalReference",
        "LOCAL-LENGTH title",
        "LOCAL-RANGE duration.value",
        "LOCAL-REQUIRED trainingId",
        "LOCAL-SSIN-CHECKSUM worker.ssin",
      ]);
      for (const a of result.anomalies) {
        assert.equal(a.severity, "BLOCKING");
        assert.equal(a.source, "local");
        assert.ok(a.description);
        assert.equal(a.message, a.description.en);
        assert.notEqual(a.description.fr, a.description.en);
        assert.notEqual(a.description.nl, a.description.en);
        assert.doesNotMatch(a.message, /must NOT|instancePath|#\/properties/, "no raw ajv text");
      }
      const nature = result.anomalies.find((a) => a.field === "nature");
      assert.match(nature?.message ?? "", /"FORMAL", "INFORMAL".*"SEMI-FORMAL"/);
      assert.match(result.anomalies.find((a) => a.field === "worker.ssin")?.message ?? "", /85073003329/);
      assert.match(result.anomalies.find((a) => a.code === "LOCAL-REQUIRED")?.description?.fr ?? "", /msg\.trainingId/);
    });

    for (const [label, payload, kind] of [
      ["a string", '{"title":"x"}', /text .*JSON node/],
      ["null", null, /null/],
      ["a number", 42, /a number \(42\)/],
      ["an array", [training()], /a list/],
    ] as const) {
      it(`answers one clear anomaly when the payload is ${label}`, () => {
        const a = only(declare("createTraining", payload).anomalies, "LOCAL-PAYLOAD-NOT-OBJECT");
        assert.equal(a.field, undefined);
        assert.match(a.message, kind);
      });
    }

    it("reports an unknown operation", () => {
      const a = only(
        declare("deleteEverything" as DeclareOperation, training()).anomalies,
        "LOCAL-OPERATION-UNKNOWN",
        "operation",
      );
      assert.match(a.message, /createTraining, updateTraining, cancelTraining, declareTrainingRight/);
    });

    it("reports missing required fields by their dotted path, without repeating them", () => {
      const result = declare("createTraining", {
        employer: { enterpriseNumber: EMPLOYER },
        worker: {},
        period: { startDate: "2024-03-04" },
        duration: { unit: "DAYS" },
      });
      assert.deepEqual(codes(result.anomalies).sort(), [
        "LOCAL-REQUIRED duration.value",
        "LOCAL-REQUIRED nature",
        "LOCAL-REQUIRED period.endDate",
        "LOCAL-REQUIRED title",
        "LOCAL-REQUIRED worker.ssin",
      ]);
    });

    it("reports wrong types in words and names the value received", () => {
      const a = only(
        declare("createTraining", training({ title: 5, countsForSectoralRight: "maybe" })).anomalies.filter(
          (x) => x.field === "title",
        ),
        "LOCAL-TYPE",
      );
      assert.equal(a.message, 'The field "title" must be text, but received 5.');
      const b = declare("createTraining", training({ countsForSectoralRight: "maybe" })).anomalies;
      assert.match(only(b, "LOCAL-TYPE", "countsForSectoralRight").message, /true or false, but received "maybe"/);
      assert.match(
        only(
          declare("createTraining", training({ duration: { value: "lots", unit: "HOURS" } })).anomalies,
          "LOCAL-TYPE",
          "duration.value",
        ).message,
        /"lots"/,
      );
    });

    it("checks text lengths: title 1 to 200, externalReference up to 50", () => {
      assert.deepEqual(
        declare("createTraining", training({ title: "t".repeat(200), externalReference: "r".repeat(50) })).anomalies,
        [],
      );
      const a = only(
        declare("createTraining", training({ title: "t".repeat(201) })).anomalies,
        "LOCAL-LENGTH",
        "title",
      );
      assert.match(a.message, /at most 200 characters.*201 characters/);
      assert.equal(
        only(declare("createTraining", training({ title: "   " })).anomalies, "LOCAL-LENGTH", "title").message,
        'The field "title" must not be empty.',
      );
    });

    it("checks the SSIN: 11 digits and mod-97, including people born from 2000", () => {
      const born2005 = makeSsin("050607", 123, true);
      assert.deepEqual(declare("createTraining", training({ worker: { ssin: born2005 } })).anomalies, []);
      const before2000Rule = makeSsin("050607", 123, false);
      assert.notEqual(before2000Rule, born2005);
      const wrong = born2005.slice(0, 9) + String((Number(born2005.slice(9)) % 97) + 1).padStart(2, "0");
      assert.notEqual(wrong, before2000Rule);
      only(
        declare("createTraining", training({ worker: { ssin: wrong } })).anomalies,
        "LOCAL-SSIN-CHECKSUM",
        "worker.ssin",
      );
      only(
        declare("createTraining", training({ worker: { ssin: "85073003329" } })).anomalies,
        "LOCAL-SSIN-CHECKSUM",
        "worker.ssin",
      );
      const a = only(
        declare("createTraining", training({ worker: { ssin: "8507300332" } })).anomalies,
        "LOCAL-SSIN-FORMAT",
        "worker.ssin",
      );
      assert.match(a.message, /11 digits.*"8507300332"/);
      only(
        declare("createTraining", training({ worker: { ssin: "not an ssin" } })).anomalies,
        "LOCAL-SSIN-FORMAT",
        "worker.ssin",
      );
    });

    it("checks enterprise numbers (employer and training provider): 10 digits from 0 or 1, mod-97", () => {
      const second = makeEnterpriseNumber("12345678");
      assert.deepEqual(declare("createTraining", training({ employer: { enterpriseNumber: second } })).anomalies, []);
      only(
        declare("createTraining", training({ employer: { enterpriseNumber: "2" + second.slice(1) } })).anomalies,
        "LOCAL-ENTERPRISE-FORMAT",
        "employer.enterpriseNumber",
      );
      only(
        declare("createTraining", training({ trainingProvider: { enterpriseNumber: "BE 0203.430.577", name: "X" } }))
          .anomalies,
        "LOCAL-ENTERPRISE-CHECKSUM",
        "trainingProvider.enterpriseNumber",
      );
    });

    it("checks real calendar dates (leap years included)", () => {
      assert.deepEqual(
        declare("createTraining", training({ period: { startDate: "2024-02-29", endDate: "2024-02-29" } })).anomalies,
        [],
      );
      for (const bad of ["2024-02-30", "2025-02-29", "2024-13-01", "yesterday", "2024/03/04"]) {
        const a = only(
          declare("createTraining", training({ period: { startDate: "2024-03-01", endDate: bad } })).anomalies,
          "LOCAL-DATE-INVALID",
          "period.endDate",
        );
        assert.ok(a.message.includes(JSON.stringify(bad)), a.message);
      }
      only(
        declare("createTraining", training({ period: { startDate: new Date("nope"), endDate: "2024-03-01" } }))
          .anomalies,
        "LOCAL-DATE-INVALID",
        "period.startDate",
      );
    });

    it("checks the period: order, from 2024-01-01, not in the future", () => {
      const order = only(
        declare("createTraining", training({ period: { startDate: "2024-03-05", endDate: "2024-03-04" } })).anomalies,
        "LOCAL-PERIOD-ORDER",
        "period.endDate",
      );
      assert.match(order.message, /2024-03-04 is before the start date 2024-03-05/);
      only(
        declare("createTraining", training({ period: { startDate: "2023-12-31", endDate: "2024-01-01" } })).anomalies,
        "LOCAL-PERIOD-BEFORE-FLA",
        "period.startDate",
      );
      const future = only(
        declare("createTraining", training({ period: { startDate: "2025-06-15", endDate: "2025-06-16" } })).anomalies,
        "LOCAL-PERIOD-FUTURE",
        "period.endDate",
      );
      assert.match(future.message, /today is 2025-06-15/);
      only(
        declare("createTraining", training({ period: { startDate: "2025-07-01", endDate: "2025-07-01" } })).anomalies,
        "LOCAL-PERIOD-FUTURE",
        "period.startDate",
      );
      assert.deepEqual(
        declare("createTraining", training({ period: { startDate: "2024-01-01", endDate: TODAY } })).anomalies,
        [],
      );
    });

    it("checks that the duration fits the period: 24 hours a day, one day a day", () => {
      const twoDays = { startDate: "2024-03-04", endDate: "2024-03-05" };
      assert.deepEqual(
        declare("createTraining", training({ period: twoDays, duration: { value: 48, unit: "HOURS" } })).anomalies,
        [],
      );
      const a = only(
        declare("createTraining", training({ period: twoDays, duration: { value: 48.5, unit: "HOURS" } })).anomalies,
        "LOCAL-DURATION-TOO-LONG",
        "duration.value",
      );
      assert.match(a.message, /48\.5 hours .* 2 day\(s\).*at most 48 hours/);
      assert.match(a.description?.nl ?? "", /48\.5 uur/);
      assert.deepEqual(
        declare("createTraining", training({ period: twoDays, duration: { value: 2, unit: "DAYS" } })).anomalies,
        [],
      );
      only(
        declare("createTraining", training({ period: twoDays, duration: { value: 3, unit: "DAYS" } })).anomalies,
        "LOCAL-DURATION-TOO-LONG",
        "duration.value",
      );
      only(
        declare("createTraining", training({ duration: { value: -1, unit: "HOURS" } })).anomalies,
        "LOCAL-RANGE",
        "duration.value",
      );
    });
  });

  describe("employer rule", () => {
    it("employer role: fills a missing employer.enterpriseNumber from the config node, never overrides a given one", () => {
      const ctx = { ...employerCtx, defaultEnterpriseNumber: "BE 0203.430.576" };
      const filled = declare("createTraining", training({ employer: undefined }), ctx);
      assert.deepEqual((filled.value?.body as Record<string, unknown>).employer, { enterpriseNumber: EMPLOYER });
      const keepsName = declare("createTraining", training({ employer: { name: "ACME", enterpriseNumber: "" } }), ctx);
      assert.deepEqual((keepsName.value?.body as Record<string, unknown>).employer, {
        name: "ACME",
        enterpriseNumber: EMPLOYER,
      });
      const other = makeEnterpriseNumber("04040404");
      const given = declare("createTraining", training({ employer: { enterpriseNumber: other } }), ctx);
      assert.deepEqual((given.value?.body as Record<string, unknown>).employer, { enterpriseNumber: other });
    });

    it("employer role without a default: one anomaly saying where to set it", () => {
      const a = only(
        declare("createTraining", training({ employer: undefined }), { role: "employer", today: TODAY }).anomalies,
        "LOCAL-EMPLOYER-MISSING",
        "employer.enterpriseNumber",
      );
      assert.match(a.message, /config node.*payload/);
      assert.match(a.description?.fr ?? "", /nœud de configuration/);
    });

    it("provider role: every message must name its employer", () => {
      const a = only(
        declare("createTraining", training({ employer: undefined }), providerCtx).anomalies,
        "LOCAL-EMPLOYER-REQUIRED",
        "employer.enterpriseNumber",
      );
      assert.match(a.message, /authorized representative.*clients.*every message/);
      only(
        declare("createTraining", training({ employer: {} }), { ...providerCtx, defaultEnterpriseNumber: EMPLOYER })
          .anomalies,
        "LOCAL-EMPLOYER-REQUIRED",
      );
      assert.deepEqual(declare("createTraining", training(), providerCtx).anomalies, []);
    });
  });

  describe("updateTraining and cancelTraining", () => {
    it("takes the training id from msg.trainingId or payload.trainingId and removes it from the body", () => {
      const fromMsg = declare("updateTraining", training(), employerCtx, " T-000042 ");
      assert.equal(fromMsg.value?.params.trainingId, "T-000042");
      const fromPayload = declare("updateTraining", training({ trainingId: 42 }));
      assert.equal(fromPayload.value?.params.trainingId, "42");
      assert.equal("trainingId" in (fromPayload.value?.body ?? {}), false);
      assert.equal(declare("updateTraining", training({ trainingId: "T-1" }), employerCtx, "T-1").anomalies.length, 0);
    });

    it("reports a missing, malformed or conflicting training id", () => {
      only(declare("updateTraining", training()).anomalies, "LOCAL-REQUIRED", "trainingId");
      only(declare("cancelTraining", undefined).anomalies, "LOCAL-REQUIRED", "trainingId");
      only(declare("cancelTraining", {}, employerCtx, "../admin").anomalies, "LOCAL-ID-FORMAT", "trainingId");
      const c = only(
        declare("updateTraining", training({ trainingId: "T-1" }), employerCtx, "T-2").anomalies,
        "LOCAL-CONFLICT",
        "trainingId",
      );
      assert.match(c.message, /"T-1".*msg\.trainingId.*"T-2"/);
    });

    it("cancelTraining has no body: an empty payload or one with only trainingId is fine, other fields give a warning", () => {
      for (const payload of [undefined, null, "", {}]) {
        const result = declare("cancelTraining", payload, employerCtx, "T-9");
        assert.deepEqual(result, {
          value: { operation: "cancelTraining", params: { trainingId: "T-9" } },
          anomalies: [],
        });
      }
      assert.deepEqual(declare("cancelTraining", { trainingId: "T-9" }).value, {
        operation: "cancelTraining",
        params: { trainingId: "T-9" },
      });
      const warned = declare("cancelTraining", { trainingId: "T-9", title: "x", reason: "duplicate" });
      assert.deepEqual(warned.value, { operation: "cancelTraining", params: { trainingId: "T-9" } });
      const w = only(warned.anomalies, "LOCAL-BODY-IGNORED");
      assert.equal(w.severity, "WARNING");
      assert.match(w.message, /title, reason/);
    });
  });

  describe("declareTrainingRight", () => {
    it("moves enterpriseNumber, ssin and year to the path and keeps the rest as the body, unit defaulting to DAYS", () => {
      const result = declare("declareTrainingRight", {
        enterpriseNumber: "BE 0203.430.576",
        ssin: "85.07.30-033.28",
        year: "2024",
        individualDays: "5",
        sectoralDays: "2,5",
        note: "x",
      });
      assert.deepEqual(result.anomalies, []);
      assert.deepEqual(result.value, {
        operation: "declareTrainingRight",
        body: { individualDays: 5, sectoralDays: 2.5, note: "x", unit: "DAYS" },
        params: { enterpriseNumber: EMPLOYER, ssin: SSIN, year: 2024 },
      });
    });

    it("accepts employer.enterpriseNumber and worker.ssin, and fills the employer in the employer role", () => {
      const nested = declare("declareTrainingRight", {
        employer: { enterpriseNumber: EMPLOYER },
        worker: { ssin: SSIN, name: "Ann" },
        year: 2025,
        individualDays: 1,
        unit: "hours",
      });
      assert.deepEqual(nested.value?.params, { enterpriseNumber: EMPLOYER, ssin: SSIN, year: 2025 });
      assert.deepEqual(nested.value?.body, { worker: { name: "Ann" }, individualDays: 1, unit: "HOURS" });
      const filled = declare("declareTrainingRight", { ssin: SSIN, year: 2024, individualDays: 0 });
      assert.equal(filled.value?.params.enterpriseNumber, EMPLOYER);
      only(
        declare("declareTrainingRight", { ssin: SSIN, year: 2024, individualDays: 0 }, providerCtx).anomalies,
        "LOCAL-EMPLOYER-REQUIRED",
        "enterpriseNumber",
      );
    });

    it("reports the year range, missing and conflicting values, all together", () => {
      only(
        declare("declareTrainingRight", { ssin: SSIN, year: 2023, individualDays: 1 }).anomalies,
        "LOCAL-YEAR-RANGE",
        "year",
      );
      const next = only(
        declare("declareTrainingRight", { ssin: SSIN, year: 2026, individualDays: 1 }).anomalies,
        "LOCAL-YEAR-RANGE",
        "year",
      );
      assert.match(next.message, /from 2024 to 2025/);
      only(
        declare("declareTrainingRight", { ssin: SSIN, year: "twenty", individualDays: 1 }).anomalies,
        "LOCAL-TYPE",
        "year",
      );
      const all = declare("declareTrainingRight", {
        enterpriseNumber: EMPLOYER,
        employer: { enterpriseNumber: makeEnterpriseNumber("04040404") },
        sectoralDays: -1,
        unit: "weeks",
      });
      assert.deepEqual(codes(all.anomalies).sort(), [
        "LOCAL-CONFLICT enterpriseNumber",
        "LOCAL-ENUM unit",
        "LOCAL-RANGE sectoralDays",
        "LOCAL-REQUIRED individualDays",
        "LOCAL-REQUIRED ssin",
        "LOCAL-REQUIRED year",
      ]);
    });

    it("uses the current year when no today is given", () => {
      const year = new Date().getFullYear();
      assert.deepEqual(
        validateDeclaration(
          "declareTrainingRight",
          { payload: { ssin: SSIN, year, individualDays: 1 } },
          { role: "employer", defaultEnterpriseNumber: EMPLOYER },
        ).anomalies,
        [],
      );
      only(
        validateDeclaration(
          "declareTrainingRight",
          { payload: { ssin: SSIN, year: year + 1, individualDays: 1 } },
          { role: "employer", defaultEnterpriseNumber: EMPLOYER },
        ).anomalies,
        "LOCAL-YEAR-RANGE",
      );
    });
  });
});

describe("core/validation: custom schema", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "fla-schema-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const titleOnly = {
    type: "object",
    required: ["title"],
    properties: { title: { type: "string", pattern: "^[A-Z]" } },
    additionalProperties: true,
  };

  it("replaces the built-in schema: fields it does not know are not required, identifier checks still run", () => {
    const schema = loadCustomSchema(JSON.stringify(titleOnly));
    const ctx = { ...providerCtx, customSchema: schema };
    const ok = declare("createTraining", { title: "Welding" }, ctx);
    assert.deepEqual(ok.anomalies, []);
    assert.deepEqual(ok.value?.body, { title: "Welding" }, "no employer added when the schema does not know it");
    const bad = declare(
      "createTraining",
      { title: "welding", worker: { ssin: "85073003329" }, period: { startDate: "2024-02-30", endDate: "2024-03-01" } },
      ctx,
    );
    assert.deepEqual(codes(bad.anomalies).sort(), [
      "LOCAL-DATE-INVALID period.startDate",
      "LOCAL-FORMAT title",
      "LOCAL-SSIN-CHECKSUM worker.ssin",
    ]);
    assert.match(bad.anomalies.find((a) => a.code === "LOCAL-FORMAT")?.message ?? "", /pattern \^\[A-Z\].*"welding"/);
  });

  it("turns additionalProperties and other keywords into friendly anomalies", () => {
    const schema = loadCustomSchema(
      JSON.stringify({
        type: "object",
        properties: { title: { type: "string", not: { const: "TBD" } }, employer: { type: "object" } },
        additionalProperties: false,
      }),
    );
    const result = declare(
      "createTraining",
      { title: "TBD", colour: "red", employer: { enterpriseNumber: EMPLOYER } },
      { ...employerCtx, customSchema: schema },
    );
    assert.deepEqual(codes(result.anomalies).sort(), ["LOCAL-SCHEMA title", "LOCAL-UNKNOWN-FIELD colour"]);
    const employerFilled = declare("createTraining", { title: "x" }, { ...employerCtx, customSchema: schema });
    assert.deepEqual(
      employerFilled.value?.body,
      { title: "x", employer: { enterpriseNumber: EMPLOYER } },
      "the schema knows employer: filled",
    );
  });

  it("validates a training right's body with the custom schema while the path parameters are still checked", () => {
    const schema = loadCustomSchema(
      JSON.stringify({ type: "object", required: ["days"], properties: { days: { type: "number" } } }),
    );
    const result = declare(
      "declareTrainingRight",
      { ssin: "85073003329", year: 2024, individualDays: 3 },
      { ...employerCtx, customSchema: schema },
    );
    assert.deepEqual(codes(result.anomalies).sort(), ["LOCAL-REQUIRED days", "LOCAL-SSIN-CHECKSUM ssin"]);
    const ok = declare(
      "declareTrainingRight",
      { ssin: SSIN, year: 2024, days: 3 },
      { ...employerCtx, customSchema: schema },
    );
    assert.deepEqual(ok.value?.body, { days: 3 }, "no unit added when the schema does not know it");
    only(
      declare("declareTrainingRight", { ssin: SSIN, year: 2024, days: "3" }, { ...employerCtx, customSchema: schema })
        .anomalies,
      "LOCAL-TYPE",
      "days",
    );
  });

  it("loads a schema file, and a body schema inside an OpenAPI document with its $refs", () => {
    const file = join(dir, "training.schema.json");
    writeFileSync(file, JSON.stringify(titleOnly));
    assert.deepEqual(loadCustomSchema(` ${file} `), titleOnly);
    const openapi = {
      openapi: "3.0.3",
      paths: {},
      components: {
        schemas: {
          Training: {
            type: "object",
            required: ["worker"],
            properties: { worker: { $ref: "#/components/schemas/Worker" } },
            example: { x: 1 },
          },
          Worker: { type: "object", required: ["ssin"], properties: { ssin: { type: "string", nullable: false } } },
        },
      },
    };
    const doc = join(dir, "fla-openapi.json");
    writeFileSync(doc, JSON.stringify(openapi));
    const schema = loadCustomSchema(`${doc}#/components/schemas/Training`);
    const result = declare("createTraining", { worker: {} }, { ...employerCtx, customSchema: schema });
    only(result.anomalies, "LOCAL-REQUIRED", "worker.ssin");
    assert.throws(
      () => loadCustomSchema(doc),
      (err: FlaError) => err.code === "FLA_CONFIG" && /#\/components\/schemas\/Training/.test(err.message),
    );
    assert.throws(
      () => loadCustomSchema(`${doc}#/components/schemas/Nope`),
      (err: FlaError) => err.code === "FLA_CONFIG" && /no schema at/.test(err.message),
    );
  });

  it("compiles draft 2020-12 schemas", () => {
    const schema = loadCustomSchema(
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        $defs: { t: { type: "string" } },
        properties: { title: { $ref: "#/$defs/t" } },
      }),
    );
    only(
      declare("createTraining", { title: 3 }, { ...providerCtx, customSchema: schema }).anomalies,
      "LOCAL-TYPE",
      "title",
    );
  });

  it("fails with FLA_CONFIG and a clear message on a missing file, bad JSON, a non-object or an invalid schema", () => {
    const cases: [string, RegExp][] = [
      [join(dir, "missing.json"), /cannot be read \(the file does not exist\)/],
      ["{ not json", /not valid JSON/],
      ["", /empty/],
      [JSON.stringify({ type: "nonsense" }), /not a valid JSON schema/],
    ];
    const arrayFile = join(dir, "array.json");
    writeFileSync(arrayFile, "[1,2]");
    cases.push([arrayFile, /must be a JSON object/]);
    for (const [source, message] of cases) {
      assert.throws(
        () => loadCustomSchema(source),
        (err: unknown) => err instanceof FlaError && err.code === "FLA_CONFIG" && message.test(err.message),
        source,
      );
    }
  });

  it("compiles each schema once and reuses it", () => {
    const schema = loadCustomSchema(JSON.stringify(titleOnly));
    assert.equal(compileSchema(schema), compileSchema(schema));
    loadCustomSchema(JSON.stringify({ ...titleOnly, $id: "same-id" }));
    assert.doesNotThrow(
      () => loadCustomSchema(JSON.stringify({ ...titleOnly, $id: "same-id" })),
      "a redeploy with the same $id does not collide",
    );
    assert.throws(
      () => declare("createTraining", { title: "x" }, { ...employerCtx, customSchema: { type: 12 } }),
      (err: unknown) => err instanceof FlaError && err.code === "FLA_CONFIG" && /cannot be compiled/.test(err.message),
      "a schema set without loadCustomSchema fails as a configuration error",
    );
  });
});

describe("core/validation: queries", () => {
  it("training and declaration need their id, trimmed, numbers accepted", () => {
    assert.deepEqual(query("training", { trainingId: " T-1 " }).value, {
      operation: "training",
      params: { trainingId: "T-1" },
    });
    assert.deepEqual(query("declaration", { declarationId: 7, ssin: "whatever" }).value, {
      operation: "declaration",
      params: { declarationId: "7" },
    });
    only(query("training", { trainingId: "" }).anomalies, "LOCAL-REQUIRED", "trainingId");
    only(query("declaration", {}).anomalies, "LOCAL-REQUIRED", "declarationId");
    only(query("training", { trainingId: "a b" }).anomalies, "LOCAL-ID-FORMAT", "trainingId");
  });

  it("trainings: employer default, normalised filters and paging, empty text as not given", () => {
    const result = query("trainings", {
      enterpriseNumber: "",
      ssin: "85.07.30-033.28",
      startDate: new Date("2024-01-01"),
      endDate: "31/12/2024",
      page: "2",
      pageSize: 100,
    });
    assert.deepEqual(result.anomalies, []);
    assert.deepEqual(result.value, {
      operation: "trainings",
      params: {
        enterpriseNumber: EMPLOYER,
        ssin: SSIN,
        startDate: "2024-01-01",
        endDate: "2024-12-31",
        page: 2,
        pageSize: 100,
      },
    });
    only(query("trainings", {}, providerCtx).anomalies, "LOCAL-EMPLOYER-REQUIRED", "enterpriseNumber");
    only(query("trainings", {}, { role: "employer" }).anomalies, "LOCAL-EMPLOYER-MISSING", "enterpriseNumber");
    assert.deepEqual(query("trainings", { enterpriseNumber: "BE 0203.430.576" }, providerCtx).value?.params, {
      enterpriseNumber: EMPLOYER,
    });
  });

  it("trainings: reports every bad parameter together", () => {
    const result = query("trainings", {
      enterpriseNumber: "0203430577",
      ssin: "123",
      startDate: "2024-05-01",
      endDate: "2024-04-30",
      page: 0,
      pageSize: 101,
    });
    assert.deepEqual(codes(result.anomalies).sort(), [
      "LOCAL-ENTERPRISE-CHECKSUM enterpriseNumber",
      "LOCAL-PERIOD-ORDER endDate",
      "LOCAL-RANGE page",
      "LOCAL-RANGE pageSize",
      "LOCAL-SSIN-FORMAT ssin",
    ]);
    assert.match(result.anomalies.find((a) => a.field === "pageSize")?.message ?? "", /at most 100, but received 101/);
    only(query("trainings", { startDate: "2024-02-30" }).anomalies, "LOCAL-DATE-INVALID", "startDate");
    only(query("trainings", { page: 1.5 }).anomalies, "LOCAL-TYPE", "page");
  });

  it("warns when a filter is given to a query that does not use it", () => {
    const result = query("trainings", { year: 2024 });
    assert.ok(result.value);
    const w = only(result.anomalies, "LOCAL-PARAM-IGNORED", "year");
    assert.equal(w.severity, "WARNING");
    assert.deepEqual(result.value.params, { enterpriseNumber: EMPLOYER });
  });

  it("trainingRights: enterpriseNumber required, ssin and year optional, year in range", () => {
    assert.deepEqual(query("trainingRights", { year: "2025" }).value?.params, {
      enterpriseNumber: EMPLOYER,
      year: 2025,
    });
    only(query("trainingRights", { year: 2023 }).anomalies, "LOCAL-YEAR-RANGE", "year");
    only(query("trainingRights", { ssin: "85073003329" }).anomalies, "LOCAL-SSIN-CHECKSUM", "ssin");
  });

  it("trainingCredit: enterpriseNumber, ssin and year all required", () => {
    assert.deepEqual(query("trainingCredit", { ssin: SSIN, year: 2024 }).value?.params, {
      enterpriseNumber: EMPLOYER,
      ssin: SSIN,
      year: 2024,
    });
    assert.deepEqual(codes(query("trainingCredit", {}, providerCtx).anomalies).sort(), [
      "LOCAL-EMPLOYER-REQUIRED enterpriseNumber",
      "LOCAL-REQUIRED ssin",
      "LOCAL-REQUIRED year",
    ]);
  });

  it("never changes the caller's input and reports an unknown query", () => {
    const input = deepFreeze({ ssin: " 85.07.30-033.28 ", startDate: new Date("2024-01-01"), page: "2" });
    const snapshot = structuredClone(input);
    assert.ok(query("trainings", input).value);
    assert.deepEqual(input, snapshot);
    only(query("everything" as QueryOperation, {}).anomalies, "LOCAL-OPERATION-UNKNOWN", "query");
  });
});

describe("core/validation: payloads that cannot be declared as they are (more in inputSafety.test.ts)", () => {
  it("gives each its own code, before any copy", () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 1_000; i++) deep = { a: deep };
    const tooDeep = declare("createTraining", training({ extra: deep })).anomalies;
    assert.deepEqual(codes(tooDeep), [
      "LOCAL-PAYLOAD-TOO-DEEP extra.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a",
      "LOCAL-PAYLOAD-REPLACED payload",
    ]);
    only(declare("createTraining", training({ note: "x".repeat(1_000_001) })).anomalies, "LOCAL-PAYLOAD-TOO-LARGE");
    const circular = training();
    circular.again = circular;
    only(declare("createTraining", circular).anomalies, "LOCAL-PAYLOAD-CIRCULAR", "again");
    const getter = training();
    Object.defineProperty(getter, "nature", {
      enumerable: true,
      get: () => {
        throw new Error("no");
      },
    });
    assert.deepEqual(codes(declare("createTraining", getter).anomalies), [
      "LOCAL-PAYLOAD-UNREADABLE nature",
      "LOCAL-PAYLOAD-REPLACED payload",
    ]);
    only(
      declare("createTraining", training({ title: Buffer.from("x") })).anomalies,
      "LOCAL-PAYLOAD-UNSUPPORTED",
      "title",
    );
    only(
      declare("createTraining", training({ duration: { value: Infinity, unit: "HOURS" } })).anomalies,
      "LOCAL-NUMBER-NOT-FINITE",
      "duration.value",
    );
    only(
      declare("createTraining", JSON.parse(`{"__proto__": ${JSON.stringify(training())}}`)).anomalies,
      "LOCAL-KEY-FORBIDDEN",
      "__proto__",
    );
    only(declare("createTraining", training({ title: "\u200b\u200b" })).anomalies, "LOCAL-TEXT-BLANK", "title");
    only(declare("createTraining", training({ title: "A\u0000B" })).anomalies, "LOCAL-TEXT-CONTROL", "title");
    only(declare("cancelTraining", {}, employerCtx, "..").anomalies, "LOCAL-ID-FORMAT", "trainingId");
  });
});

describe("core/validation: anomaly catalogue", () => {
  it("every code of LOCAL_ANOMALY_CODES was produced by the tests above, and every produced code is catalogued", () => {
    const catalogued = Object.keys(LOCAL_ANOMALY_CODES).sort();
    assert.deepEqual([...seen].sort(), catalogued);
    for (const [code, text] of Object.entries(LOCAL_ANOMALY_CODES)) {
      assert.match(code, /^LOCAL-[A-Z-]+$/);
      assert.ok(text.en && text.fr && text.nl, code);
      assert.notEqual(text.fr, text.en, code);
      assert.notEqual(text.nl, text.en, code);
    }
  });
});
