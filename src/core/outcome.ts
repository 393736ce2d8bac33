/**
 * The one way to build an outcome (msg.fla and the output it leaves by). Every controller and node adapter goes
 * through here, so that the rules hold everywhere: a technical failure is status ERROR on the error output, with the
 * attempts its error carries; a refusal of the platform or a local anomaly leaves by the anomaly output; durations are
 * measured from the start of the work, and absent fields are left out rather than set to undefined.
 */
import { FlaError, isFlaError, type FlaErrorCode } from "./errors";
import type { Anomaly, FlaMeta, FlaStatus, Outcome } from "./result";

/** Everything msg.fla may say. `startedAt` gives durationMs (0 when nothing ran); `attempts` defaults to 0. */
export interface MetaFields {
  operation: string;
  status: FlaStatus;
  httpStatus?: number;
  anomalies?: Anomaly[];
  attempts?: number;
  startedAt?: number;
  /** The duration when it was measured elsewhere (one request's own); else it runs from `startedAt`. */
  durationMs?: number;
  trainingId?: string;
  declarationId?: string;
  location?: string;
  problem?: unknown;
  resumed?: boolean;
}

/** The optional fields of msg.fla, set only when known. */
const OPTIONAL = ["httpStatus", "trainingId", "declarationId", "location", "problem", "resumed"] as const;

/** msg.fla. `extra`: the fields of one node's own (the export's folder, employers...), after the common ones. */
export function flaMeta<T extends object = object>(fields: MetaFields, extra?: T): FlaMeta & T {
  const fla: FlaMeta = {
    operation: fields.operation,
    status: fields.status,
    anomalies: fields.anomalies ?? [],
    attempts: fields.attempts ?? 0,
    durationMs: fields.durationMs ?? (fields.startedAt === undefined ? 0 : Date.now() - fields.startedAt),
  };
  for (const key of OPTIONAL)
    if (fields[key] !== undefined) (fla as unknown as Record<string, unknown>)[key] = fields[key];
  return Object.assign(fla, extra ?? ({} as T));
}

/** The success output: the answer (or what the run made of it). */
export function successOutcome(payload: unknown, fields: MetaFields): Outcome {
  return { output: "success", payload, fla: flaMeta(fields) };
}

/** The anomaly output: the user's payload back, with why it was refused (by the platform, or locally). */
export function anomalyOutcome(payload: unknown, fields: MetaFields): Outcome {
  return { output: "anomaly", payload, fla: flaMeta(fields) };
}

/** A local refusal before any call: status INVALID, nothing sent. */
export function invalidOutcome(operation: string, payload: unknown, anomalies: Anomaly[], startedAt?: number): Outcome {
  return anomalyOutcome(payload, { operation, status: "INVALID", anomalies, startedAt });
}

/**
 * Anything thrown, as a FlaError with a stable code: a FlaError as is; anything else (a defect) as `code` with
 * `what` in front of its message, reduced to a safe cause.
 */
export function asFlaError(err: unknown, what: string, code: FlaErrorCode = "FLA_HTTP"): FlaError {
  if (isFlaError(err)) return err;
  let message: string;
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    message = "an unreadable error";
  }
  return new FlaError(code, `${what}: ${message}`, { cause: err });
}

/**
 * The error output: a technical failure (status ERROR), never a refusal of the platform. Its attempts and HTTP status
 * are the error's own unless `fields` knows better (a query of several pages counts the requests of all of them).
 */
export function errorOutcome(
  operation: string,
  err: unknown,
  fields: Omit<Partial<MetaFields>, "operation" | "status"> = {},
): Outcome & { output: "error" } {
  const error = asFlaError(err, `Unexpected failure of ${operation}`);
  const fla = flaMeta({
    httpStatus: error.httpStatus,
    attempts: error.attempts,
    ...fields,
    operation,
    status: "ERROR",
  });
  // msg.error and msg.fla tell the same count (a run of several requests knows more than its last error).
  error.attempts = fla.attempts;
  return { output: "error", error, fla };
}
