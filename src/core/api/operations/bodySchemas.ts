/**
 * JSON schemas (draft-07) of the request bodies, reconstructed from the FLA channel manual. The operation descriptors
 * (builtIn.ts) say which one validates which body. Unknown fields are allowed everywhere: the official API may know
 * fields we do not. Identifiers and dates are only typed here; their digits, check digits and calendar are checked in
 * validation/rules.ts, which gives more precise anomalies than a pattern could.
 */

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
