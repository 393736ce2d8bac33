/**
 * Built-in JSON schemas (draft-07) of the request bodies and query parameters, reconstructed from the channel manual.
 * Unknown fields are allowed everywhere: the official API may know fields we do not.
 * Identifiers and dates are only typed here; their digits, check digits and calendar are checked in rules.ts,
 * which gives more precise anomalies than a pattern could.
 */
import type { DeclareOperation, QueryOperation } from "./types";

export const NATURES = ["FORMAL", "INFORMAL"] as const;
export const DURATION_UNITS = ["HOURS", "DAYS"] as const;
export const OUTCOMES = ["COMPLETED", "NOT_COMPLETED", "CERTIFIED", "UNKNOWN"] as const;
export const FUNDING_TYPES = ["EMPLOYER", "SECTORAL_FUND", "REGIONAL", "PUBLIC", "OTHER"] as const;
export const RIGHT_UNITS = ["DAYS", "HOURS"] as const;

const text = { type: "string" };

export const TRAINING_SCHEMA = {
  $id: "fla:Training",
  type: "object",
  required: ["employer", "worker", "title", "period", "nature", "duration"],
  properties: {
    employer: { type: "object", required: ["enterpriseNumber"], properties: { enterpriseNumber: text } },
    worker: { type: "object", required: ["ssin"], properties: { ssin: text } },
    externalReference: { type: "string", minLength: 1, maxLength: 50 },
    title: { type: "string", minLength: 1, maxLength: 200 },
    period: { type: "object", required: ["startDate", "endDate"], properties: { startDate: text, endDate: text } },
    nature: { enum: NATURES },
    duration: {
      type: "object",
      required: ["value", "unit"],
      properties: { value: { type: "number", exclusiveMinimum: 0 }, unit: { enum: DURATION_UNITS } },
    },
    outcome: { enum: OUTCOMES },
    funding: { type: "object", required: ["type"], properties: { type: { enum: FUNDING_TYPES } } },
    trainingProvider: {
      type: "object",
      properties: { enterpriseNumber: text, name: { type: "string", minLength: 1, maxLength: 200 } },
    },
    countsForSectoralRight: { type: "boolean" },
  },
} as const;

const days = { type: "number", minimum: 0 };

/** The body of PUT /trainingRights/{enterpriseNumber}/{ssin}/{year} (the path parameters are checked apart). */
export const TRAINING_RIGHT_SCHEMA = {
  $id: "fla:TrainingRight",
  type: "object",
  required: ["individualDays", "unit"],
  properties: { individualDays: days, sectoralDays: days, carriedOverDays: days, unit: { enum: RIGHT_UNITS } },
} as const;

export const BODY_SCHEMAS: Record<Exclude<DeclareOperation, "cancelTraining">, object> = {
  createTraining: TRAINING_SCHEMA,
  updateTraining: TRAINING_SCHEMA,
  declareTrainingRight: TRAINING_RIGHT_SCHEMA,
};

/** Query parameters: one property map, each operation lists which ones it takes and which are required. */
const QUERY_PROPERTIES = {
  trainingId: text,
  declarationId: text,
  enterpriseNumber: text,
  ssin: text,
  year: { type: "integer" },
  startDate: text,
  endDate: text,
  page: { type: "integer", minimum: 1 },
  pageSize: { type: "integer", minimum: 1, maximum: 100 },
} as const;

export type QueryParamName = keyof typeof QUERY_PROPERTIES;

export const QUERY_FIELDS: Record<QueryOperation, { accepted: readonly QueryParamName[]; required: readonly QueryParamName[] }> = {
  training: { accepted: ["trainingId"], required: ["trainingId"] },
  declaration: { accepted: ["declarationId"], required: ["declarationId"] },
  trainings: { accepted: ["enterpriseNumber", "ssin", "startDate", "endDate", "page", "pageSize"], required: ["enterpriseNumber"] },
  trainingRights: { accepted: ["enterpriseNumber", "ssin", "year", "page", "pageSize"], required: ["enterpriseNumber"] },
  trainingCredit: { accepted: ["enterpriseNumber", "ssin", "year"], required: ["enterpriseNumber", "ssin", "year"] },
};

export function querySchema(operation: QueryOperation): object {
  const { accepted, required } = QUERY_FIELDS[operation];
  const properties: Record<string, unknown> = {};
  for (const name of accepted) properties[name] = QUERY_PROPERTIES[name];
  return { $id: `fla:query:${operation}`, type: "object", required: [...required], properties };
}
