/** Turns an RFC 6749 §5.2 error answer into what the user must do. */
import { parseRetryAfter } from "../api/backoff";
import { FlaError } from "../errors";

export interface OAuthErrorBody {
  error?: unknown;
  error_description?: unknown;
}

export interface OAuthErrorAnswer {
  status: number;
  host: string;
  scope: string;
  body?: OAuthErrorBody;
  /** Strings the server might echo and that must not reach a message. */
  secrets: string[];
  /** The answer's Retry-After header, honoured on a 429 or 503. */
  retryAfter?: unknown;
}

/** The wait a token endpoint asked for with its 429 or 503, by the error that reports the answer. */
const retryAfterByError = new WeakMap<object, number>();
/** How long the config node sends no token request after this failure (every caller meanwhile gets the same error). */
const holdByError = new WeakMap<object, number>();

/** The token endpoint's Retry-After (milliseconds) carried by this error, if it sent one. */
export function tokenEndpointRetryAfterMs(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? retryAfterByError.get(error) : undefined;
}

/** Marks an error as holding back the token requests of its config node for `ms`. */
export function holdTokenRequests(error: object, ms: number): void {
  holdByError.set(error, ms);
}

/** How long (milliseconds) the token requests of the config node are held back after this error, if they are. */
export function tokenRequestsHeldForMs(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? holdByError.get(error) : undefined;
}

export const FLA_PERMISSION = "CareerPro – Federal Learning Account – Declaration";

/** The description is the server's own words (not secret), kept short and on one line. */
function description(body: OAuthErrorBody | undefined, secrets: string[]): string | undefined {
  if (typeof body?.error_description !== "string") return undefined;
  let text = body.error_description.replace(/[\p{Cc}]+/gu, " ").trim();
  for (const secret of secrets) if (secret) text = text.split(secret).join("[redacted]");
  text = text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[redacted]");
  if (!text) return undefined;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function describeOAuthError(answer: OAuthErrorAnswer): FlaError {
  const { status, host } = answer;
  const error =
    typeof answer.body?.error === "string" && /^[\x20-\x7e]{1,64}$/.test(answer.body.error)
      ? answer.body.error
      : undefined;
  const detail = description(answer.body, answer.secrets);
  const said = `The token endpoint ${host} answered HTTP ${status}${error ? ` ${error}` : ""}${detail ? ` ("${detail}")` : ""}`;
  const auth = (advice: string) =>
    new FlaError("FLA_AUTH", `${said}: ${advice}`, { httpStatus: status, reason: error ?? `HTTP_${status}` });

  if (status >= 500 || status === 429 || status === 408) {
    const busy = new FlaError("FLA_HTTP", `${said}: the service is unavailable or busy, try again later.`, {
      httpStatus: status,
      reason: error ?? `HTTP_${status}`,
      retryable: true,
    });
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(answer.retryAfter) : undefined;
    if (retryAfterMs !== undefined) retryAfterByError.set(busy, retryAfterMs);
    return busy;
  }
  switch (error) {
    case "invalid_client":
      return auth(
        "is the certificate registered in Chaman for this client id? Check the client id, and that this machine's clock is right.",
      );
    case "invalid_scope":
    case "unauthorized_client":
      return auth(
        `the webservice account needs the permission "${FLA_PERMISSION}" in Chaman, and the role must match the account: ` +
          `employer for a company declaring for itself, authorized representative (provider) for a social secretariat or service provider. Scope asked: ${answer.scope}.`,
      );
    case "invalid_grant":
      return auth(
        "the client assertion was refused: check that this machine's clock is right and that the audience is the token URL.",
      );
    case undefined:
      break;
    default:
      return auth("the token request was refused: check the token URL, the client id and the scope.");
  }
  if (status === 401 || status === 403)
    return auth("the client was not recognised: check the client id and that the certificate is registered in Chaman.");
  return new FlaError("FLA_HTTP", `${said}: check that the token URL is the OAuth v5 token endpoint.`, {
    httpStatus: status,
    reason: `HTTP_${status}`,
  });
}
