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

const CREDIT_FOUND = COLUMNS.trainingCredits.findIndex((column) => column.path === "found");

export function headerOf(collection: CollectionName): string[] {
  return [...COLUMNS[collection].map((column) => column.path), OTHER_FIELDS];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Per collection, computed once: the keys of each column's path, the covered paths and their parent objects. */
interface Layout {
  keys: string[][];
  covered: Set<string>;
  parents: Set<string>;
}

const LAYOUTS = new Map<CollectionName, Layout>();

function layoutOf(collection: CollectionName): Layout {
  let layout = LAYOUTS.get(collection);
  if (!layout) {
    const paths = COLUMNS[collection].map((column) => column.path);
    const keys = paths.map((dotted) => dotted.split("."));
    const parents = new Set(keys.flatMap((parts) => parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("."))));
    layout = { keys, covered: new Set(paths), parents };
    LAYOUTS.set(collection, layout);
  }
  return layout;
}

/** The cell values of a record: one per fixed column (undefined when absent), then the uncovered fields as JSON (or undefined). */
export function flatten(collection: CollectionName, record: unknown): unknown[] {
  const layout = layoutOf(collection);
  if (!isRecord(record)) return [...layout.keys.map(() => undefined), JSON.stringify(record)];
  const cells: unknown[] = layout.keys.map((keys) => valueAt(record, keys));
  // A credit the API gave carries no `found` (only the worker-years without one are marked found: false).
  if (collection === "trainingCredits" && cells[CREDIT_FOUND] === undefined) cells[CREDIT_FOUND] = true;
  const rest = withoutColumns(record, layout, "");
  cells.push(rest === undefined ? undefined : JSON.stringify(rest));
  return cells;
}

function valueAt(record: Record<string, unknown>, keys: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of keys) {
    if (!isRecord(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** A copy of the record without the fixed columns' fields (objects left empty disappear); undefined when nothing is left. */
function withoutColumns(
  value: Record<string, unknown>,
  layout: Layout,
  prefix: string,
): Record<string, unknown> | undefined {
  let rest: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const dotted = prefix + key;
    if (layout.covered.has(dotted)) continue;
    let kept: unknown = value[key];
    if (isRecord(kept) && layout.parents.has(dotted)) {
      kept = withoutColumns(kept, layout, dotted + ".");
      if (kept === undefined) continue;
    }
    (rest ??= {})[key] = kept;
  }
  return rest;
}
