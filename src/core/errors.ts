/**
 * Technical failures. Every one carries a stable code that flows reach as `msg.error.code`.
 * Messages say what went wrong and what to do; they never contain a secret.
 */
import { SafeCause, safeCause } from "./http/safeCause";

export type FlaErrorCode =
  | "FLA_CONFIG" // the config node is incomplete or inconsistent
  | "FLA_CERT" // the certificate or key cannot be used
  | "FLA_AUTH" // the token endpoint refused us, or the API refused the token twice
  | "FLA_TIMEOUT" // no answer in time
  | "FLA_NETWORK" // connection refused, reset, DNS...
  | "FLA_HTTP" // an unexpected HTTP status (5xx after retries, ...)
  | "FLA_RESPONSE" // an answer we cannot read (not JSON, wrong shape)
  | "FLA_UNCERTAIN" // a non-idempotent request may or may not have been recorded
  | "FLA_QUEUE_FULL" // the config node's queue is at its bound
  | "FLA_FILE" // the export's files cannot be written or read (disk full, permissions, a damaged manifest)
  | "FLA_LOCKED" // another export is writing into the same folder
  | "FLA_UNAVAILABLE" // the platform stayed unavailable until the message's give-up time (outbox)
  | "FLA_ABORTED"; // the node was closed (redeploy, shutdown) before the message was sent

export interface FlaErrorOptions {
  httpStatus?: number;
  /** A machine-readable reason, e.g. the OAuth `error` value or the problem `type`. */
  reason?: string;
  /** True when trying again later may succeed. */
  retryable?: boolean;
  /** HTTP requests sent before this failure (0 when none was). */
  attempts?: number;
  /** What went wrong underneath. Kept as is when it is a FlaError; anything else is reduced to a SafeCause. */
  cause?: unknown;
}

export class FlaError extends Error {
  readonly code: FlaErrorCode;
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly retryable: boolean;
  /**
   * HTTP requests sent before the failure: what `msg.fla.attempts` reports. Set by the HTTP client when it gives up
   * (it alone counts them), so not readonly.
   */
  attempts: number;

  constructor(code: FlaErrorCode, message: string, options: FlaErrorOptions = {}) {
    // Node-RED copies `cause` into msg.error: a library's error there would carry its request (token, body, SSIN).
    super(message, options.cause === undefined ? undefined : { cause: safeCauseOf(options.cause) });
    this.name = "FlaError";
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.reason = options.reason;
    this.retryable = options.retryable ?? false;
    this.attempts = options.attempts ?? 0;
  }

  /**
   * The same failure told from further up (which page, which employer): same code, status, reason, retryability and
   * attempts, with this error as its cause.
   */
  static within(error: FlaError, message: string, attempts = error.attempts): FlaError {
    return new FlaError(error.code, message, { httpStatus: error.httpStatus, reason: error.reason, retryable: error.retryable, attempts, cause: error });
  }

  /** What a flow sees in `msg.error` (Node-RED adds `source`). */
  toJSON(): { code: FlaErrorCode; message: string; httpStatus?: number; reason?: string } {
    return { code: this.code, message: this.message, httpStatus: this.httpStatus, reason: this.reason };
  }
}

function safeCauseOf(cause: unknown): FlaError | SafeCause {
  return cause instanceof FlaError || cause instanceof SafeCause ? cause : safeCause(cause);
}

export function isFlaError(value: unknown): value is FlaError {
  return value instanceof FlaError;
}
