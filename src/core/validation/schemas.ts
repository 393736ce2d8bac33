/**
 * The JSON schemas local validation runs: the body schema each declaration's descriptor names, and a schema of the
 * query parameters built from each query's descriptor (its parameters' formats, and which are required).
 */
import { CATALOGUE, type DeclareOperationName, type OperationSpec, type ParamFormat } from "../api/catalogue";

export { TRAINING_SCHEMA, TRAINING_RIGHT_SCHEMA } from "../api/operations/bodySchemas";

/** The body schema of each declaration that sends a body, as its descriptor names it. */
export const BODY_SCHEMAS = Object.fromEntries(
  Object.values(CATALOGUE.operations).flatMap((spec) =>
    spec.kind === "declare" && spec.body ? [[spec.name, spec.body.schema]] : [],
  ),
) as Readonly<Record<Exclude<DeclareOperationName, "cancelTraining">, object>>;

const text = { type: "string" };

/** The JSON type of each parameter format; digits, check digits and calendar are checked by the rules (rules.ts). */
function formatSchema(format: ParamFormat, spec: OperationSpec): object {
  switch (format) {
    case "id":
    case "enterpriseNumber":
    case "ssin":
    case "date":
      return text;
    case "year":
      return { type: "integer" };
    case "page":
      return { type: "integer", minimum: 1 };
    case "pageSize":
      return { type: "integer", minimum: 1, maximum: spec.paging?.maxPageSize ?? 100 };
  }
}

/** The schema of a query's parameters, derived from its descriptor. */
export function querySchema(spec: OperationSpec): object {
  const properties: Record<string, unknown> = {};
  for (const param of spec.params) properties[param.name] = formatSchema(param.format, spec);
  const required = spec.params
    .filter((param) => param.in === "path" || param.required === true)
    .map((param) => param.name);
  return { $id: `fla:query:${spec.name}`, type: "object", required, properties };
}
