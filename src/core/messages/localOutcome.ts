import type { Anomaly, Outcome } from "../result";
import { FlaError } from "../errors";
import { givenBack, inspectPayload, type InspectionMode } from "../validation/inspect";

/**
 * An anomaly found before any call: the message leaves by the anomaly output with the user's payload untouched, or
 * with a summary of it when Node-RED could not copy it (then a LOCAL-PAYLOAD-REPLACED warning says so).
 */
export function localAnomalyOutcome(operation: string, payload: unknown, anomaly: Anomaly): Outcome {
  const back = givenBack(payload, inspectPayload(payload, "structure"));
  const anomalies = back.warning ? [anomaly, back.warning] : [anomaly];
  return { output: "anomaly", payload: back.payload, fla: { operation, status: "INVALID", anomalies, attempts: 0, durationMs: 0 } };
}

/**
 * A payload that cannot be handled at all (too deep, unreadable; for a declaration also cyclic, too large or not JSON)
 * becomes one anomaly outcome here, before anything reads or copies it; undefined when it can go on.
 */
export function unsafePayloadOutcome(operation: string, payload: unknown, mode: InspectionMode): Outcome | undefined {
  const inspection = inspectPayload(payload, mode);
  if (inspection.anomalies.length === 0) return undefined;
  const back = givenBack(payload, inspection);
  const anomalies = back.warning ? [...inspection.anomalies, back.warning] : inspection.anomalies;
  return { output: "anomaly", payload: back.payload, fla: { operation, status: "INVALID", anomalies, attempts: 0, durationMs: 0 } };
}

/** Turns anything thrown into an error outcome, so that no message can end without one of the three outputs. */
export function errorOutcome(operation: string, err: unknown, startedAt = Date.now()): Outcome {
  const error = err instanceof FlaError ? err : new FlaError("FLA_HTTP", `Unexpected failure: ${(err as Error)?.message ?? String(err)}`);
  return { output: "error", error, fla: { operation, status: "REJECTED", anomalies: [], attempts: 0, durationMs: Date.now() - startedAt } };
}
