/** The query node's parameters: its own settings first, then the fields of a `msg.payload` object override them. */
import { QUERY_PARAMETER_NAMES, type QueryParameterName } from "../api/catalogue";

/** Every parameter a query of the catalogue takes, derived from the descriptors. */
export { QUERY_PARAMETER_NAMES, type QueryParameterName };

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** `names`: the parameters to take (every parameter of the built-in queries unless told otherwise). */
export function mergeQueryParams(
  fromNode: Partial<Record<string, unknown>>,
  payload: unknown,
  names: readonly string[] = QUERY_PARAMETER_NAMES,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const name of names) {
    if (!isEmpty(fromNode[name])) merged[name] = fromNode[name];
  }
  if (payload && typeof payload === "object" && !Array.isArray(payload)) {
    const fields = payload as Record<string, unknown>;
    for (const name of names) {
      if (!isEmpty(fields[name])) merged[name] = fields[name];
    }
  }
  return merged;
}
