import type { Anomaly, Outcome } from "../result";
import { FlaError } from "../errors";

/** An anomaly found before any call: the message leaves by the anomaly output with the user's payload untouched. */
export function localAnomalyOutcome(operation: string, payload: unknown, anomaly: Anomaly): Outcome {
  return { output: "anomaly", payload, fla: { operation, status: "INVALID", anomalies: [anomaly], attempts: 0, durationMs: 0 } };
}

/** Turns anything thrown into an error outcome, so that no message can end without one of the three outputs. */
export function errorOutcome(operation: string, err: unknown, startedAt = Date.now()): Outcome {
  const error = err instanceof FlaError ? err : new FlaError("FLA_HTTP", `Unexpected failure: ${(err as Error)?.message ?? String(err)}`);
  return { output: "error", error, fla: { operation, status: "REJECTED", anomalies: [], attempts: 0, durationMs: Date.now() - startedAt } };
}
