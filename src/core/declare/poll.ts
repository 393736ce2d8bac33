/** Follows an asynchronous declaration (202) until its result is final or the time is up. */
import { answerMeaning } from "../api/answers";
import { sleep } from "../api/backoff";
import {
  DeclarationResult,
  declarationStatusRequest,
  isFinalDeclarationStatus,
  readDeclarationResult,
} from "../api/catalogue";
import { FlaApiClient, attemptsOf } from "../api/httpClient";
import { FlaError } from "../errors";
import { asFlaError } from "../outcome";

/** How long a declaration waiting for its result is polled when the node sets no timeout. */
export const DEFAULT_POLL_TIMEOUT_SECONDS = 60;

export interface PollOptions {
  timeoutMs: number;
  /** First wait (default 250 ms), doubled after each poll up to `maxDelayMs` (default 5 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

export type PollResult =
  | { final: true; result: DeclarationResult; data: unknown; httpStatus: number; attempts: number }
  /** Still pending at the deadline, or the status could not be read (then `failure` says why). */
  | { final: false; attempts: number; failure?: FlaError };

export async function pollDeclaration(
  client: FlaApiClient,
  declarationId: string,
  options: PollOptions,
): Promise<PollResult> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  let attempts = 0;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { final: false, attempts };
    try {
      await sleep(Math.min(delay, remaining), options.signal);
      const response = await client.send(declarationStatusRequest(declarationId), { signal: options.signal });
      attempts += response.attempts;
      const meaning = answerMeaning("poll", response.httpStatus).means;
      if (meaning === "result") {
        const result = readDeclarationResult(response.data);
        if (isFinalDeclarationStatus(result.status)) {
          return { final: true, result, data: response.data, httpStatus: response.httpStatus, attempts };
        }
      } else if (meaning !== "notYet") {
        return {
          final: false,
          attempts,
          failure: new FlaError(
            "FLA_HTTP",
            `Reading the status of declaration ${declarationId} was answered ${response.httpStatus}.`,
            { httpStatus: response.httpStatus, attempts },
          ),
        };
      }
    } catch (error) {
      attempts += attemptsOf(error);
      return {
        final: false,
        attempts,
        failure: asFlaError(error, `Reading the status of declaration ${declarationId} failed`),
      };
    }
    delay = Math.min(delay * 2, maxDelay);
  }
}
