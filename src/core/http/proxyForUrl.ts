/**
 * Which proxy a URL goes through: `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY` (lower case wins, as curl
 * does), with the rules of the `proxy-from-env` package that Node-RED's http request node follows: NO_PROXY entries
 * are host names, `.suffix` or `*.suffix`, each optionally with `:port`; `*` turns the proxy off.
 */

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

export type Environment = Record<string, string | undefined>;

function envValue(env: Environment, name: string): string {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || "";
}

/** True when `noProxy` (comma or space separated) does not exclude this host and port. */
export function shouldProxy(hostname: string, port: number, noProxy: string): boolean {
  const list = noProxy.trim().toLowerCase();
  if (!list) return true;
  if (list === "*") return false;
  const host = hostname.toLowerCase();
  return list.split(/[,\s]+/).every((entry) => {
    if (!entry) return true;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    let name = withPort ? withPort[1] : entry;
    const entryPort = withPort ? Number(withPort[2]) : 0;
    if (entryPort && entryPort !== port) return true;
    if (!/^[.*]/.test(name)) return host !== name;
    if (name.startsWith("*")) name = name.slice(1);
    return !host.endsWith(name);
  });
}

/** The proxy for `target` from the environment, or undefined for a direct connection. */
export function proxyForUrl(target: string | URL, env: Environment = process.env): string | undefined {
  let url: URL;
  try {
    url = typeof target === "string" ? new URL(target) : target;
  } catch {
    return undefined;
  }
  const protocol = url.protocol.replace(/:$/, "");
  // Keep the brackets of an IPv6 host, as NO_PROXY entries write them.
  const hostname = url.host.replace(/:\d*$/, "");
  const port = Number(url.port) || DEFAULT_PORTS[protocol] || 0;
  if (!hostname || !shouldProxy(hostname, port, envValue(env, "no_proxy"))) return undefined;
  let proxy = envValue(env, `${protocol}_proxy`) || envValue(env, "all_proxy");
  if (!proxy) return undefined;
  if (!proxy.includes("://")) proxy = `${protocol}://${proxy}`;
  return proxy;
}
