/**
 * The config node's shared access token: one request in flight at a time, renewed before it expires, and a token
 * endpoint that is never hammered: after a failure every caller gets that failure, without a request, until a backoff
 * shared by the whole config node ends.
 */
import { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from "../api/backoff";
import type { LoadedCertificate } from "../certificate";
import { HttpPolicy } from "../http/policy";
import { FlaError, isFlaError } from "../errors";
import type { ConnectionSettings } from "../settings";
import { signClientAssertion } from "./clientAssertion";
import { DEFAULT_EXPIRES_IN_SECONDS, requestToken, type TokenResponse } from "./tokenClient";
import { holdTokenRequests, tokenEndpointRetryAfterMs } from "./tokenErrors";
import type { TokenProvider } from "./tokenProvider";

export const DEFAULT_RENEW_BEFORE_SECONDS = 60;
/**
 * A token is used at least this long, whatever lifetime is announced: an `expires_in` of 0 or 1 would otherwise cost a
 * token request every few calls. A token that really dies sooner meets a 401, which renews it once.
 */
export const MIN_TOKEN_USE_SECONDS = 60;
/** An announced lifetime longer than a day is shortened to a day. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/**
 * A refusal (invalid_client, invalid_scope, unauthorized_client, invalid_grant...) or an API that refuses fresh tokens
 * is remembered this long: a burst of messages makes one token request, not one each. Short, so that a fixed Chaman
 * registration is used soon.
 */
export const REFUSAL_MEMORY_MS = 10_000;
/**
 * Backoff after a passing failure (5xx, time-out, network): the API client's own curve (0.5 s, 1 s, 2 s... with jitter,
 * at most 30 s; a Retry-After up to 2 minutes), so that a message waits for it where it would have waited anyway and a
 * single failure is absorbed, while a lasting one ends the messages at once.
 */
export const TOKEN_BACKOFF: RetryPolicy = DEFAULT_RETRY_POLICY;

export interface TokenCacheOptions {
  settings: ConnectionSettings;
  certificate: LoadedCertificate;
  /** The connection's HTTP policy (proxy, trust), the one its API client uses. */
  http?: HttpPolicy;
  /**
   * Renew this long before expiry (default 60 s), but never earlier than half-way through the token's life, nor before
   * MIN_TOKEN_USE_SECONDS.
   */
  renewBeforeSeconds?: number;
  /** Milliseconds since the epoch, for the cache's own timing (tests); assertions always carry the real time. */
  clock?: () => number;
}

export interface TokenStats {
  readonly tokenRequests: number;
  readonly lastTokenAt?: number;
  readonly expiresAt?: number;
  readonly scope?: string;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  renewAt: number;
  scope?: string;
}

/** A failure every caller gets until `until`, instead of a new token request. */
interface HeldFailure {
  error: FlaError;
  until: number;
}

interface Flight {
  promise: Promise<CachedToken>;
  /** The invalidation count when it started: a later invalidation keeps its token out of the cache. */
  generation: number;
}

/** Signs a fresh assertion (new jti) and asks for a token: one request, no cache. */
async function fetchToken(
  settings: ConnectionSettings,
  certificate: LoadedCertificate,
  http?: HttpPolicy,
): Promise<TokenResponse> {
  const assertion = await signClientAssertion({
    clientId: settings.clientId,
    audience: settings.audience,
    privateKey: certificate.privateKey,
  });
  return requestToken({
    tokenUrl: settings.tokenUrl,
    scope: settings.scope,
    assertion,
    timeoutMs: settings.timeoutMs,
    http,
  });
}

export class TokenCache implements TokenProvider {
  private readonly settings: ConnectionSettings;
  private readonly certificate: LoadedCertificate;
  private readonly http?: HttpPolicy;
  private readonly renewBeforeMs: number;
  private readonly clock: () => number;
  private token?: CachedToken;
  private flight?: Flight;
  private generation = 0;
  private held?: HeldFailure;
  /** Different tokens the API refused (401) since it last accepted one. */
  private refusedTokens = 0;
  private lastRefused?: string;
  /** Token requests that failed in a row: the backoff grows with them. */
  private failuresInARow = 0;
  private counters: { tokenRequests: number; lastTokenAt?: number; expiresAt?: number; scope?: string } = {
    tokenRequests: 0,
  };

  constructor(options: TokenCacheOptions) {
    this.settings = options.settings;
    this.certificate = options.certificate;
    this.http = options.http;
    this.renewBeforeMs = Math.max(0, options.renewBeforeSeconds ?? DEFAULT_RENEW_BEFORE_SECONDS) * 1000;
    this.clock = options.clock ?? Date.now;
  }

  get stats(): TokenStats {
    return Object.freeze({ ...this.counters });
  }

  getAccessToken(): Promise<string> {
    const now = this.clock();
    const token = this.token;
    if (token && now < token.renewAt) return Promise.resolve(token.value);
    const held = this.held;
    if (held && now < held.until) {
      // A renewal that failed does not take away a token that is still valid.
      if (token && now < token.expiresAt) return Promise.resolve(token.value);
      return Promise.reject(remembered(held, now));
    }
    if (!this.flight || this.flight.generation !== this.generation) this.flight = this.startFlight();
    return this.flight.promise.then((cached) => cached.value);
  }

  /**
   * The API refused a token issued after its first 401 (the client lacks access, or the API refuses every token for
   * now): the token is dropped and, for REFUSAL_MEMORY_MS, every caller gets `error` instead of a token that would be
   * refused too.
   */
  rememberApiRefusal(rejectedToken: string, error: FlaError, passing = false): void {
    if (this.token?.value === rejectedToken) this.token = undefined;
    // Refused as expired, the API still accepts our tokens (one expired early, or its clock runs ahead): no hold.
    if (passing) return;
    this.noteRefused(rejectedToken);
    // One refused token is often a passing event (revoked, or expired early on the server): holding every message
    // back for it would fail hundreds of them for one. Two different tokens refused with no answer accepted in between:
    // the API refuses our tokens, and other messages then fail at once instead of each fetching one.
    if (this.refusedTokens >= 2) this.held = { error, until: this.clock() + REFUSAL_MEMORY_MS };
  }

  /** The API answered a request (anything but 401): the tokens are accepted again. */
  apiAccepted(): void {
    this.refusedTokens = 0;
    this.lastRefused = undefined;
  }

  private noteRefused(token: string): void {
    if (token === this.lastRefused) return;
    this.lastRefused = token;
    this.refusedTokens += 1;
  }

  /**
   * Drops the cached token so that the next call signs a new assertion. Given the token the API refused, it drops it
   * only if it is still the cached one: fifty messages refused together then lead to one new token, not fifty.
   * Without it, an invalidation during a request in flight also keeps that request's token out of the cache.
   */
  invalidateAccessToken(rejectedToken?: string): void {
    if (rejectedToken !== undefined) {
      this.noteRefused(rejectedToken);
      if (this.token?.value === rejectedToken) this.token = undefined;
      return;
    }
    this.token = undefined;
    this.generation += 1;
  }

  private startFlight(): Flight {
    const generation = this.generation;
    const startedAt = this.clock();
    this.counters.tokenRequests += 1;
    const promise = fetchToken(this.settings, this.certificate, this.http).then(
      (response) => {
        const token = this.cacheable(response, startedAt);
        this.held = undefined;
        this.failuresInARow = 0;
        // Runs before the waiters' callbacks: they resume with the token already cached.
        if (this.generation === generation) {
          this.token = token;
          this.counters = {
            tokenRequests: this.counters.tokenRequests,
            lastTokenAt: this.clock(),
            expiresAt: token.expiresAt,
            scope: response.scope ?? this.settings.scope,
          };
        }
        return token;
      },
      (error: unknown) => {
        const failure = this.hold(error);
        // A renewal that failed does not take away a token that is still valid.
        const current = this.token;
        if (current && this.generation === generation && this.clock() < current.expiresAt) return current;
        throw failure;
      },
    );
    const flight: Flight = { promise, generation };
    // A failure reaches every waiter of this request; later callers get it from `held` until the backoff ends.
    const forget = () => {
      if (this.flight === flight) this.flight = undefined;
    };
    promise.then(forget, forget);
    return flight;
  }

  /** The token as kept: an absurd announced lifetime is bounded, and the renewal margin is at most half of it. */
  private cacheable(response: TokenResponse, startedAt: number): CachedToken {
    const announced = Number.isFinite(response.expiresIn) ? response.expiresIn : DEFAULT_EXPIRES_IN_SECONDS;
    const lifetimeMs = Math.min(Math.max(announced, 0), MAX_TOKEN_LIFETIME_SECONDS) * 1000;
    // Counted from the request, not the answer: the server's clock started before ours stopped.
    const expiresAt = startedAt + lifetimeMs;
    const useMs = Math.max(lifetimeMs - Math.min(this.renewBeforeMs, lifetimeMs / 2), MIN_TOKEN_USE_SECONDS * 1000);
    return { value: response.accessToken, expiresAt, renewAt: startedAt + useMs, scope: response.scope };
  }

  /** Holds back the token requests after a failure, and marks the error with how long (for the API client). */
  private hold(error: unknown): FlaError {
    const failure = isFlaError(error)
      ? error
      : new FlaError(
          "FLA_AUTH",
          `The access token could not be obtained: ${error instanceof Error ? error.message : String(error)}`,
        );
    this.failuresInARow += 1;
    let holdMs = REFUSAL_MEMORY_MS;
    if (failure.retryable) {
      holdMs = backoffDelay(this.failuresInARow, TOKEN_BACKOFF);
      const retryAfterMs = tokenEndpointRetryAfterMs(failure);
      if (retryAfterMs !== undefined) holdMs = Math.max(holdMs, Math.min(retryAfterMs, TOKEN_BACKOFF.maxRetryAfterMs));
    }
    this.held = { error: failure, until: this.clock() + holdMs };
    holdTokenRequests(failure, holdMs);
    return failure;
  }
}

/** The held failure again, for one more caller: a copy of its own, marked with the time left. */
function remembered(held: HeldFailure, now: number): FlaError {
  const { code, message, httpStatus, reason, retryable } = held.error;
  const copy = new FlaError(code, message, { httpStatus, reason, retryable });
  holdTokenRequests(copy, held.until - now);
  return copy;
}

/**
 * For the editor's Test connection button: one fresh token with the settings in the dialog, nothing cached, through the
 * same HTTP policy (proxy, trust) as the deployed connection would use.
 */
export async function testConnection(
  settings: ConnectionSettings,
  certificate: LoadedCertificate,
): Promise<{ scope?: string; expiresIn: number; tokenType: string }> {
  const http = new HttpPolicy(settings.network);
  try {
    const { scope, expiresIn, tokenType } = await fetchToken(settings, certificate, http);
    return { scope, expiresIn, tokenType };
  } finally {
    http.destroy();
  }
}
