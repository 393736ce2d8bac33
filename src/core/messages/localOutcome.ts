import { invalidOutcome } from "../outcome";
import type { Anomaly, Outcome } from "../result";
import { givenBack, inspectPayload, type InspectionMode } from "../validation/inspect";

/**
 * An anomaly found before any call: the message leaves by the anomaly output with the user's payload untouched, or
 * with a summary of it when Node-RED could not copy it (then a LOCAL-PAYLOAD-REPLACED warning says so).
 */
export function localAnomalyOutcome(operation: string, payload: unknown, anomaly: Anomaly): Outcome {
  const back = givenBack(payload, inspectPayload(payload, "structure"));
  const anomalies = back.warning ? [anomaly, back.warning] : [anomaly];
  return invalidOutcome(operation, back.payload, anomalies);
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
  return invalidOutcome(operation, back.payload, anomalies);
}
