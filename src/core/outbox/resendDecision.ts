/**
 * Whether a failed request may be sent again: one rule for the direct path (the API client's own retries) and for the
 * outbox (the dispatcher's retries, its client making one attempt per call). A declaration must never be lost by a
 * retry refused that the direct path would make, nor recorded twice by a retry the direct path would refuse.
 *
 * The client decides on each failed attempt with `resendDecision`. When it runs out of attempts on a failure it would
 * have resent, it marks the error (`markResendable`): the outbox, whose client has one attempt, resends those.
 */
import { isFlaError } from "../errors";
import { isPlatformDown } from "./platformDown";

/** What one failed attempt tells about sending it again. */
export interface FailedAttempt {
  /** Another attempt may succeed (a 5xx, 429, timeout, reset, an unreadable 2xx, a passing token failure). */
  retryable: boolean;
  /** The request may have reached the platform, which may have recorded it (a 500, a timeout, a reset, a 2xx). */
  mayHaveReached: boolean;
}

/**
 * `resend`: send it again (within the attempts and backoff of whoever retries). `uncertain`: it may have been recorded
 * and a second send could record it twice: end with FLA_UNCERTAIN. `final`: the failure is the end.
 */
export type ResendDecision = "resend" | "uncertain" | "final";

/**
 * `duplicateSafe`: a second send cannot record the declaration twice (a creation with an externalReference, which the
 * platform answers 409; a read; an update or a cancellation, which set the same state again).
 */
export function resendDecision(failure: FailedAttempt, duplicateSafe: boolean): ResendDecision {
  if (!failure.retryable) return "final";
  if (failure.mayHaveReached && !duplicateSafe) return "uncertain";
  return "resend";
}

const resendable = new WeakSet<object>();

/** The client gave up on this error only because it had no attempt left: whoever retries later may resend. */
export function markResendable(error: unknown): void {
  if (typeof error === "object" && error !== null) resendable.add(error);
}

export function isResendable(error: unknown): boolean {
  return typeof error === "object" && error !== null && resendable.has(error);
}

/** What the breaker is told of an attempt: the platform is down, it answered, or it was not called. */
export type BreakerReport = "failure" | "success" | "release";

/** What the outbox does with a declaration whose one attempt failed with `error`. */
export interface OutboxFailureDecision {
  type: "retry" | "final";
  breaker: BreakerReport;
}

/**
 * The outbox's side of the rule, for the error its one-attempt client ended with: what the client would have resent
 * is retried, the rest is final. The breaker hears of an outage for 5xx/429/timeouts/resets (an FLA_UNCERTAIN after
 * one of them included), of an answer for an unreadable 2xx, and nothing of a failure before the API was called.
 */
export function outboxFailureDecision(error: unknown): OutboxFailureDecision {
  if (isPlatformDown(error)) return { type: "retry", breaker: "failure" };
  if (isResendable(error)) {
    // An unreadable 2xx: the platform answered. Any other failure the client resends came before the API (the token).
    return { type: "retry", breaker: isFlaError(error) && error.code === "FLA_RESPONSE" ? "success" : "release" };
  }
  // A reset or a 5xx after sending what cannot be sent twice: the flow hears FLA_UNCERTAIN, the breaker an outage.
  const cause = isFlaError(error) && error.code === "FLA_UNCERTAIN" ? (error as { cause?: unknown }).cause : undefined;
  return { type: "final", breaker: isPlatformDown(cause) ? "failure" : "success" };
}
