/** The query node's parameters: its own settings first, then the fields of a `msg.payload` object override them. */
export const QUERY_PARAMETER_NAMES = [
  "trainingId",
  "declarationId",
  "enterpriseNumber",
  "ssin",
  "year",
  "startDate",
  "endDate",
  "page",
  "pageSize",
] as const;

export type QueryParameterName = (typeof QUERY_PARAMETER_NAMES)[number];

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

export function mergeQueryParams(fromNode: Partial<Record<QueryParameterName, unknown>>, payload: unknown): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const name of QUERY_PARAMETER_NAMES) {
    if (!isEmpty(fromNode[name])) merged[name] = fromNode[name];
  }
  if (payload && typeof payload === "object" && !Array.isArray(payload)) {
    const fields = payload as Record<string, unknown>;
    for (const name of QUERY_PARAMETER_NAMES) {
      if (!isEmpty(fields[name])) merged[name] = fields[name];
    }
  }
  return merged;
}
