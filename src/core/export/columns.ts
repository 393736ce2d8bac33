/**
 * The fixed columns of each collection in the CSV and XLSX files: nested fields flattened into named columns
 * (`worker.ssin`, `period.startDate`), and a last column holding, as JSON, whatever the fixed columns do not cover, so
 * that no field of the API is ever dropped (a new field of the official API lands there until a column is added).
 */
import type { CollectionName } from "./types";

export interface Column {
  /** Dotted path in the record, also the header. */
  path: string;
  /** An identifier: always written as text (leading zeros kept). */
  id?: boolean;
}

/** Header of the last column. */
export const OTHER_FIELDS = "otherFields";

export const COLUMNS: Readonly<Record<CollectionName, readonly Column[]>> = {
  trainings: [
    { path: "trainingId", id: true },
    { path: "declarationId", id: true },
    { path: "status" },
    { path: "source" },
    { path: "employer.enterpriseNumber", id: true },
    { path: "worker.ssin", id: true },
    { path: "externalReference", id: true },
    { path: "title" },
    { path: "period.startDate" },
    { path: "period.endDate" },
    { path: "nature" },
    { path: "duration.value" },
    { path: "duration.unit" },
    { path: "outcome" },
    { path: "funding.type" },
    { path: "trainingProvider.enterpriseNumber", id: true },
    { path: "trainingProvider.name" },
    { path: "countsForSectoralRight" },
    { path: "declaredAt" },
    { path: "updatedAt" },
    { path: "cancelledAt" },
    { path: "anomalies" },
  ],
  trainingRights: [
    { path: "enterpriseNumber", id: true },
    { path: "ssin", id: true },
    { path: "year" },
    { path: "individualDays" },
    { path: "sectoralDays" },
    { path: "carriedOverDays" },
    { path: "unit" },
    { path: "declaredAt" },
  ],
  trainingCredits: [
    { path: "enterpriseNumber", id: true },
    { path: "ssin", id: true },
    { path: "year" },
    { path: "found" },
    { path: "entitlement" },
    { path: "attended" },
    { path: "remaining" },
    { path: "carriedOver" },
    { path: "unit" },
    { path: "trainingCount" },
    { path: "detail" },
  ],
};

export function headerOf(collection: CollectionName): string[] {
  return [...COLUMNS[collection].map((column) => column.path), OTHER_FIELDS];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The cell values of a record: one per fixed column (undefined when absent), then the uncovered fields as JSON (or undefined). */
export function flatten(collection: CollectionName, record: unknown): unknown[] {
  const columns = COLUMNS[collection];
  if (!isRecord(record)) return [...columns.map(() => undefined), JSON.stringify(record)];
  const cells = columns.map((column) => valueAt(record, column.path));
  const rest = withoutColumns(record, columns);
  cells.push(rest === undefined ? undefined : JSON.stringify(rest));
  return cells;
}

function valueAt(record: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = record;
  for (const key of dotted.split(".")) {
    if (!isRecord(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** A copy of the record without the fixed columns' fields (objects left empty disappear); undefined when nothing is left. */
function withoutColumns(record: Record<string, unknown>, columns: readonly Column[]): Record<string, unknown> | undefined {
  const covered = new Set(columns.map((column) => column.path));
  const parents = new Set(columns.flatMap((column) => column.path.split(".").slice(0, -1).map((_, i, keys) => keys.slice(0, i + 1).join("."))));
  const strip = (value: Record<string, unknown>, prefix: string): Record<string, unknown> | undefined => {
    let rest: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(value)) {
      const dotted = prefix + key;
      if (covered.has(dotted)) continue;
      let kept: unknown = child;
      if (isRecord(child) && parents.has(dotted)) {
        kept = strip(child, dotted + ".");
        if (kept === undefined) continue;
      }
      (rest ??= {})[key] = kept;
    }
    return rest;
  };
  return strip(record, "");
}
