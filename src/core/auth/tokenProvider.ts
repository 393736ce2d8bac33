/** What the config node offers the other nodes: one shared bearer token. */
export interface TokenProvider {
  /** Resolves a valid access token; concurrent callers share one request in flight. Rejects with a FlaError (FLA_AUTH, FLA_TIMEOUT, FLA_NETWORK, FLA_RESPONSE, FLA_CERT). */
  getAccessToken(): Promise<string>;
  /**
   * Drops the cached token (after a 401), so that the next call signs a fresh assertion. Pass the token the API
   * refused: it is then dropped only if still cached, so that many messages refused together cause one new token.
   */
  invalidateAccessToken(rejectedToken?: string): void;
}
