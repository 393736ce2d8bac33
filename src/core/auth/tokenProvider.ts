/** What the config node offers the other nodes: one shared bearer token. */
import type { FlaError } from "../errors";

export interface TokenProvider {
  /**
   * Resolves a valid access token; concurrent callers share one request in flight. Rejects with a FlaError (FLA_AUTH,
   * FLA_TIMEOUT, FLA_NETWORK, FLA_HTTP, FLA_RESPONSE, FLA_CERT). After a failure it may answer every caller with that
   * failure for a while, without a request (see tokenRequestsHeldForMs).
   */
  getAccessToken(): Promise<string>;
  /**
   * Drops the cached token (after a 401), so that the next call signs a fresh assertion. Pass the token the API
   * refused: it is then dropped only if still cached, so that many messages refused together cause one new token.
   */
  invalidateAccessToken(rejectedToken?: string): void;
  /**
   * The API refused a token issued after its first 401: it refuses this client's tokens. Drops that token and, for a
   * while, answers every caller with `error` instead of asking for a token that would be refused too. `passing`: the
   * API said the token expired, which holds nobody back (the next call gets a new token).
   */
  rememberApiRefusal?(rejectedToken: string, error: FlaError, passing?: boolean): void;
  /** The API answered with the current tokens (anything but 401). */
  apiAccepted?(): void;
}
