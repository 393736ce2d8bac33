/** Opaque access tokens the simulator issues, and their state (valid, expired, revoked). */
import { randomBytes } from "node:crypto";
import type { ClientRole } from "./types";

export interface IssuedToken {
  clientId: string;
  role: ClientRole;
  enterpriseNumber: string;
  scope: string;
  expiresAt: number;
  /** Set by the expireToken fault: the token is treated as expired from then on. */
  forcedExpired?: boolean;
}

export type TokenCheck =
  | { ok: true; token: IssuedToken }
  | { ok: false; reason: "noAccessToken" | "invalidAccessToken" | "expiredAccessToken" };

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(token: IssuedToken): string {
    this.prune();
    const value = randomBytes(32).toString("base64url");
    this.tokens.set(value, token);
    return value;
  }

  /** Checks an Authorization header value. */
  check(authorization: string | undefined, now = Date.now()): TokenCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!authorization) return { ok: false, reason: "noAccessToken" };
    if (!match) return { ok: false, reason: "invalidAccessToken" };
    const token = this.tokens.get(match[1]);
    if (!token) return { ok: false, reason: "invalidAccessToken" };
    if (token.forcedExpired || token.expiresAt <= now) return { ok: false, reason: "expiredAccessToken" };
    return { ok: true, token };
  }

  /** Makes the token of this Authorization header expired (fault injection). */
  expire(authorization: string | undefined): void {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const token = match ? this.tokens.get(match[1]) : undefined;
    if (token) token.forcedExpired = true;
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  /** Forgets tokens expired for more than an hour (they then answer invalidAccessToken), to bound memory. */
  private prune(now = Date.now()): void {
    if (this.tokens.size < 10_000) return;
    for (const [value, token] of this.tokens) if (token.expiresAt < now - 3_600_000) this.tokens.delete(value);
  }
}
