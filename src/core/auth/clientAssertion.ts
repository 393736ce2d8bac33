/** RFC 7523 client assertion ("private_key_jwt") for the socialsecurity.be OAuth v5 token endpoint. */
import { randomUUID, type KeyObject } from "node:crypto";
import { loadJose } from "./jose";
import { FlaError } from "../errors";

export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

export interface ClientAssertionOptions {
  clientId: string;
  /** The token endpoint URL. */
  audience: string;
  privateKey: KeyObject;
  /** At most 300 (5 minutes). */
  lifetimeSeconds?: number;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
}

/** Signs a fresh assertion, with a new random `jti`: never reuse one, the server refuses a `jti` it has seen. */
export async function signClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const { clientId, audience, privateKey } = options;
  const lifetime = Math.min(
    Math.max(Math.floor(options.lifetimeSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS), 1),
    MAX_ASSERTION_LIFETIME_SECONDS,
  );
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const { SignJWT } = await loadJose();
  try {
    return await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetime)
      .sign(privateKey);
  } catch {
    throw new FlaError(
      "FLA_CERT",
      "The client assertion could not be signed with the certificate's private key: load an RSA certificate of 2048 bits or more.",
      {
        reason: "SIGNING_FAILED",
      },
    );
  }
}
