/** The config node's shared access token: one request in flight at a time, renewed before it expires. */
import type { LoadedCertificate } from "../certificate";
import { HttpPolicy } from "../http/policy";
import type { ConnectionSettings } from "../settings";
import { signClientAssertion } from "./clientAssertion";
import { requestToken, type TokenResponse } from "./tokenClient";
import type { TokenProvider } from "./tokenProvider";

export const DEFAULT_RENEW_BEFORE_SECONDS = 60;

export interface TokenCacheOptions {
  settings: ConnectionSettings;
  certificate: LoadedCertificate;
  /** The connection's HTTP policy (proxy, trust), the one its API client uses. */
  http?: HttpPolicy;
  /** Renew this long before expiry (default 60 s), but never earlier than half-way through the token's life. */
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

interface Flight {
  promise: Promise<CachedToken>;
  /** The invalidation count when it started: a later invalidation keeps its token out of the cache. */
  generation: number;
}

/** Signs a fresh assertion (new jti) and asks for a token: one request, no cache. */
async function fetchToken(settings: ConnectionSettings, certificate: LoadedCertificate, http?: HttpPolicy): Promise<TokenResponse> {
  const assertion = await signClientAssertion({ clientId: settings.clientId, audience: settings.audience, privateKey: certificate.privateKey });
  return requestToken({ tokenUrl: settings.tokenUrl, scope: settings.scope, assertion, timeoutMs: settings.timeoutMs, http });
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
  private counters: { tokenRequests: number; lastTokenAt?: number; expiresAt?: number; scope?: string } = { tokenRequests: 0 };

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
    if (this.token && this.clock() < this.token.renewAt) return Promise.resolve(this.token.value);
    if (!this.flight || this.flight.generation !== this.generation) this.flight = this.startFlight();
    return this.flight.promise.then((token) => token.value);
  }

  /**
   * Drops the cached token so that the next call signs a new assertion. Given the token the API refused, it drops it
   * only if it is still the cached one: fifty messages refused together then lead to one new token, not fifty.
   * Without it, an invalidation during a request in flight also keeps that request's token out of the cache.
   */
  invalidateAccessToken(rejectedToken?: string): void {
    if (rejectedToken !== undefined) {
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
    const promise = fetchToken(this.settings, this.certificate, this.http).then((response) => {
      // Counted from the request, not the answer: the server's clock started before ours stopped.
      const lifetimeMs = response.expiresIn * 1000;
      const expiresAt = startedAt + lifetimeMs;
      const token: CachedToken = {
        value: response.accessToken,
        expiresAt,
        renewAt: expiresAt - Math.min(this.renewBeforeMs, lifetimeMs / 2),
        scope: response.scope,
      };
      // Runs before the waiters' callbacks: they resume with the token already cached.
      if (this.generation === generation) {
        this.token = token;
        this.counters = { tokenRequests: this.counters.tokenRequests, lastTokenAt: this.clock(), expiresAt, scope: response.scope ?? this.settings.scope };
      }
      return token;
    });
    const flight: Flight = { promise, generation };
    // A failure reaches every waiter and is not kept: the next call tries again.
    const forget = () => {
      if (this.flight === flight) this.flight = undefined;
    };
    promise.then(forget, forget);
    return flight;
  }
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
