/** Validation of a query's parameters before any call. Empty text counts as "not given" (TypedInputs send ""). */
import { anomaly, AnomalyList, show } from "./anomalies";
import { checkSchema, compileSchema } from "./compile";
import { isAbsent, isPlainObject, toDate, toEnterpriseNumber, toNumber, toSsin, type Json } from "./normalize";
import { checkDate, checkEnterpriseNumber, checkId, checkOrder, checkSsin, checkYear, localToday } from "./rules";
import { QUERY_FIELDS, querySchema, type QueryParamName } from "./schemas";
import { QUERY_OPERATIONS, type QueryOperation, type ValidationContext, type ValidQuery, type Validation } from "./types";

const NORMALIZERS: Record<QueryParamName, (value: unknown) => unknown> = {
  trainingId: (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v),
  declarationId: (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v),
  enterpriseNumber: toEnterpriseNumber,
  ssin: toSsin,
  year: toNumber,
  startDate: toDate,
  endDate: toDate,
  page: toNumber,
  pageSize: toNumber,
};

/** Filters that change the result: given to a query that does not take them, they deserve a warning. */
const FILTERS: readonly QueryParamName[] = ["enterpriseNumber", "ssin", "year", "startDate", "endDate"];

const schemas = new Map<QueryOperation, object>();

export function schemaOf(operation: QueryOperation): object {
  let schema = schemas.get(operation);
  if (!schema) {
    schema = querySchema(operation);
    schemas.set(operation, schema);
  }
  return schema;
}

export function validateQuery(operation: QueryOperation, input: Record<string, unknown>, ctx: ValidationContext): Validation<ValidQuery> {
  const list = new AnomalyList();
  if (!QUERY_OPERATIONS.includes(operation)) {
    list.add(anomaly("LOCAL-OPERATION-UNKNOWN", "query", { v: show(operation), allowed: QUERY_OPERATIONS.join(", ") }));
    return { anomalies: list.items };
  }
  const source: Json = isPlainObject(input) ? input : {};
  const { accepted } = QUERY_FIELDS[operation];
  const params: Json = {};
  for (const name of Object.keys(NORMALIZERS) as QueryParamName[]) {
    const raw = typeof source[name] === "string" ? source[name].trim() : source[name];
    if (isAbsent(raw)) continue;
    if (accepted.includes(name)) params[name] = NORMALIZERS[name](raw);
    else if (FILTERS.includes(name) && accepted.some((a) => FILTERS.includes(a))) {
      list.add(anomaly("LOCAL-PARAM-IGNORED", name, { v: show(raw), op: operation }, { severity: "WARNING" }));
    }
  }

  if (accepted.includes("enterpriseNumber") && isAbsent(params.enterpriseNumber)) {
    if (ctx.role === "provider") list.add(anomaly("LOCAL-EMPLOYER-REQUIRED", "enterpriseNumber"));
    else if (isAbsent(ctx.defaultEnterpriseNumber)) list.add(anomaly("LOCAL-EMPLOYER-MISSING", "enterpriseNumber"));
    else params.enterpriseNumber = toEnterpriseNumber(String(ctx.defaultEnterpriseNumber).trim());
  }

  checkSchema(compileSchema(schemaOf(operation)), params, list);
  checkId(params.trainingId, "trainingId", list);
  checkId(params.declarationId, "declarationId", list);
  checkEnterpriseNumber(params.enterpriseNumber, "enterpriseNumber", list);
  checkSsin(params.ssin, "ssin", list);
  checkYear(params.year, "year", ctx.today ?? localToday(), list);
  const start = checkDate(params.startDate, "startDate", list);
  const end = checkDate(params.endDate, "endDate", list);
  checkOrder(start, end, "endDate", list);

  if (list.blocking) return { anomalies: list.items };
  return { value: { operation, params }, anomalies: list.items };
}
