/**
 * POST /REST/oauth/v5/token: client_credentials with a private_key_jwt client assertion (RFC 7521/7523), checked the way
 * a real authorization server does. Every failure of the assertion is `invalid_client` (RFC 7521 §4.2) with a
 * description naming the rule; the description never repeats the assertion itself.
 */
import { loadJose, type Jose } from "../core/auth/jose";
import { SCOPES } from "../core/settings";
import type { ClientRegistry } from "./clients";
import type { Reply } from "./reply";
import type { TokenStore } from "./tokens";

export const TOKEN_PATH = "/REST/oauth/v5/token";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The longest an assertion may live: exp at most this far after iat and after now. */
const MAX_ASSERTION_LIFETIME_S = 600;
const CLOCK_SKEW_S = 30;

export interface TokenRequestContext {
  contentType: string | undefined;
  body: string;
  /** The URLs the assertion's aud may name (the token URL, and the same path on the Host the client used). */
  audiences: string[];
}

export interface TokenEndpointDeps {
  clients: ClientRegistry;
  tokens: TokenStore;
  lifetimeSeconds: () => number;
  onIssued: () => void;
  onRejected: () => void;
}

function oauthError(status: 400 | 401, error: string, description: string): Reply {
  const headers: Record<string, string> = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (status === 401) headers["WWW-Authenticate"] = `Bearer error="${error}"`;
  return { status, body: { error, error_description: description }, headers };
}

export class TokenEndpoint {
  /** jti → epoch ms after which the assertion expired anyway (then it can be forgotten). */
  private readonly seenJti = new Map<string, number>();

  constructor(private readonly deps: TokenEndpointDeps) {}

  async handle(ctx: TokenRequestContext): Promise<Reply> {
    const reply = await this.evaluate(ctx);
    if (reply.status === 200) this.deps.onIssued();
    else this.deps.onRejected();
    return reply;
  }

  private async evaluate(ctx: TokenRequestContext): Promise<Reply> {
    const { decodeJwt, decodeProtectedHeader, errors: joseErrors, jwtVerify } = await loadJose();
    if (!(ctx.contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "The token request must be sent as application/x-www-form-urlencoded.");
    }
    const form = new URLSearchParams(ctx.body);
    const grantType = form.get("grant_type");
    if (!grantType) return oauthError(400, "invalid_request", "The grant_type parameter is missing.");
    if (grantType !== "client_credentials") {
      return oauthError(
        400,
        "unsupported_grant_type",
        `The grant type "${grantType}" is not supported: use client_credentials.`,
      );
    }
    const assertionType = form.get("client_assertion_type");
    const assertion = form.get("client_assertion");
    if (!assertion)
      return oauthError(
        401,
        "invalid_client",
        "Client authentication is required: send a signed client_assertion (private_key_jwt).",
      );
    if (assertionType !== JWT_BEARER) {
      return oauthError(400, "invalid_request", `The client_assertion_type must be ${JWT_BEARER}.`);
    }

    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return oauthError(401, "invalid_client", "The client assertion is not a well-formed signed JWT.");
    }
    if (header.alg !== "RS256") {
      return oauthError(
        401,
        "invalid_client",
        `The client assertion is signed with alg "${String(header.alg)}": only RS256 is accepted.`,
      );
    }
    const clientId = claims.iss;
    if (typeof clientId !== "string" || !clientId)
      return oauthError(401, "invalid_client", "The client assertion has no iss claim (the client id).");
    const formClientId = form.get("client_id");
    if (formClientId !== null && formClientId !== clientId) {
      return oauthError(
        401,
        "invalid_client",
        "The client_id parameter differs from the iss claim of the client assertion.",
      );
    }
    const client = this.deps.clients.get(clientId);
    if (!client)
      return oauthError(401, "invalid_client", `Unknown client id "${clientId}": no certificate is registered for it.`);
    const now = Date.now();
    if (now > client.notAfter.getTime() || now < client.notBefore.getTime()) {
      return oauthError(
        401,
        "invalid_client",
        `The certificate registered for client "${clientId}" is expired or not yet valid.`,
      );
    }

    try {
      await jwtVerify(assertion, client.publicKey, {
        algorithms: ["RS256"],
        issuer: clientId,
        subject: clientId,
        audience: ctx.audiences,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ["iss", "sub", "aud", "exp", "jti"],
      });
    } catch (err) {
      return oauthError(401, "invalid_client", describeJoseError(err, clientId, joseErrors));
    }

    const nowS = Math.floor(now / 1000);
    const exp = claims.exp as number;
    if (typeof claims.iat === "number" && claims.iat > nowS + CLOCK_SKEW_S) {
      return oauthError(
        401,
        "invalid_client",
        "The client assertion's iat is in the future: check the clock of the client machine.",
      );
    }
    if (
      exp - nowS > MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S ||
      (typeof claims.iat === "number" && exp - claims.iat > MAX_ASSERTION_LIFETIME_S)
    ) {
      return oauthError(
        401,
        "invalid_client",
        `The client assertion's exp is too far ahead: at most ${MAX_ASSERTION_LIFETIME_S / 60} minutes after iat.`,
      );
    }
    const jti = claims.jti as string;
    if (typeof jti !== "string" || !jti)
      return oauthError(401, "invalid_client", "The client assertion's jti must be a non-empty string.");
    this.forgetExpiredJti(now);
    if (this.seenJti.has(`${clientId} ${jti}`)) {
      return oauthError(
        401,
        "invalid_client",
        "The client assertion was already used (jti replay): sign a new assertion for every token request.",
      );
    }
    this.seenJti.set(`${clientId} ${jti}`, (exp + CLOCK_SKEW_S) * 1000);

    const scope = form.get("scope");
    const allowed = SCOPES[client.role];
    if (scope !== allowed) {
      const asked = scope ? `"${scope}"` : "no scope";
      return oauthError(
        400,
        "invalid_scope",
        `Client "${clientId}" has the ${client.role} role: it must ask for scope "${allowed}", not ${asked}.`,
      );
    }

    const lifetime = this.deps.lifetimeSeconds();
    const accessToken = this.deps.tokens.issue({
      clientId,
      role: client.role,
      enterpriseNumber: client.enterpriseNumber,
      scope: allowed,
      expiresAt: now + lifetime * 1000,
    });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: "Bearer", expires_in: lifetime, scope: allowed },
      headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
    };
  }

  private forgetExpiredJti(now: number): void {
    if (this.seenJti.size < 10_000) return;
    for (const [key, until] of this.seenJti) if (until < now) this.seenJti.delete(key);
  }
}

function describeJoseError(err: unknown, clientId: string, joseErrors: Jose["errors"]): string {
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return `The client assertion's signature does not match the certificate registered for client "${clientId}".`;
  }
  if (err instanceof joseErrors.JWTExpired)
    return "The client assertion has expired (exp is in the past): check the clock of the client machine.";
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = err.claim;
    if (claim === "aud") return "The client assertion's aud claim must be the token endpoint URL.";
    if (claim === "iss" || claim === "sub")
      return "The client assertion's iss and sub claims must both be the client id.";
    if (claim === "nbf") return "The client assertion is not valid yet (nbf): check the clock of the client machine.";
    return `The client assertion's ${claim} claim is missing or not valid.`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return "Only RS256 client assertions are accepted.";
  return "The client assertion cannot be verified.";
}
