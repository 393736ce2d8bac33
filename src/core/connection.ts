/**
 * One connection per config node: settings resolved and the certificate parsed once, at deploy; a shared token cache,
 * request limiter and API client for every node that uses it. Nothing here runs per message.
 */
import { FlaApiClient } from "./api/httpClient";
import { TokenCache } from "./auth/tokenCache";
import type { TokenProvider } from "./auth/tokenProvider";
import { loadCertificate, type CertificateInput, type LoadedCertificate } from "./certificate";
import { FlaError } from "./errors";
import { HttpPolicy } from "./http/policy";
import { RequestLimiter } from "./limiter";
import { CircuitBreaker } from "./outbox/breaker";
import { resolveSettings, type ConnectionSettings, type RawConnectionSettings } from "./settings";

export interface ConnectionConfig extends RawConnectionSettings {
  certificateFormat?: string;
  alias?: string;
  maxConcurrent?: number | string;
  maxQueue?: number | string;
  /** Keep the outbox in a journal file in Node-RED's user directory (default true). */
  persistOutbox?: boolean | string;
  /** Platform-down failures of one declaration before its last error is final (default 5). */
  maxAttempts?: number | string;
  /** Longest wait between two attempts of one declaration, in seconds (default 60). */
  maxBackoff?: number | string;
  /** Consecutive platform-down failures that pause every request of the config node (default 5). */
  circuitThreshold?: number | string;
  /** Hours after which a declaration the platform never took ends with FLA_UNAVAILABLE (default 24). */
  giveUpHours?: number | string;
}

/** The outbox settings of a config node, resolved (see ConnectionConfig). */
export interface OutboxConfig {
  persist: boolean;
  maxConcurrent: number;
  maxQueue: number;
  maxAttempts: number;
  maxBackoffMs: number;
  circuitThreshold: number;
  giveUpMs: number;
}

/** The config node's credentials, as Node-RED's credential store gives them. */
export interface ConnectionCredentials {
  pfx?: string;
  passphrase?: string;
  certificate?: string;
  privateKey?: string;
}

export const DEFAULT_MAX_CONCURRENT = 4;
/** The request limiter's queue (queries, exports): requests wait in memory. */
export const DEFAULT_MAX_QUEUE = 10_000;
/** The outbox's: declarations wait on disk, a small descriptor each in memory. */
export const DEFAULT_OUTBOX_QUEUE = 100_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_MAX_BACKOFF_SECONDS = 60;
export const DEFAULT_CIRCUIT_THRESHOLD = 5;
export const DEFAULT_GIVE_UP_HOURS = 24;

function positiveInteger(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function positiveNumber(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== "" && value !== null && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function outboxConfig(config: ConnectionConfig): OutboxConfig {
  return {
    persist: config.persistOutbox !== false && config.persistOutbox !== "false",
    maxConcurrent: positiveInteger(config.maxConcurrent, DEFAULT_MAX_CONCURRENT),
    maxQueue: positiveInteger(config.maxQueue, DEFAULT_OUTBOX_QUEUE),
    maxAttempts: positiveInteger(config.maxAttempts, DEFAULT_MAX_ATTEMPTS),
    maxBackoffMs: Math.round(positiveNumber(config.maxBackoff, DEFAULT_MAX_BACKOFF_SECONDS) * 1000),
    circuitThreshold: positiveInteger(config.circuitThreshold, DEFAULT_CIRCUIT_THRESHOLD),
    giveUpMs: Math.round(positiveNumber(config.giveUpHours, DEFAULT_GIVE_UP_HOURS) * 3_600_000),
  };
}

export function certificateInput(config: ConnectionConfig, credentials: ConnectionCredentials): CertificateInput {
  const alias = config.alias?.trim() || undefined;
  if (config.certificateFormat === "pem") {
    return {
      format: "pem",
      certificate: credentials.certificate,
      privateKey: credentials.privateKey,
      passphrase: credentials.passphrase,
      alias,
    };
  }
  return { format: "pfx", pfx: credentials.pfx, passphrase: credentials.passphrase, alias };
}

export class FlaConnection implements TokenProvider {
  readonly settings?: ConnectionSettings;
  readonly certificate?: LoadedCertificate;
  /** Why this connection cannot be used (bad settings or certificate); every request then fails with it. */
  readonly problem?: FlaError;
  readonly limiter: RequestLimiter;
  readonly client?: FlaApiClient;
  /**
   * The client of the outbox's sends: one attempt per call and no limiter, because the outbox's dispatcher owns the
   * retries (with its backoff, give-up time and circuit breaker) and the concurrency. Same tokens, proxy and sockets.
   */
  readonly outboxClient?: FlaApiClient;
  readonly outbox: OutboxConfig;
  /** Shared by everything that calls the platform through this config node: reads wait while it is open. */
  readonly breaker: CircuitBreaker;
  private readonly tokens?: TokenCache;
  /** One way out for the token requests and the API calls: same proxy, same trust, shared keep-alive sockets. */
  private readonly http?: HttpPolicy;

  private constructor(config: ConnectionConfig, credentials: ConnectionCredentials, now: Date) {
    this.outbox = outboxConfig(config);
    // Probes at growing intervals, at most the longest backoff of a declaration (and at most 5 min).
    this.breaker = new CircuitBreaker({
      threshold: this.outbox.circuitThreshold,
      maxProbeMs: Math.max(1000, Math.min(this.outbox.maxBackoffMs, 5 * 60_000)),
    });
    this.limiter = new RequestLimiter({
      maxConcurrent: positiveInteger(config.maxConcurrent, DEFAULT_MAX_CONCURRENT),
      maxQueue: positiveInteger(config.maxQueue, DEFAULT_MAX_QUEUE),
    });
    try {
      this.settings = resolveSettings(config);
      this.certificate = loadCertificate(certificateInput(config, credentials), now);
      this.http = new HttpPolicy(this.settings.network);
      this.tokens = new TokenCache({ settings: this.settings, certificate: this.certificate, http: this.http });
      this.client = new FlaApiClient({
        apiUrl: this.settings.apiUrl,
        tokens: this.tokens,
        timeoutMs: this.settings.timeoutMs,
        limiter: this.limiter,
        http: this.http,
        breaker: this.breaker,
      });
      this.outboxClient = new FlaApiClient({
        apiUrl: this.settings.apiUrl,
        tokens: this.tokens,
        timeoutMs: this.settings.timeoutMs,
        retry: { attempts: 1 },
        http: this.http,
      });
    } catch (err) {
      this.problem =
        err instanceof FlaError
          ? err
          : new FlaError("FLA_CONFIG", `The configuration cannot be used: ${(err as Error).message}`);
    }
  }

  /** Never throws: a problem is kept in `problem` so that the node can show it at deploy and refuse messages clearly. */
  static open(config: ConnectionConfig, credentials: ConnectionCredentials, now = new Date()): FlaConnection {
    return new FlaConnection(config, credentials, now);
  }

  get warnings(): string[] {
    return this.certificate?.warnings ?? [];
  }

  get tokenStats(): TokenCache["stats"] | undefined {
    return this.tokens?.stats;
  }

  /** The API client, or the deploy-time problem as a rejection a flow can catch. */
  requireClient(): FlaApiClient {
    if (this.problem || !this.client)
      throw this.problem ?? new FlaError("FLA_CONFIG", "The FLA configuration is not ready.");
    return this.client;
  }

  getAccessToken(): Promise<string> {
    if (this.problem || !this.tokens)
      return Promise.reject(this.problem ?? new FlaError("FLA_CONFIG", "The FLA configuration is not ready."));
    return this.tokens.getAccessToken();
  }

  /** With the refused token, only that token is dropped: a burst of 401s leads to one new token, not one each. */
  invalidateAccessToken(rejectedToken?: string): void {
    this.tokens?.invalidateAccessToken(rejectedToken);
  }

  /**
   * Stops accepting work: queued requests end with FLA_ABORTED, in-flight ones finish or time out. Then the keep-alive
   * sockets are closed: left open, each redeploy would leave the old connection's sockets to the platform behind.
   */
  async close(): Promise<void> {
    this.limiter.close();
    this.breaker.dispose();
    await this.limiter.whenIdle();
    this.http?.destroy();
  }
}
