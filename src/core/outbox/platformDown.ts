/**
 * Which failures say "the platform is down" (they feed the circuit breaker and are tried again later), as opposed to
 * failures of one request (a 400, a 409, a refused token), which never open the circuit.
 */
import { isFlaError, type FlaErrorCode } from "../errors";

const PLATFORM_DOWN: ReadonlySet<FlaErrorCode> = new Set<FlaErrorCode>(["FLA_HTTP", "FLA_TIMEOUT", "FLA_NETWORK"]);

/** A 5xx or 429 after the client's attempts, a timeout, a reset or refused connection. */
export function isPlatformDown(error: unknown): boolean {
  if (!isFlaError(error) || !error.retryable || !PLATFORM_DOWN.has(error.code)) return false;
  return (
    error.code !== "FLA_HTTP" || error.httpStatus === undefined || error.httpStatus >= 500 || error.httpStatus === 429
  );
}
