/**
 * Every list the nodes use about operations and their parameters is the catalogue's, derived from the descriptors:
 * operation names, the editor's list, the query node's parameters, the query validation (schemas, required and
 * ignored parameters), the body schemas and the LOCAL-PARAM-IGNORED hint. A list kept by hand somewhere fails here.
 */
import assert from "node:assert/strict";
import {
  CATALOGUE,
  Catalogue,
  DECLARE_OPERATION_NAMES,
  OPERATIONS,
  QUERY_OPERATION_NAMES,
  operationsForEditor,
  type OperationDescriptor,
} from "../../src/core/api/catalogue";
import { QUERY_PARAMETER_NAMES } from "../../src/core/messages/queryParams";
import { DECLARE_OPERATIONS, LOCAL_ANOMALY_CODES, QUERY_OPERATIONS } from "../../src/core/validation";
import { validateQuery, schemaOf } from "../../src/core/validation/query";
import { BODY_SCHEMAS, TRAINING_RIGHT_SCHEMA, TRAINING_SCHEMA } from "../../src/core/validation/schemas";

const ctx = { role: "employer" as const, defaultEnterpriseNumber: "0203430576", today: "2025-06-30" };
const specs = Object.values(OPERATIONS);
const queries = specs.filter((spec) => spec.kind === "query");

/** A valid value of each format, to give a parameter without tripping its rule. */
const SAMPLE: Record<string, unknown> = {
  id: "X-1",
  enterpriseNumber: "0203430576",
  ssin: "85073003328",
  year: 2025,
  date: "2025-01-01",
  page: 1,
  pageSize: 10,
};

describe("core/api catalogue: every list is derived from the descriptors", () => {
  it("the built-in queries accept and require what they did before the descriptors (the contract as reconstructed)", () => {
    const fields = Object.fromEntries(
      queries.map((spec) => [
        spec.name,
        {
          accepted: spec.params.map((p) => p.name),
          required: spec.params.filter((p) => p.in === "path" || p.required).map((p) => p.name),
        },
      ]),
    );
    assert.deepEqual(fields, {
      training: { accepted: ["trainingId"], required: ["trainingId"] },
      trainings: {
        accepted: ["enterpriseNumber", "ssin", "startDate", "endDate", "page", "pageSize"],
        required: ["enterpriseNumber"],
      },
      declaration: { accepted: ["declarationId"], required: ["declarationId"] },
      trainingRights: {
        accepted: ["enterpriseNumber", "ssin", "year", "page", "pageSize"],
        required: ["enterpriseNumber"],
      },
      trainingCredit: {
        accepted: ["enterpriseNumber", "ssin", "year"],
        required: ["enterpriseNumber", "ssin", "year"],
      },
    });
  });

  it("operation names: the validation's and the nodes' lists are the descriptors' names by kind", () => {
    assert.deepEqual(
      [...DECLARE_OPERATIONS],
      specs.filter((s) => s.kind === "declare").map((s) => s.name),
    );
    assert.deepEqual(
      [...QUERY_OPERATIONS],
      queries.map((s) => s.name),
    );
    assert.deepEqual([...DECLARE_OPERATION_NAMES, ...QUERY_OPERATION_NAMES].sort(), Object.keys(OPERATIONS).sort());
    for (const spec of specs)
      assert.equal(OPERATIONS[spec.name as keyof typeof OPERATIONS].name, spec.name, "keyed by its own name");
  });

  it("the editor's list: kind, path parameters, query parameters (required), paged", () => {
    const editor = operationsForEditor();
    assert.deepEqual(
      editor.map((op) => op.name),
      Object.keys(OPERATIONS),
    );
    for (const op of editor) {
      const spec = OPERATIONS[op.name as keyof typeof OPERATIONS];
      assert.equal(op.kind, spec.kind);
      assert.deepEqual(
        op.pathParams,
        [...spec.pathTemplate.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        op.name,
      );
      assert.deepEqual(
        op.queryParams.map((p) => p.name),
        spec.queryParams.filter((name) => name !== spec.paging?.page && name !== spec.paging?.pageSize),
        op.name,
      );
      assert.deepEqual(
        op.queryParams.filter((p) => p.required).map((p) => p.name),
        spec.params.filter((p) => p.in === "query" && p.required).map((p) => p.name),
      );
      assert.equal(op.paged, spec.answer === "collection", op.name);
    }
  });

  it("the query node's parameters: every parameter of every query, once", () => {
    const union = new Set(queries.flatMap((spec) => spec.params.map((p) => p.name)));
    assert.deepEqual([...QUERY_PARAMETER_NAMES].sort(), [...union].sort());
  });

  it("the query validation's schema of each query: its parameters, its required ones", () => {
    for (const spec of queries) {
      const schema = schemaOf(spec) as { properties: Record<string, unknown>; required: string[] };
      assert.deepEqual(
        Object.keys(schema.properties),
        spec.params.map((p) => p.name),
        spec.name,
      );
      assert.deepEqual(
        schema.required,
        spec.params.filter((p) => p.in === "path" || p.required).map((p) => p.name),
        spec.name,
      );
    }
  });

  it("the query validation keeps exactly the parameters a query takes, warns for the filters it does not, requires the required", () => {
    for (const spec of queries) {
      const given = Object.fromEntries(spec.params.map((p) => [p.name, SAMPLE[p.format]]));
      const taken = validateQuery(spec.name, given, ctx);
      assert.deepEqual(taken.anomalies, [], spec.name);
      assert.deepEqual(Object.keys(taken.value?.params ?? {}).sort(), spec.params.map((p) => p.name).sort(), spec.name);

      const filters = CATALOGUE.filters(spec.name);
      for (const other of queries) {
        for (const param of other.params) {
          if (spec.params.some((p) => p.name === param.name)) continue;
          const result = validateQuery(spec.name, { ...given, [param.name]: SAMPLE[param.format] }, ctx);
          const warned = result.anomalies.some((a) => a.code === "LOCAL-PARAM-IGNORED" && a.field === param.name);
          assert.equal(
            warned,
            filters.length > 0 && CATALOGUE.filters(other.name).includes(param.name),
            `${spec.name} given ${param.name}`,
          );
          assert.equal(result.value?.params[param.name], undefined, `${spec.name} does not send ${param.name}`);
        }
      }

      for (const param of spec.params.filter((p) => (p.in === "path" || p.required) && !p.employer)) {
        const missing = validateQuery(spec.name, { ...given, [param.name]: undefined }, ctx);
        assert.ok(
          missing.anomalies.some((a) => a.code === "LOCAL-REQUIRED" && a.field === param.name),
          `${spec.name} without ${param.name}`,
        );
      }
      for (const param of spec.params.filter((p) => p.employer)) {
        const missing = validateQuery(spec.name, { ...given, [param.name]: undefined }, { role: "provider" });
        assert.ok(
          missing.anomalies.some((a) => a.code === "LOCAL-EMPLOYER-REQUIRED" && a.field === param.name),
          `${spec.name} without ${param.name}`,
        );
      }
    }
  });

  it("the body schema of each declaration is the one its descriptor names", () => {
    assert.deepEqual(
      Object.entries(BODY_SCHEMAS).map(([name, schema]) => [name, schema]),
      specs.filter((s) => s.body).map((s) => [s.name, s.body?.schema]),
    );
    assert.equal(BODY_SCHEMAS.createTraining, TRAINING_SCHEMA);
    assert.equal(BODY_SCHEMAS.declareTrainingRight, TRAINING_RIGHT_SCHEMA);
    assert.equal(OPERATIONS.cancelTraining.hasBody, false);
  });

  it("the LOCAL-PARAM-IGNORED hint names every filter of every query", () => {
    const hint = LOCAL_ANOMALY_CODES["LOCAL-PARAM-IGNORED"].hint ?? "";
    for (const spec of queries) {
      const filters = CATALOGUE.filters(spec.name);
      if (filters.length > 0)
        assert.ok(hint.includes(`${spec.name}: ${filters.join(", ")}`), `${spec.name} in ${hint}`);
      else assert.ok(!hint.includes(`${spec.name}:`), `${spec.name} takes no filter`);
    }
  });

  it("refuses a descriptor that contradicts itself when the catalogue is built", () => {
    const base: OperationDescriptor = {
      name: "x",
      kind: "query",
      method: "GET",
      pathTemplate: "/x/{id}",
      params: [{ name: "id", in: "path", format: "id" }],
      idempotent: true,
      answer: "resource",
    };
    assert.doesNotThrow(() => new Catalogue([base]));
    assert.throws(() => new Catalogue([{ ...base, pathTemplate: "/x" }]), /path parameters/);
    assert.throws(
      () => new Catalogue([{ ...base, params: [...base.params, { name: "id", in: "query", format: "id" }] }]),
      /twice/,
    );
    assert.throws(() => new Catalogue([{ ...base, answer: "collection" }]), /needs its paging/);
    assert.throws(
      () =>
        new Catalogue([
          {
            ...base,
            paging: { page: "page", pageSize: "size", maxPageSize: 10, next: "nextLinkOrTotal" },
            answer: "collection",
          },
        ]),
      /paging parameter page/,
    );
    assert.throws(() => new Catalogue([base, base]), /Two operation descriptors/);
    assert.throws(
      () =>
        new Catalogue([
          { ...base, params: [...base.params, { name: "end", in: "query", format: "date", notBefore: "start" }] },
        ]),
      /unknown start/,
    );
  });
});
