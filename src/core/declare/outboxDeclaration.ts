/**
 * A declaration in the outbox: what is journaled for it, how it is sent when its turn comes, and how its outcome is
 * recorded (JSON) and read back. The node adapter only moves messages in and out.
 */
import { buildRequest } from "../api/catalogue";
import { retryAfterOf } from "../api/httpClient";
import { FlaError, type FlaErrorCode } from "../errors";
import type { HandlerResult, OutboxEntry } from "../outbox";
import { outboxFailureDecision } from "../outbox/resendDecision";
import { errorOutcome, invalidOutcome } from "../outcome";
import type { FlaMeta, Outcome } from "../result";
import { validateDeclaration, type DeclareOperation, type ValidationContext } from "../validation";
import type { ValidDeclaration, Validation } from "../validation/types";
import { declare, type DeclareDeps } from "./declare";

/** The journal's `kind` for a declaration. */
export const DECLARATION_KIND = "declare";

/** What is journaled: the operation and the message's JSON-serialisable properties (payload, parts, the user's own). */
export interface DeclarationData {
  operation: DeclareOperation;
  /** msg.trainingId of a single declaration (update, cancel); not for the elements of an array. */
  trainingId?: unknown;
  msg: Record<string, unknown>;
}

/** An outcome as the journal records it: the error as plain JSON. */
export type StoredOutcome =
  | { output: "success" | "anomaly"; payload: unknown; fla: FlaMeta }
  | { output: "error"; error: { code: string; message: string; httpStatus?: number; reason?: string }; fla: FlaMeta };

/** A declaration that passed local validation, with what the validation made of it (normalised body, warnings). */
export type ValidatedDeclaration = Validation<ValidDeclaration> & { value: ValidDeclaration };

/**
 * Before the outbox: the local anomalies end here; a valid declaration goes on, idempotent when a resend is harmless,
 * with its validation (a copy of the payload, normalised), which the node may keep to send it without validating again.
 */
export function checkDeclaration(
  operation: DeclareOperation,
  payload: unknown,
  trainingId: unknown,
  validation: ValidationContext,
): { outcome: Outcome } | { idempotent: boolean; validated: ValidatedDeclaration } {
  const checked = validateDeclaration(operation, { payload, trainingId }, validation);
  if (!checked.value) {
    const back = "giveBack" in checked ? checked.giveBack : payload;
    return { outcome: invalidOutcome(operation, back, checked.anomalies) };
  }
  return {
    idempotent: buildRequest(operation, checked.value.params, checked.value.body).duplicateSafe,
    validated: checked as ValidatedDeclaration,
  };
}

/**
 * Sends one declaration of the outbox. A non-idempotent one whose earlier attempt may have reached the platform before
 * a crash is not sent again: it ends FLA_UNCERTAIN. `deps` is built per config (client without retries of its own:
 * the dispatcher owns them). `validated`: its validation at acceptance by the same node in the same context (else it
 * is validated again, as after a redeploy or a restart, where the context may have changed).
 */
export async function sendDeclaration(
  entry: OutboxEntry,
  deps: DeclareDeps,
  validated?: ValidatedDeclaration,
): Promise<HandlerResult<StoredOutcome>> {
  const data = entry.data as DeclarationData;
  const operation = data.operation;
  if (entry.interrupted && !entry.idempotent) {
    const error = new FlaError(
      "FLA_UNCERTAIN",
      "Node-RED stopped while this declaration was being sent: it may or may not have been recorded by the FLA platform. Query the trainings of this worker before sending it again, or give each training an externalReference so that a resend is detected as a duplicate.",
    );
    return { type: "final", outcome: storeOutcome(errorOutcome(operation, error)) };
  }
  const outcome = await declare({ operation, payload: data.msg.payload, trainingId: data.trainingId, validated }, deps);
  // msg.fla.attempts counts the HTTP requests of the whole declaration: each earlier attempt of the outbox sent one.
  if (entry.attempts > 1) outcome.fla = { ...outcome.fla, attempts: outcome.fla.attempts + entry.attempts - 1 };
  const stored = storeOutcome(outcome);
  if (outcome.output !== "error") return { type: "final", outcome: stored };
  // Resent when the direct path would resend it (the same rule): a 5xx, a timeout, a reset, an unreadable 2xx, all
  // only when a duplicate cannot be recorded; else final (FLA_UNCERTAIN when it may have been recorded).
  const decision = outboxFailureDecision(outcome.error);
  if (decision.type === "retry")
    return { type: "retry", outcome: stored, retryAfterMs: retryAfterOf(outcome.error), breaker: decision.breaker };
  return { type: "final", outcome: stored, platformDown: decision.breaker === "failure" };
}

export function storeOutcome(outcome: Outcome): StoredOutcome {
  if (outcome.output === "error") return { output: "error", error: outcome.error.toJSON(), fla: outcome.fla };
  return outcome;
}

export function reviveOutcome(stored: StoredOutcome): Outcome {
  if (stored.output !== "error") return stored;
  const { code, message, httpStatus, reason } = stored.error;
  // An error recorded by an earlier version said REJECTED: a technical failure is ERROR.
  return {
    output: "error",
    error: new FlaError(code as FlaErrorCode, message, { httpStatus, reason, attempts: stored.fla.attempts }),
    fla: { ...stored.fla, status: "ERROR" },
  };
}
