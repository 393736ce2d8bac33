/**
 * The HTTP client of the FLA API: bearer token, keep-alive, timeouts, retries that never double a declaration.
 * It sends what the catalogue builds and returns every answer it does not retry (2xx, 3xx, 4xx but 401 and 429);
 * it throws a FlaError for the final technical failures.
 */
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { tokenRequestsHeldForMs } from "../auth/tokenErrors";
import type { TokenProvider } from "../auth/tokenProvider";
import { FlaError, isFlaError } from "../errors";
import { HttpPolicy } from "../http/policy";
import { safeCause } from "../http/safeCause";
import { describeTransportFailure } from "../http/transportFailure";
import type { RequestLimiter } from "../limiter";
import type { CircuitBreaker } from "../outbox/breaker";
import { isPlatformDown } from "../outbox/platformDown";
import { markResendable, resendDecision } from "../outbox/resendDecision";
import { DEFAULT_RETRY_POLICY, RetryPolicy, abortedError, backoffDelay, parseRetryAfter, sleep } from "./backoff";
import { FlaRequest, describeProblem } from "./catalogue";

export interface FlaApiClientOptions {
  apiUrl: string;
  tokens: TokenProvider;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  /** When given, each request (with its retries) waits for a slot. */
  limiter?: RequestLimiter;
  /** The connection's proxy, trust and keep-alive agents, shared with its token requests. Default: the environment's. */
  http?: HttpPolicy;
  /**
   * The config node's circuit breaker: while the platform is down a request waits for it (one probe goes first), and
   * each request reports whether the platform answered. Not for the outbox's client: its dispatcher does that.
   */
  breaker?: CircuitBreaker;
}

export interface SendOptions {
  /** Aborts the request and any wait between attempts (FLA_ABORTED). */
  signal?: AbortSignal;
}

export interface FlaResponse {
  httpStatus: number;
  headers: Record<string, string>;
  /** The parsed JSON body, null when the body is empty, the raw text for a non-JSON error body. */
  data: unknown;
  /** HTTP requests sent for this call, retries and the 401 renewal included. */
  attempts: number;
  durationMs: number;
}

/** A failure seen on one attempt, and whether the request may have reached the API. */
interface AttemptFailure {
  error: FlaError;
  /** True when the API may have received (and recorded) the request. */
  mayHaveReached: boolean;
  /** The wait the server asked for. */
  retryAfterMs?: number;
  retryable: boolean;
}

/** How many HTTP requests were sent before the client gave up with this error (0 when none, or not a client error). */
export function attemptsOf(error: unknown): number {
  return isFlaError(error) ? error.attempts : 0;
}

const retryAfterByError = new WeakMap<object, number>();

/** The wait the API asked for (`Retry-After` of a 429 or 503) with the error the client gave up with, if any. */
export function retryAfterOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? retryAfterByError.get(error) : undefined;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Wakes just after a shared token hold ends, not just before it. */
const TIMER_MARGIN_MS = 5;

export class FlaApiClient {
  readonly apiUrl: string;
  readonly retry: RetryPolicy;
  private readonly tokens: TokenProvider;
  private readonly limiter?: RequestLimiter;
  private readonly breaker?: CircuitBreaker;
  private readonly timeoutMs: number;
  private readonly http: AxiosInstance;
  private readonly policy: HttpPolicy;
  /** A policy this client made for itself is closed with it; a shared one belongs to the connection. */
  private readonly ownsPolicy: boolean;

  constructor(options: FlaApiClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.tokens = options.tokens;
    this.limiter = options.limiter;
    this.breaker = options.breaker;
    this.timeoutMs = options.timeoutMs;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
    if (!Number.isInteger(this.retry.attempts) || this.retry.attempts < 1) {
      throw new FlaError(
        "FLA_CONFIG",
        `The number of attempts must be a whole number of at least 1 (got ${String(this.retry.attempts)}).`,
      );
    }
    this.policy = options.http ?? new HttpPolicy();
    this.ownsPolicy = !options.http;
    // The way out (direct or through the proxy) and TLS verification come from the policy, as for the token requests.
    let agents: ReturnType<HttpPolicy["agentsFor"]>;
    try {
      agents = this.policy.agentsFor(this.apiUrl);
    } catch {
      throw new FlaError(
        "FLA_CONFIG",
        "The proxy URL (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) cannot be read: write it as http://host:port.",
      );
    }
    this.http = axios.create({
      baseURL: this.apiUrl,
      timeout: this.timeoutMs,
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      validateStatus: () => true,
      responseType: "text",
      // The body is already JSON text: axios's default would parse it again to check it.
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      // The agents carry the proxy (a CONNECT tunnel): axios's own proxy would send HTTPS requests to it in clear.
      proxy: false,
      headers: { Accept: "application/json, application/problem+json", "User-Agent": "node-red-contrib-careerpro-fla" },
    });
  }

  /** Sends a request built by the catalogue, through the breaker and the limiter when there are. */
  send(request: FlaRequest, options: SendOptions = {}): Promise<FlaResponse> {
    return this.breaker ? this.sendThroughBreaker(this.breaker, request, options) : this.sendNow(request, options);
  }

  /**
   * Waits for a permit, sends, reports. A read that fails because the platform is down, once the circuit is open (it
   * was the probe, or the failure that opened it), waits for the next permit instead of failing: reads are safe to
   * send again, and the flow asked for an answer, not for the outage. Before the circuit opens it fails as always.
   */
  private async sendThroughBreaker(
    breaker: CircuitBreaker,
    request: FlaRequest,
    options: SendOptions,
  ): Promise<FlaResponse> {
    for (;;) {
      const permit = await breaker.acquire(options.signal);
      try {
        const response = await this.sendNow(request, options);
        permit.success();
        return response;
      } catch (error) {
        if (!isPlatformDown(error)) {
          permit.release();
          throw error;
        }
        permit.failure(retryAfterOf(error));
        if (!request.idempotent || breaker.state === "closed") throw error;
      }
    }
  }

  private async sendNow(request: FlaRequest, options: SendOptions): Promise<FlaResponse> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError();
    // Serialised once, not again for each attempt.
    const data = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (!this.limiter) return this.sendWithRetries(request, data, signal);
    return this.limiter.run(() => this.sendWithRetries(request, data, signal), signal);
  }

  /** Closes the keep-alive sockets of a policy this client made itself (a shared one is closed by its owner). */
  destroy(): void {
    if (this.ownsPolicy) this.policy.destroy();
  }

  private async sendWithRetries(
    request: FlaRequest,
    data: string | undefined,
    signal?: AbortSignal,
  ): Promise<FlaResponse> {
    const counter = { sent: 0 };
    try {
      return await this.attempt(request, data, counter, signal);
    } catch (error) {
      // The attempts travel on the error itself, up to msg.fla.attempts.
      if (isFlaError(error)) error.attempts = counter.sent;
      throw error;
    }
  }

  private async attempt(
    request: FlaRequest,
    data: string | undefined,
    counter: { sent: number },
    signal?: AbortSignal,
  ): Promise<FlaResponse> {
    const started = Date.now();
    let failures = 0;
    let tokenRenewed = false;
    for (;;) {
      if (signal?.aborted) throw abortedError();
      let failure: AttemptFailure;
      let token: string;
      try {
        token = await this.tokens.getAccessToken();
      } catch (error) {
        failures++;
        await this.waitForToken(tokenFailure(error), failures, signal);
        continue;
      }
      if (signal?.aborted) throw abortedError();
      counter.sent++;
      let response: AxiosResponse<string>;
      try {
        response = await this.http.request<string>({
          method: request.method,
          url: request.path,
          data,
          headers:
            data === undefined
              ? { Authorization: `Bearer ${token}` }
              : { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          // No abort signal here: a request on the wire finishes or times out, so that a closing node never
          // reports as abandoned a declaration the platform recorded. The signal stops only queue and retry waits.
        });
      } catch (error) {
        failure = transportFailure(error, request, this.apiUrl, this.timeoutMs);
        failures++;
        await this.waitOrThrow(request, failure, failures, signal);
        continue;
      }

      const status = response.status;
      const headers = flattenHeaders(response.headers);
      if (status === 401) {
        if (!tokenRenewed) {
          // The token was revoked or expired early: one new token, one more try. The API refused it, so nothing was recorded.
          tokenRenewed = true;
          this.tokens.invalidateAccessToken(token);
          continue;
        }
        const refused = new FlaError(
          "FLA_AUTH",
          `The FLA API refused a freshly issued access token (401${problemSuffix(response.data)}): check that the client id has access to the Federal Learning Account and the scope of the role.`,
          { httpStatus: 401, reason: problemType(response.data) },
        );
        // A token refused as expired is a passing refusal (early expiry, a clock apart), and a 401 records nothing:
        // whoever retries later (the outbox) may send it again. Any other refusal is about rights: final, and other
        // messages then fail at once with the same error, instead of each fetching a token the API refuses.
        const expired = saysTokenExpired(response.data, headers);
        this.tokens.rememberApiRefusal?.(token, refused, expired);
        if (expired) markResendable(refused);
        throw refused;
      }
      this.tokens.apiAccepted?.();
      if (RETRYABLE_STATUSES.has(status)) {
        failure = statusFailure(request, status, headers, response.data);
        failures++;
        await this.waitOrThrow(request, failure, failures, signal);
        continue;
      }

      const parsed = parseBody(response.data, headers["content-type"]);
      if (parsed.malformed && status >= 200 && status < 300 && (request.expectsJson || parsed.text !== "")) {
        failure = {
          error: new FlaError(
            "FLA_RESPONSE",
            `The FLA API answered ${status} to ${describeRequest(request)} with a body that is not JSON${
              request.idempotent
                ? ""
                : headers.location
                  ? ` (it names ${headers.location}: the declaration was probably recorded)`
                  : ""
            }.`,
            { httpStatus: status },
          ),
          mayHaveReached: true,
          retryable: true,
        };
        failures++;
        await this.waitOrThrow(request, failure, failures, signal);
        continue;
      }
      return {
        httpStatus: status,
        headers,
        data: parsed.data,
        attempts: counter.sent,
        durationMs: Date.now() - started,
      };
    }
  }

  /**
   * Waits before asking for a token again, or throws. The token cache backs off for the whole config node and answers
   * every caller with the same failure meanwhile: a message waits for the end of that backoff only when its own retry
   * would have waited as long, so that one passing failure is absorbed and a lasting one ends every message at once.
   * A time-out is not tried again: every message that waited on that token request shares its failure.
   */
  private async waitForToken(failure: AttemptFailure, failures: number, signal?: AbortSignal): Promise<void> {
    if (!failure.retryable || failure.error.code === "FLA_TIMEOUT") throw failure.error;
    const heldMs = tokenRequestsHeldForMs(failure.error);
    const ownWaitMs = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
    if (heldMs !== undefined && heldMs > ownWaitMs) throw failure.error;
    if (failures >= this.retry.attempts) {
      // The API was not called: whoever retries later (the outbox) may send it again.
      markResendable(failure.error);
      throw failure.error;
    }
    if (heldMs === undefined) return sleep(backoffDelay(failures, this.retry), signal);
    // A timer may fire a millisecond before the clock reaches the end of the backoff.
    await sleep(heldMs + TIMER_MARGIN_MS, signal);
  }

  /** Waits before the next attempt, or throws the final error. */
  private async waitOrThrow(
    request: FlaRequest,
    failure: AttemptFailure,
    failures: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const decision = resendDecision(failure, request.duplicateSafe);
    if (decision === "final") throw failure.error;
    if (decision === "uncertain") throw uncertain(request, failure.error);
    if (failures >= this.retry.attempts) {
      if (failure.retryAfterMs !== undefined) retryAfterByError.set(failure.error, failure.retryAfterMs);
      // Only the attempts ran out: the outbox, whose client makes one attempt per call, sends it again later.
      markResendable(failure.error);
      throw failure.error;
    }
    const delay =
      failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, this.retry.maxRetryAfterMs)
        : backoffDelay(failures, this.retry);
    await sleep(delay, signal);
  }
}

function tokenFailure(error: unknown): AttemptFailure {
  if (!isFlaError(error)) {
    return {
      error: new FlaError("FLA_AUTH", `The access token could not be obtained (${safeCause(error).message}).`, {
        cause: error,
      }),
      mayHaveReached: false,
      retryable: false,
    };
  }
  // The API was not called: retrying is always safe, and worth it only for a passing failure.
  const retryable = error.retryable;
  return { error, mayHaveReached: false, retryable };
}

function transportFailure(error: unknown, request: FlaRequest, apiUrl: string, timeoutMs: number): AttemptFailure {
  const where = describeRequest(request);
  const failure = describeTransportFailure(error, { host: hostOf(apiUrl) });
  if (failure.kind === "timeout") {
    return {
      error: new FlaError(
        "FLA_TIMEOUT",
        `The FLA API did not answer ${where} within ${Math.round(timeoutMs / 1000)} s: it may be slow or unreachable; try again later or raise the timeout.`,
        {
          retryable: true,
          reason: failure.code,
          cause: failure.cause,
        },
      ),
      mayHaveReached: true,
      retryable: true,
    };
  }
  // Nothing sent (DNS, refused, TLS, proxy): a declaration is not uncertain, and a TLS or proxy refusal is not retried.
  return {
    error: new FlaError("FLA_NETWORK", `The connection to the FLA API failed for ${where}: ${failure.explanation}.`, {
      retryable: failure.retryable,
      reason: failure.code,
      cause: failure.cause,
    }),
    mayHaveReached: !failure.notSent,
    retryable: failure.retryable,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the API host";
  }
}

function statusFailure(
  request: FlaRequest,
  status: number,
  headers: Record<string, string>,
  body: string,
): AttemptFailure {
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers["retry-after"]) : undefined;
  const what =
    status === 429
      ? "is limiting the request rate (429 Too Many Requests)"
      : status === 503
        ? "is unavailable (503)"
        : `answered ${status}`;
  return {
    error: new FlaError(
      "FLA_HTTP",
      `The FLA API ${what} for ${describeRequest(request)}${problemSuffix(body)}; the request was tried several times, try again later.`,
      { httpStatus: status, reason: problemType(body), retryable: true },
    ),
    // 429 and 503 say the request was not handled (RFC 6585 §4, RFC 9110 §15.6.4): a rate limiter or an unavailable
    // service refused it before the declaration was looked at. A 500, 502 or 504 may follow a recording.
    mayHaveReached: status !== 429 && status !== 503,
    retryAfterMs,
    retryable: true,
  };
}

function uncertain(request: FlaRequest, cause: FlaError): FlaError {
  return new FlaError(
    "FLA_UNCERTAIN",
    `The declaration may or may not have been recorded (${cause.message.replace(/\.$/, "")}): query the trainings of this worker before sending it again, or give each training an externalReference so that a retry is detected as a duplicate.`,
    { httpStatus: cause.httpStatus, reason: cause.code, cause },
  );
}

interface ParsedBody {
  data: unknown;
  text: string;
  malformed: boolean;
}

const BLANK = /^\s*$/;

function parseBody(raw: unknown, contentType: string | undefined): ParsedBody {
  const text = typeof raw === "string" ? raw : raw === undefined || raw === null ? "" : String(raw);
  // A test, not trim(): trimming copies the whole body.
  if (BLANK.test(text)) return { data: null, text: "", malformed: false };
  const looksJson = /json/i.test(contentType ?? "") || /^[\s]*[{[]/.test(text);
  if (!looksJson) return { data: text, text, malformed: true };
  try {
    return { data: JSON.parse(text), text, malformed: false };
  } catch {
    return { data: text, text, malformed: true };
  }
}

function problemSuffix(body: unknown): string {
  const parsed = typeof body === "string" ? parseBody(body, "application/json") : { data: body, malformed: false };
  const summary = parsed.malformed ? undefined : describeProblem(parsed.data);
  return summary ? `: ${summary.slice(0, 500)}` : "";
}

/** Whether a 401 says the token expired: in its problem type (belgif's expiredAccessToken) or its WWW-Authenticate. */
function saysTokenExpired(body: unknown, headers: Record<string, string>): boolean {
  return /expired/i.test(problemType(body) ?? "") || /expired/i.test(headers["www-authenticate"] ?? "");
}

function problemType(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && typeof (parsed as { type?: unknown }).type === "string"
      ? (parsed as { type: string }).type
      : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(headers: AxiosResponse["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return result;
}

/** Names the request in an error message by its operation: paths and query strings may carry a worker's ssin. */
function describeRequest(request: FlaRequest): string {
  return `${request.operation} (${request.method})`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
