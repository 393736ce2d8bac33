/**
 * The one HTTP policy of a connection: the token requests and the API calls take the same way out, so that Test
 * connection cannot succeed where declarations would fail.
 *
 * - Proxy: the proxy chosen on the config node (Node-RED's `http proxy` node: URL, no-proxy list, user and password)
 *   or else HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY, either case, as Node-RED's http request node reads them.
 *   HTTPS goes through a CONNECT tunnel (./proxyAgents, as hpagent does for the http request node): the proxy sees a host name, never the
 *   request. A loopback destination is never proxied: the proxy's 127.0.0.1 is not ours, and plain http to the local
 *   simulator must not leave the machine.
 * - Keep-alive agents, one set per way out, reused by every request.
 * - TLS verification always on, even under NODE_TLS_REJECT_UNAUTHORIZED=0. A private CA is trusted with
 *   NODE_EXTRA_CA_CERTS (the process). `ca` here adds certificates to Node's bundled roots for one connection (and then
 *   NODE_EXTRA_CA_CERTS is not read for it): the config node never sets it, it is for tests and embedding code.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import tls from "node:tls";
import { HttpProxyAgent, HttpsProxyAgent } from "./proxyAgents";
import { proxyForUrl, shouldProxy } from "./proxyForUrl";

export interface ProxySettings {
  /** http://host:port (or https://); credentials in it are used, as curl does. */
  url: string;
  /** Hosts reached directly: "example.org", ".example.org" or "*.example.org" (its subdomains), "host:port", "*". */
  noProxy?: string[];
  username?: string;
  password?: string;
}

export interface NetworkSettings {
  /** A proxy chosen on the config node; without it the environment variables decide. */
  proxy?: ProxySettings;
  /** CA certificates (PEM) trusted besides Node's bundled ones. */
  ca?: string[];
}

export interface RouteAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** A failure to open the tunnel: nothing reached the destination. Never holds the proxy's credentials. */
export class ProxyTunnelError extends Error {
  readonly code: string;
  /** host:port of the proxy. */
  readonly proxy: string;
  /** host:port the tunnel was for. */
  readonly target: string;
  /** The proxy's answer to CONNECT, when it gave one. */
  readonly proxyStatus?: number;

  constructor(underlying: unknown, proxy: string, target: string) {
    const status = (underlying as { proxyStatus?: unknown })?.proxyStatus;
    const code = (underlying as { code?: unknown })?.code;
    const answered = typeof status === "number" && status > 0;
    super(answered ? `The proxy answered ${status} to CONNECT` : "The proxy could not be used");
    this.name = "ProxyTunnelError";
    this.code = answered
      ? "ERR_PROXY_TUNNEL"
      : typeof code === "string" && code !== "EPROXYCONNECT"
        ? code
        : "ERR_PROXY";
    this.proxy = proxy;
    this.target = target;
    if (answered) this.proxyStatus = status;
  }
}

const KEEP_ALIVE: http.AgentOptions = { keepAlive: true, scheduling: "lifo" };

export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** The NO_PROXY rules, for the list of an http proxy node. */
export function bypassesProxy(target: URL, noProxy: readonly string[]): boolean {
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  const list = noProxy.map((entry) => entry.trim()).filter(Boolean);
  if (list.includes("*")) return true;
  return !shouldProxy(target.hostname, port, list.join(","));
}

interface Route {
  /** The proxy without credentials. */
  url: URL;
  /** "Basic …", or undefined. */
  authorization?: string;
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Parses a proxy URL and takes its credentials out of it (they travel in a header, and never in an error). */
function parseProxy(raw: string, username?: string, password?: string): Route {
  const url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new TypeError("A proxy URL must start with http:// or https://.");
  const user = username || decoded(url.username);
  const pass = password || decoded(url.password);
  url.username = "";
  url.password = "";
  return {
    url,
    authorization: user || pass ? `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` : undefined,
  };
}

/**
 * NO_PROXY-style selection gives a proxy written without a scheme the destination's scheme (https://proxy:8080 for an https call):
 * curl and most tools mean http://, which is what a corporate proxy speaks.
 */
function withScheme(proxy: string, destinationProtocol: string): string | undefined {
  if (!proxy) return undefined;
  const scheme = destinationProtocol.replace(/:$/, "");
  const written = [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, "all_proxy", "ALL_PROXY"]
    .map((name) => process.env[name])
    .find(Boolean);
  return written && !written.includes("://") ? `http://${written}` : proxy;
}

type OpenConnection = (
  options: { host?: string; port?: number | string },
  callback: (err: Error | null, socket?: Socket) => void,
) => void;

/** Makes a failure of the tunnel recognisable (nothing was sent), with the proxy's host and never its credentials. */
function tagTunnelFailures<T extends http.Agent>(agent: T, proxy: URL): T {
  const opener = agent as unknown as { createConnection: OpenConnection };
  const open = opener.createConnection.bind(agent);
  opener.createConnection = (options, callback) =>
    open(options, (err, socket) =>
      callback(err ? new ProxyTunnelError(err, proxy.host, `${options.host}:${options.port}`) : null, socket),
    );
  return agent;
}

export class HttpPolicy {
  private readonly settings: NetworkSettings;
  private readonly tls: https.AgentOptions;
  private direct?: RouteAgents;
  private readonly proxied = new Map<string, RouteAgents>();

  constructor(settings: NetworkSettings = {}) {
    this.settings = settings;
    // Explicitly true: NODE_TLS_REJECT_UNAUTHORIZED=0 must not send a token to whoever answers.
    this.tls = {
      rejectUnauthorized: true,
      ...(settings.ca?.length ? { ca: [...tls.rootCertificates, ...settings.ca] } : {}),
    };
  }

  /** The proxy URL for a destination (with any credentials), or undefined to go direct. */
  proxyFor(destination: string): string | undefined {
    let target: URL;
    try {
      target = new URL(destination);
    } catch {
      return undefined;
    }
    if (isLoopback(target.hostname)) return undefined;
    const chosen = this.settings.proxy;
    if (chosen) return bypassesProxy(target, chosen.noProxy ?? []) ? undefined : chosen.url;
    return withScheme(proxyForUrl(target) ?? "", target.protocol);
  }

  /** The agents for a destination; throws a TypeError for a proxy URL that cannot be read. */
  agentsFor(destination: string): RouteAgents {
    const proxy = this.proxyFor(destination);
    if (!proxy) {
      this.direct ??= {
        httpAgent: new http.Agent(KEEP_ALIVE),
        httpsAgent: new https.Agent({ ...KEEP_ALIVE, ...this.tls }),
      };
      return this.direct;
    }
    let agents = this.proxied.get(proxy);
    if (!agents) {
      agents = this.tunnelAgents(proxy);
      this.proxied.set(proxy, agents);
    }
    return agents;
  }

  /** Closes every socket; the policy can still be used afterwards (new agents). */
  destroy(): void {
    const all = [this.direct, ...this.proxied.values()];
    this.direct = undefined;
    this.proxied.clear();
    for (const agents of all) {
      agents?.httpAgent.destroy();
      agents?.httpsAgent.destroy();
    }
  }

  private tunnelAgents(proxy: string): RouteAgents {
    const chosen = this.settings.proxy;
    const route =
      chosen && chosen.url === proxy ? parseProxy(proxy, chosen.username, chosen.password) : parseProxy(proxy);
    const options = {
      ...KEEP_ALIVE,
      proxy: route.url,
      proxyRequestOptions: {
        headers: route.authorization ? { "proxy-authorization": route.authorization } : {},
        // An https:// proxy is verified too, with the same trust.
        rejectUnauthorized: true,
        ...(this.tls.ca ? { ca: this.tls.ca as string[] } : {}),
      },
    };
    return {
      httpAgent: tagTunnelFailures(new HttpProxyAgent(options), route.url),
      httpsAgent: tagTunnelFailures(new HttpsProxyAgent({ ...options, ...this.tls }), route.url),
    };
  }
}
