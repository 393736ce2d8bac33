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
  /** What went wrong underneath. Kept as is when it is a FlaError; anything else is reduced to a SafeCause. */
  cause?: unknown;
}

export class FlaError extends Error {
  readonly code: FlaErrorCode;
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly retryable: boolean;

  constructor(code: FlaErrorCode, message: string, options: FlaErrorOptions = {}) {
    super(message);
    this.name = "FlaError";
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.reason = options.reason;
    this.retryable = options.retryable ?? false;
    if (options.cause !== undefined) {
      // Node-RED copies `cause` into msg.error: a library's error there would carry its request (token, body, SSIN).
      const cause = options.cause instanceof FlaError || options.cause instanceof SafeCause ? options.cause : safeCause(options.cause);
      Object.defineProperty(this, "cause", { value: cause, enumerable: false });
    }
  }

  /** What a flow sees in `msg.error` (Node-RED adds `source`). */
  toJSON(): { code: FlaErrorCode; message: string; httpStatus?: number; reason?: string } {
    return { code: this.code, message: this.message, httpStatus: this.httpStatus, reason: this.reason };
  }
}

export function isFlaError(value: unknown): value is FlaError {
  return value instanceof FlaError;
}
