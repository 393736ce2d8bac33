/** One token request to the OAuth v5 token endpoint (RFC 6749 §4.4 with an RFC 7523 client assertion). */
import axios, { type AxiosResponse } from "axios";
import { FlaError } from "../errors";
import { HttpPolicy } from "../http/policy";
import { describeTransportFailure } from "../http/transportFailure";
import { describeOAuthError } from "./tokenErrors";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** RFC 6749 makes expires_in only RECOMMENDED: without it we assume a short life (a 401 also invalidates the token). */
export const DEFAULT_EXPIRES_IN_SECONDS = 300;

export interface TokenRequest {
  tokenUrl: string;
  scope: string;
  assertion: string;
  timeoutMs: number;
  /** The connection's policy (proxy, trust, keep-alive), the same as its API calls'. Default: the environment's. */
  http?: HttpPolicy;
}

export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  scope?: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** For calls made without a connection's policy: the environment's proxy variables, TLS verification on. */
let environmentPolicy: HttpPolicy | undefined;

/**
 * Never passes the axios error on: its config holds the form with the client assertion. The cause keeps the code,
 * syscall and host only.
 */
function transportError(err: unknown, request: TokenRequest, timedOut: boolean): FlaError {
  const host = hostOf(request.tokenUrl);
  const failure = describeTransportFailure(err, { host, timedOut });
  if (failure.kind === "timeout") {
    return new FlaError(
      "FLA_TIMEOUT",
      `The token endpoint ${host} did not answer within ${request.timeoutMs / 1000} s: try again later, or raise the timeout.`,
      {
        reason: "TIMEOUT",
        retryable: true,
        cause: failure.cause,
      },
    );
  }
  return new FlaError("FLA_NETWORK", `The token request to ${host} failed: ${failure.explanation}.`, {
    reason: failure.code,
    retryable: failure.retryable,
    cause: failure.cause,
  });
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function successResponse(response: AxiosResponse, host: string): TokenResponse {
  const body = parseJson(response.data) as Record<string, unknown> | undefined;
  const unreadable = (what: string) =>
    new FlaError(
      "FLA_RESPONSE",
      `The token endpoint ${host} answered HTTP ${response.status} ${what}: check that the token URL is the OAuth v5 token endpoint.`,
      {
        httpStatus: response.status,
        reason: "INVALID_TOKEN_RESPONSE",
      },
    );
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw unreadable(
      `with something that is not JSON (${String(response.headers["content-type"] ?? "no content type")})`,
    );
  }
  if (typeof body.access_token !== "string" || !body.access_token) throw unreadable("without an access_token");
  const tokenType = typeof body.token_type === "string" && body.token_type ? body.token_type : "Bearer";
  if (tokenType.toLowerCase() !== "bearer") throw unreadable(`with a token of type "${tokenType}" instead of Bearer`);
  const expiresIn = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    tokenType,
    expiresIn:
      body.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn >= 0
        ? expiresIn
        : DEFAULT_EXPIRES_IN_SECONDS,
    scope: typeof body.scope === "string" ? body.scope : undefined,
  };
}

/** Obtains one access token. Rejects with FLA_AUTH, FLA_HTTP, FLA_TIMEOUT, FLA_NETWORK or FLA_RESPONSE. */
export async function requestToken(request: TokenRequest): Promise<TokenResponse> {
  const host = hostOf(request.tokenUrl);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    scope: request.scope,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: request.assertion,
  });
  let agents: ReturnType<HttpPolicy["agentsFor"]>;
  try {
    agents = (request.http ?? (environmentPolicy ??= new HttpPolicy())).agentsFor(request.tokenUrl);
  } catch {
    throw new FlaError(
      "FLA_CONFIG",
      "The proxy URL (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) cannot be read: write it as http://host:port.",
    );
  }
  // axios's timeout restarts on every byte; the abort bounds the whole exchange.
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, request.timeoutMs);
  let response: AxiosResponse;
  try {
    response = await axios.post(request.tokenUrl, form.toString(), {
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      timeout: request.timeoutMs,
      signal: deadline.signal,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // A redirect would carry the assertion elsewhere: the token URL must be the final one.
      maxRedirects: 0,
      // The same way out as the API calls: the agents carry the proxy (CONNECT) and the trust.
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      proxy: false,
    });
  } catch (err) {
    throw transportError(err, request, timedOut);
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 200 && response.status < 300) return successResponse(response, host);
  if (response.status >= 300 && response.status < 400) {
    throw new FlaError(
      "FLA_HTTP",
      `The token endpoint ${host} answered with a redirect (HTTP ${response.status}): enter the final token URL.`,
      {
        httpStatus: response.status,
        reason: "REDIRECT",
      },
    );
  }
  const body = parseJson(response.data);
  throw describeOAuthError({
    status: response.status,
    host,
    scope: request.scope,
    body: body && typeof body === "object" ? body : undefined,
    secrets: [request.assertion],
    retryAfter: response.headers["retry-after"],
  });
}
