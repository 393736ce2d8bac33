/**
 * Names a transport failure by what happened, for the API client and the token client alike: whether anything can
 * have reached the server (a declaration is "uncertain" only then), whether trying again can help, and what to do.
 */
import { ProxyTunnelError } from "./policy";
import { SafeCause, safeCause } from "./safeCause";

export type TransportFailureKind = "timeout" | "tls" | "proxy" | "unreachable" | "interrupted";

export interface TransportFailure {
  kind: TransportFailureKind;
  /** The system or TLS code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_PROXY_TUNNEL, …), or "NETWORK". */
  code: string;
  /** True when the request certainly did not reach the server: no connection, no TLS session, no tunnel. */
  notSent: boolean;
  retryable: boolean;
  /** What happened and what to do, without a final period. */
  explanation: string;
  cause: SafeCause;
}

/** No connection was made: nothing was sent. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "EHOSTDOWN",
  "ENETDOWN",
]);
const TIMEOUTS = new Set(["ECONNABORTED", "ETIMEDOUT", "ESOCKETTIMEDOUT"]);
/** The chain of certificates does not lead to a trusted root. */
const UNTRUSTED = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "PATH_LENGTH_EXCEEDED",
]);
const EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "CERT_REVOKED"]);
const WRONG_NAME = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"]);

export const PRIVATE_CA_ADVICE =
  "if your network uses a private CA, start Node-RED with NODE_EXTRA_CA_CERTS=/path/ca.pem";

function isTls(code: string): boolean {
  return (
    UNTRUSTED.has(code) ||
    EXPIRED.has(code) ||
    WRONG_NAME.has(code) ||
    code === "EPROTO" ||
    /^ERR_(SSL|TLS)_/.test(code) ||
    /CERT/.test(code)
  );
}

function proxyFailure(error: ProxyTunnelError, cause: SafeCause): TransportFailure {
  const base = { kind: "proxy" as const, code: error.code, notSent: true, cause };
  const proxy = `the proxy ${error.proxy}`;
  switch (error.proxyStatus) {
    case undefined:
      return {
        ...base,
        retryable: true,
        explanation: `${proxy} cannot be reached (${error.code}): check the proxy URL (HTTPS_PROXY, or the http proxy chosen on the FLA config node)`,
      };
    case 407:
      return {
        ...base,
        retryable: false,
        explanation: `${proxy} asks for credentials (HTTP 407 to CONNECT): set the user and password on the http proxy chosen on the FLA config node`,
      };
    case 403:
      return {
        ...base,
        retryable: false,
        explanation: `${proxy} refused the tunnel to ${error.target} (HTTP 403 to CONNECT): ask for HTTPS to ${error.target} to be allowed`,
      };
    default:
      return {
        ...base,
        retryable: true,
        explanation: `${proxy} could not open a tunnel to ${error.target} (HTTP ${error.proxyStatus} to CONNECT): try again later`,
      };
  }
}

/**
 * `timedOut` says that the caller's own deadline ended the request. The host names the destination in the advice;
 * nothing else of the request is used.
 */
export function describeTransportFailure(
  error: unknown,
  destination: { host: string; timedOut?: boolean },
): TransportFailure {
  const cause = safeCause(error, { host: destination.host });
  const tunnel = findTunnelError(error);
  if (tunnel) return proxyFailure(tunnel, cause);
  const code = cause.code ?? "NETWORK";
  const host = destination.host;
  // A connect() that timed out sent nothing; any other timeout may come after the request was written.
  if (TIMEOUTS.has(code) && cause.syscall === "connect") {
    return {
      kind: "unreachable",
      code,
      notSent: true,
      retryable: true,
      cause,
      explanation: `${host} did not accept the connection in time (${code}): check the URL, the network, the firewall and whether a proxy is needed`,
    };
  }
  if (destination.timedOut || TIMEOUTS.has(code)) {
    return {
      kind: "timeout",
      code,
      notSent: false,
      retryable: true,
      cause,
      explanation: `${host} did not answer in time`,
    };
  }
  // Node's words when the peer closes the socket during the handshake: a firewall or a filtering proxy, nothing sent.
  if (code === "ECONNRESET" && /before secure TLS connection was established/.test(cause.message)) {
    return {
      kind: "tls",
      code,
      notSent: true,
      retryable: true,
      cause,
      explanation: `${host} closed the connection during the TLS handshake (${code}): a firewall or proxy may block it; check the network and whether a proxy is needed`,
    };
  }
  if (isTls(code)) {
    const tlsFailure = { kind: "tls" as const, code, notSent: true, retryable: false, cause };
    if (UNTRUSTED.has(code))
      return {
        ...tlsFailure,
        explanation: `the server's certificate is not trusted (${code}, ${host}): ${PRIVATE_CA_ADVICE}`,
      };
    if (EXPIRED.has(code))
      return {
        ...tlsFailure,
        explanation: `the server's certificate is expired, not yet valid or revoked (${code}, ${host}): check this machine's clock and the URL`,
      };
    if (WRONG_NAME.has(code)) {
      return {
        ...tlsFailure,
        explanation: `the server's certificate is not issued for ${host} (${code}): check the URL; a network that inspects TLS must present a certificate for this name`,
      };
    }
    return {
      ...tlsFailure,
      explanation: `the TLS handshake with ${host} failed (${code}): check that the URL is https:// on the right port and what the proxy or firewall does with it`,
    };
  }
  if (UNREACHABLE.has(code)) {
    const why =
      code === "ENOTFOUND" || code.startsWith("EAI_")
        ? `the name ${host} is not known (${code}): check the URL and the DNS, and whether this network needs a proxy (HTTPS_PROXY, or an http proxy on the FLA config node)`
        : `${host} cannot be reached (${code}): check the URL and port, the network, the firewall and any proxy`;
    return { kind: "unreachable", code, notSent: true, retryable: true, cause, explanation: why };
  }
  return {
    kind: "interrupted",
    code,
    notSent: false,
    retryable: true,
    cause,
    explanation: `the connection to ${host} was interrupted (${code}): check the network, the firewall and any proxy`,
  };
}

function findTunnelError(error: unknown): ProxyTunnelError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    if (current instanceof ProxyTunnelError) return current;
    try {
      current = (current as { cause?: unknown }).cause;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
