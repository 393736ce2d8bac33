/** Waiting between attempts: exponential backoff with jitter, `Retry-After`, and a sleep that an AbortSignal ends. */
import { FlaError } from "../errors";

export interface RetryPolicy {
  /** Tries in all for a transient failure (the first one included). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is shortened to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** "Full jitter" (AWS architecture blog): a random delay in [base·2^(n-1) / 2, base·2^(n-1)], capped. */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` in milliseconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function abortedError(): FlaError {
  return new FlaError("FLA_ABORTED", "The request was abandoned because the node was closed (redeploy or shutdown).");
}

/** Resolves after `ms`, or rejects with FLA_ABORTED as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
