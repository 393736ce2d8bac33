/**
 * Local validation before any call to the FLA API: friendly input is normalised (see normalize.ts), bodies and
 * parameters are checked with ajv and with the rules a schema cannot express (rules.ts), and every failure becomes an
 * anomaly with a stable LOCAL-... code, a field path and a sentence in en/fr/nl. The input is never modified.
 */
export {
  DECLARE_OPERATIONS,
  QUERY_OPERATIONS,
  type DeclareOperation,
  type QueryOperation,
  type ValidationContext,
  type DeclarationParams,
  type ValidDeclaration,
  type QueryParams,
  type ValidQuery,
  type Validation,
} from "./types";
export { validateDeclaration } from "./declaration";
export { validateQuery } from "./query";
export { loadCustomSchema } from "./customSchema";
export { precompileSchemas } from "./precompile";
export { LOCAL_ANOMALY_CODES } from "./anomalies";
export { inspectPayload, givenBack, PAYLOAD_LIMITS, type PayloadInspection } from "./inspect";
export { TRAINING_SCHEMA, TRAINING_RIGHT_SCHEMA } from "./schemas";
