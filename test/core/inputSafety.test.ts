/**
 * Hostile and accidental input reaches the core: deep nesting, cycles, throwing getters, values JSON cannot carry,
 * huge texts, keys that reshape an object, non-finite numbers, invisible titles and identifiers that URL normalisation
 * would change. Each ends in one local anomaly before any request (the simulator counts what reached it), and
 * validation itself never throws.
 */
import assert from "node:assert/strict";
import { buildRequest } from "../../src/core/api/catalogue";
import { declare, type DeclareDeps } from "../../src/core/declare";
import { processDeclareMessage } from "../../src/core/messages/declareMessage";
import type { Anomaly, Outcome } from "../../src/core/result";
import { query } from "../../src/core/query";
import { validateDeclaration, validateQuery, type ValidationContext } from "../../src/core/validation";
import { SEED } from "../../src/simulator";
import { startEmployerAndProvider, type EmployerAndProvider } from "./apiSimulatorSetup";

const ctx: ValidationContext = { role: "employer", defaultEnterpriseNumber: "0203430576", today: "2025-06-15" };

function training(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    employer: { enterpriseNumber: "0203430576" },
    worker: { ssin: "85073003328" },
    title: "Forklift safety",
    period: { startDate: "2024-03-04", endDate: "2024-03-05" },
    nature: "FORMAL",
    duration: { value: 14, unit: "HOURS" },
    ...overrides,
  };
}

/** An object nested `levels` deep: { a: { a: ... { a: leaf } } }. */
export function nested(levels: number, leaf: unknown = 1): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let here = root;
  for (let i = 1; i < levels; i++) {
    const next: Record<string, unknown> = {};
    here.a = next;
    here = next;
  }
  here.a = leaf;
  return root;
}

function codesOf(anomalies: Anomaly[]): string[] {
  return anomalies.map((a) => a.code);
}

function validate(
  payload: unknown,
  operation: "createTraining" | "declareTrainingRight" | "cancelTraining" = "createTraining",
  trainingId?: unknown,
) {
  return validateDeclaration(operation, { payload, trainingId }, ctx);
}

function refusedWith(payload: unknown, code: string, field?: string): Anomaly {
  const result = validate(payload);
  assert.equal(result.value, undefined, `${code}: refused`);
  const found = result.anomalies.find((a) => a.code === code);
  assert.ok(found, `expected ${code}, got ${JSON.stringify(codesOf(result.anomalies))}`);
  if (field !== undefined) assert.equal(found.field, field);
  for (const lang of ["en", "fr", "nl"] as const) assert.match(found.description?.[lang] ?? "", /\S{3}/);
  return found;
}

describe("core: input that must not crash or reshape anything", () => {
  describe("payload structure, before any deep copy", () => {
    it("refuses a field nested 5,000 and 100,000 levels deep with LOCAL-PAYLOAD-TOO-DEEP", () => {
      for (const levels of [65, 5_000, 100_000]) {
        const found = refusedWith(training({ extra: nested(levels) }), "LOCAL-PAYLOAD-TOO-DEEP");
        assert.match(found.field ?? "", /^extra(\.a)+/);
        assert.ok((found.field ?? "").length <= 200, "the field path stays short");
      }
      // 60 levels of unknown field are fine.
      assert.ok(validate(training({ extra: nested(60) })).value);
    });

    it("refuses a circular payload with LOCAL-PAYLOAD-CIRCULAR (not FLA_HTTP 'Maximum call stack')", () => {
      const payload = training();
      (payload.worker as Record<string, unknown>).self = payload;
      refusedWith(payload, "LOCAL-PAYLOAD-CIRCULAR", "worker.self");
      // The same object twice (not a cycle) is fine.
      const shared = { note: "x" };
      assert.ok(validate(training({ a: shared, b: shared })).value);
    });

    it("refuses a payload whose getter throws with LOCAL-PAYLOAD-UNREADABLE", () => {
      const payload = training();
      Object.defineProperty(payload, "title", {
        enumerable: true,
        get: () => {
          throw new Error("boom");
        },
      });
      refusedWith(payload, "LOCAL-PAYLOAD-UNREADABLE", "title");
      const revoked = Proxy.revocable({}, {});
      revoked.revoke();
      refusedWith(training({ extra: revoked.proxy }), "LOCAL-PAYLOAD-UNREADABLE", "extra");
    });

    it("refuses Buffers, functions, Symbols, BigInt, Maps and class instances with LOCAL-PAYLOAD-UNSUPPORTED", () => {
      class Thing {
        x = 1;
      }
      const cases: Array<[string, unknown]> = [
        ["buffer", Buffer.from("abc")],
        ["fn", () => 1],
        ["symbol", Symbol("s")],
        ["big", 10n],
        ["map", new Map([["a", 1]])],
        ["thing", new Thing()],
      ];
      for (const [key, value] of cases) refusedWith(training({ [key]: value }), "LOCAL-PAYLOAD-UNSUPPORTED", key);
      // A Date stays accepted (normalised to its calendar date).
      assert.ok(validate(training({ period: { startDate: new Date("2024-03-04"), endDate: "2024-03-05" } })).value);
    });

    it("refuses a declaration whose JSON text exceeds 1 MB with LOCAL-PAYLOAD-TOO-LARGE", () => {
      refusedWith(training({ note: "x".repeat(1_100_000) }), "LOCAL-PAYLOAD-TOO-LARGE");
      refusedWith(training({ rows: Array.from({ length: 200_000 }, (_, i) => i) }), "LOCAL-PAYLOAD-TOO-LARGE");
      assert.ok(validate(training({ note: "x".repeat(100_000) })).value);
    });

    it("refuses the keys __proto__, constructor and prototype at any depth (nothing validated differs from what is sent)", () => {
      const smuggled = JSON.parse(`{"__proto__": ${JSON.stringify(training())}}`);
      refusedWith(smuggled, "LOCAL-KEY-FORBIDDEN", "__proto__");
      refusedWith(
        training({ worker: JSON.parse(`{"ssin": "85073003328", "constructor": {"x": 1}}`) }),
        "LOCAL-KEY-FORBIDDEN",
        "worker.constructor",
      );
      refusedWith(training({ prototype: 1 }), "LOCAL-KEY-FORBIDDEN", "prototype");
    });

    it("refuses non-finite numbers (1e309 → Infinity, NaN) with LOCAL-NUMBER-NOT-FINITE", () => {
      const infinite = JSON.parse('{"ssin": "85073003328", "year": 2024, "individualDays": 1e309}');
      const result = validate(infinite, "declareTrainingRight");
      assert.equal(result.value, undefined, JSON.stringify(result.value?.body ?? null));
      assert.deepEqual(
        result.anomalies.map((a) => `${a.code} ${a.field}`),
        ["LOCAL-NUMBER-NOT-FINITE individualDays"],
      );
      refusedWith(training({ duration: { value: NaN, unit: "HOURS" } }), "LOCAL-NUMBER-NOT-FINITE", "duration.value");
      refusedWith(training({ extra: { n: -Infinity } }), "LOCAL-NUMBER-NOT-FINITE", "extra.n");
    });

    it("never throws, whatever the payload or the trainingId", () => {
      const hostile: unknown[] = [
        nested(200_000),
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error("x");
            },
          },
        ),
        Object.create(null),
        [nested(10)],
      ];
      const badToString = {
        toString: () => {
          throw new Error("no");
        },
        [Symbol.toPrimitive]: () => {
          throw new Error("no");
        },
      };
      for (const payload of hostile) {
        assert.doesNotThrow(() => validate(payload));
        assert.doesNotThrow(() => validate({}, "cancelTraining", payload));
      }
      assert.doesNotThrow(() => validate({}, "cancelTraining", badToString));
      assert.doesNotThrow(() => validateQuery("training", { trainingId: badToString }, ctx));
    });
  });

  describe("free texts", () => {
    it("refuses a title that is blank or made only of zero-width, invisible or control characters (LOCAL-TEXT-BLANK)", () => {
      for (const title of ["\u200b\u200b", "\u2060\ufeff", "\u0000\u0001", "\u200e\u202e", "\u200b \u200c"]) {
        refusedWith(training({ title }), "LOCAL-TEXT-BLANK", "title");
      }
      refusedWith(training({ trainingProvider: { name: "\u200b" } }), "LOCAL-TEXT-BLANK", "trainingProvider.name");
      refusedWith(training({ externalReference: "\u200b\u200d" }), "LOCAL-TEXT-BLANK", "externalReference");
    });

    it("refuses control characters inside a free text (LOCAL-TEXT-CONTROL); tabs and line breaks stay", () => {
      refusedWith(training({ title: "Fork\u0000lift" }), "LOCAL-TEXT-CONTROL", "title");
      refusedWith(training({ title: "Fork\u001blift" }), "LOCAL-TEXT-CONTROL", "title");
      assert.ok(validate(training({ title: "Forklift\tsafety\nday 1" })).value);
      assert.ok(validate(training({ title: "Sécurité chariot élévateur – jour 1 ✓" })).value);
    });
  });

  describe("identifiers that URL normalisation would change (LOCAL-ID-FORMAT)", () => {
    const bad = [
      ".",
      "..",
      "...",
      "a\u0000b",
      "a\u007fb",
      "T\u0085",
      "\uD800",
      "．．",
      "T／1",
      "Ｔ-1",
      "%2e%2e",
      "a\\b",
      "T-1\u200b",
    ];

    it("refuses them for updateTraining / cancelTraining (msg.trainingId and payload.trainingId)", () => {
      for (const id of bad) {
        const fromMsg = validate({}, "cancelTraining", id);
        assert.deepEqual(codesOf(fromMsg.anomalies), ["LOCAL-ID-FORMAT"], JSON.stringify(id));
        const fromPayload = validateDeclaration("updateTraining", { payload: training({ trainingId: id }) }, ctx);
        assert.ok(codesOf(fromPayload.anomalies).includes("LOCAL-ID-FORMAT"), JSON.stringify(id));
      }
      assert.ok(validate({}, "cancelTraining", "T-000042").value);
      assert.ok(validate({}, "cancelTraining", "3f2a9c1e-7b1d-4e7a-9d1c-0a6b5e4c3d2f").value);
      assert.ok(validate({}, "cancelTraining", "T.42").value);
    });

    it("refuses them for the training and declaration queries", () => {
      for (const id of bad) {
        assert.deepEqual(
          codesOf(validateQuery("training", { trainingId: id }, ctx).anomalies),
          ["LOCAL-ID-FORMAT"],
          JSON.stringify(id),
        );
        assert.deepEqual(
          codesOf(validateQuery("declaration", { declarationId: id }, ctx).anomalies),
          ["LOCAL-ID-FORMAT"],
          JSON.stringify(id),
        );
      }
    });

    it("buildRequest never produces a path that URL normalisation changes", () => {
      for (const id of [".", "..", "\uD800"]) {
        assert.throws(() => buildRequest("cancelTraining", { trainingId: id }), TypeError, JSON.stringify(id));
        assert.throws(() => buildRequest("training", { trainingId: id }), TypeError, JSON.stringify(id));
      }
      assert.equal(buildRequest("training", { trainingId: "T-1" }).path, "/trainings/T-1");
      assert.equal(buildRequest("training", { trainingId: "a b" }).path, "/trainings/a%20b");
    });
  });

  describe("against the simulator: no request is made", function () {
    this.timeout(30_000);
    let setup: EnvSetup;
    type EnvSetup = EmployerAndProvider;
    let deps: DeclareDeps;
    before(async () => {
      setup = await startEmployerAndProvider();
      deps = {
        client: setup.employer.client,
        validation: { role: "employer", defaultEnterpriseNumber: SEED.demoEmployer, today: setup.sim.today },
        waitForResult: false,
        pollTimeoutMs: 0,
      };
    });
    after(async () => {
      await setup?.stop();
    });
    const requests = (): number => setup.sim.stats.requests;

    it("a deep, circular or unreadable payload ends as one anomaly; an uncopyable one comes back as a summary", async () => {
      const before = requests();
      const circular = training();
      circular.self = circular;
      const getter = training();
      Object.defineProperty(getter, "worker", {
        enumerable: true,
        get: () => {
          throw new Error("boom");
        },
      });
      const deep = training({ extra: nested(10_000) });
      const cases: Array<[unknown, string, boolean]> = [
        [deep, "LOCAL-PAYLOAD-TOO-DEEP", false],
        [circular, "LOCAL-PAYLOAD-CIRCULAR", true],
        [getter, "LOCAL-PAYLOAD-UNREADABLE", false],
        [training({ extra: nested(100) }), "LOCAL-PAYLOAD-TOO-DEEP", true],
      ];
      for (const [payload, code, givenBack] of cases) {
        const outcome = await declare({ operation: "createTraining", payload }, deps);
        assert.equal(outcome.output, "anomaly", code);
        assert.equal(outcome.fla.status, "INVALID");
        assert.equal(outcome.fla.anomalies[0].code, code);
        if (givenBack) assert.equal(outcome.payload, payload, `${code}: the payload is given back untouched`);
        else {
          assert.notEqual(outcome.payload, payload, `${code}: an uncopyable payload is not given back`);
          assert.ok(
            outcome.fla.anomalies.some((a) => a.code === "LOCAL-PAYLOAD-REPLACED" && a.severity === "WARNING"),
            code,
          );
          assert.doesNotThrow(() => structuredClone(outcome.payload));
          assert.ok(JSON.stringify(outcome.payload).length < 2_000);
        }
      }
      const smuggled = JSON.parse(`{"__proto__": ${JSON.stringify(training())}}`);
      assert.equal(
        (await declare({ operation: "createTraining", payload: smuggled }, deps)).fla.anomalies[0].code,
        "LOCAL-KEY-FORBIDDEN",
      );
      assert.equal(
        (await declare({ operation: "cancelTraining", payload: {}, trainingId: ".." }, deps)).fla.anomalies[0].code,
        "LOCAL-ID-FORMAT",
      );
      assert.equal(requests(), before, "no request reached the API");
    });

    it("an array payload: each element is inspected on its own, one outcome per element", async () => {
      const before = requests();
      const getterRow = {};
      Object.defineProperty(getterRow, "title", {
        enumerable: true,
        get: () => {
          throw new Error("boom");
        },
      });
      const items: unknown[] = [training({ extra: nested(5_000) }), getterRow, training({ title: "\u200b" })];
      Object.defineProperty(items, 3, {
        enumerable: true,
        get: () => {
          throw new Error("index");
        },
      });
      const outcomes: Array<[Outcome, number | undefined]> = [];
      await processDeclareMessage(
        { configuredOperation: "createTraining", msgOperation: undefined, payload: items, trainingId: undefined },
        (request) => declare(request, deps),
        (outcome, part) => outcomes.push([outcome, part?.index]),
      );
      const byIndex = outcomes
        .sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0))
        .map(([o, i]) => `${i} ${o.output} ${o.fla.anomalies[0]?.code}`);
      assert.deepEqual(byIndex, [
        "0 anomaly LOCAL-PAYLOAD-TOO-DEEP",
        "1 anomaly LOCAL-PAYLOAD-UNREADABLE",
        "2 anomaly LOCAL-TEXT-BLANK",
        "3 anomaly LOCAL-PAYLOAD-UNREADABLE",
      ]);
      assert.equal(requests(), before);
    });

    it("a long array of invalid rows lets the event loop run between rows (it is not one chain of microtasks)", async () => {
      const rows = Array.from({ length: 3_000 }, () => training({ worker: { ssin: "85.07.30-033.29" } }));
      let emitted = 0;
      let emittedWhenTheLoopRan = -1;
      setImmediate(() => (emittedWhenTheLoopRan = emitted));
      await processDeclareMessage(
        { configuredOperation: "createTraining", msgOperation: undefined, payload: rows, trainingId: undefined },
        (request) => declare(request, deps),
        () => emitted++,
        32,
      );
      assert.equal(emitted, rows.length);
      assert.ok(
        emittedWhenTheLoopRan >= 0 && emittedWhenTheLoopRan < rows.length,
        `the loop ran after ${emittedWhenTheLoopRan} of ${rows.length} rows`,
      );
    });

    it("an unknown operation with an uncopyable payload gives back a summary", async () => {
      const outcomes: Outcome[] = [];
      const deep = nested(10_000);
      await processDeclareMessage(
        { configuredOperation: "msg", msgOperation: "nope", payload: deep, trainingId: undefined },
        (r) => declare(r, deps),
        (o) => outcomes.push(o),
      );
      assert.equal(outcomes.length, 1);
      assert.equal(outcomes[0].fla.anomalies[0].code, "LOCAL-OPERATION-UNKNOWN");
      assert.notEqual(outcomes[0].output === "error" ? undefined : outcomes[0].payload, deep);
    });

    it("query: '.' or '..' as trainingId makes no request", async () => {
      const before = requests();
      for (const trainingId of [".", ".."]) {
        const outcome = await query(
          { operation: "training", params: { trainingId }, paging: "first" },
          { client: setup.employer.client, validation: deps.validation },
        );
        assert.equal(outcome.output, "anomaly");
        assert.equal(outcome.fla.anomalies[0].code, "LOCAL-ID-FORMAT");
      }
      assert.equal(requests(), before);
    });
  });
});
