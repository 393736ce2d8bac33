/**
 * Validation of a query's parameters before any call, driven by the query's descriptor in the catalogue: which
 * parameters it takes, which are required, and each one's format (how it is normalised and checked).
 * Empty text counts as "not given" (TypedInputs send "").
 */
import { CATALOGUE, FILTER_FORMATS, type Catalogue, type OperationSpec, type ParamFormat } from "../api/catalogue";
import { anomaly, AnomalyList, show } from "./anomalies";
import { checkSchema, compileSchema } from "./compile";
import { isAbsent, isPlainObject, toDate, toEnterpriseNumber, toNumber, toSsin, type Json } from "./normalize";
import {
  checkDate,
  checkEnterpriseNumber,
  checkId,
  checkOrder,
  checkSsin,
  checkYear,
  isCalendarDate,
  localToday,
} from "./rules";
import { querySchema } from "./schemas";
import type { ValidationContext, ValidQuery, Validation } from "./types";

const idText = (v: unknown): unknown => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v);

const NORMALIZERS: Record<ParamFormat, (value: unknown) => unknown> = {
  id: idText,
  enterpriseNumber: toEnterpriseNumber,
  ssin: toSsin,
  year: toNumber,
  date: toDate,
  page: toNumber,
  pageSize: toNumber,
};

const schemas = new WeakMap<OperationSpec, object>();

export function schemaOf(spec: OperationSpec): object {
  let schema = schemas.get(spec);
  if (!schema) {
    schema = querySchema(spec);
    schemas.set(spec, schema);
  }
  return schema;
}

/** The parameters any query of the catalogue takes, with the format each has (its first declaration's). */
function knownParameters(catalogue: Catalogue): Map<string, ParamFormat> {
  const known = new Map<string, ParamFormat>();
  for (const name of catalogue.names("query"))
    for (const param of catalogue.spec(name).params) if (!known.has(param.name)) known.set(param.name, param.format);
  return known;
}

const knownByCatalogue = new WeakMap<Catalogue, Map<string, ParamFormat>>();

function knownOf(catalogue: Catalogue): Map<string, ParamFormat> {
  let known = knownByCatalogue.get(catalogue);
  if (!known) {
    known = knownParameters(catalogue);
    knownByCatalogue.set(catalogue, known);
  }
  return known;
}

function checkParam(format: ParamFormat, value: unknown, field: string, today: string, list: AnomalyList): void {
  switch (format) {
    case "id":
      return checkId(value, field, list);
    case "enterpriseNumber":
      return checkEnterpriseNumber(value, field, list);
    case "ssin":
      return checkSsin(value, field, list);
    case "year":
      return checkYear(value, field, today, list);
    case "date":
      checkDate(value, field, list);
      return;
    case "page":
    case "pageSize":
      return; // the schema says it all
  }
}

/** Validates the parameters of `operation`, a query of `catalogue` (the built-in one unless told otherwise). */
export function validateQuery(
  operation: string,
  input: Record<string, unknown>,
  ctx: ValidationContext,
  catalogue: Catalogue = CATALOGUE,
): Validation<ValidQuery> {
  const list = new AnomalyList();
  if (!catalogue.has(operation, "query")) {
    list.add(
      anomaly("LOCAL-OPERATION-UNKNOWN", "query", { v: show(operation), allowed: catalogue.names("query").join(", ") }),
    );
    return { anomalies: list.items };
  }
  const spec = catalogue.spec(operation);
  const source: Json = isPlainObject(input) ? input : {};
  const takesFilters = catalogue.filters(operation).length > 0;
  const given = (name: string): unknown => (typeof source[name] === "string" ? source[name].trim() : source[name]);
  for (const [name, format] of knownOf(catalogue)) {
    if (!takesFilters || !FILTER_FORMATS.includes(format) || spec.params.some((param) => param.name === name)) continue;
    const raw = given(name);
    if (!isAbsent(raw))
      list.add(anomaly("LOCAL-PARAM-IGNORED", name, { v: show(raw), op: operation }, { severity: "WARNING" }));
  }
  const params: Json = {};
  for (const param of spec.params) {
    const raw = given(param.name);
    if (!isAbsent(raw)) params[param.name] = NORMALIZERS[param.format](raw);
  }

  for (const param of spec.params) {
    if (!param.employer || !isAbsent(params[param.name])) continue;
    if (ctx.role === "provider") list.add(anomaly("LOCAL-EMPLOYER-REQUIRED", param.name));
    else if (isAbsent(ctx.defaultEnterpriseNumber)) list.add(anomaly("LOCAL-EMPLOYER-MISSING", param.name));
    else params[param.name] = toEnterpriseNumber(String(ctx.defaultEnterpriseNumber).trim());
  }

  checkSchema(compileSchema(schemaOf(spec)), params, list);
  const today = ctx.today ?? localToday();
  for (const param of spec.params) checkParam(param.format, params[param.name], param.name, today, list);
  for (const param of spec.params) {
    if (param.notBefore === undefined) continue;
    const start = checkedDate(params[param.notBefore], param.notBefore, list);
    const end = checkedDate(params[param.name], param.name, list);
    checkOrder(start, end, param.name, list);
  }

  if (list.blocking) return { anomalies: list.items };
  return { value: { operation, params }, anomalies: list.items };
}

/** A date already checked: the date when it is a real one that did not fail, else undefined. */
function checkedDate(value: unknown, field: string, list: AnomalyList): string | undefined {
  return isCalendarDate(value) && !list.failed(field) ? value : undefined;
}
