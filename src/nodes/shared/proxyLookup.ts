import type { Node, NodeAPI } from "node-red";
import type { NetworkSettings } from "../../core/http/policy";

/** Node-RED's own `http proxy` configuration node (core 06-httpproxy.js), as the http request node reads it. */
interface HttpProxyNode extends Node<{ username?: string; password?: string }> {
  url?: string;
  noproxy?: string[];
}

/** What the editor leaves in a config select when nothing is chosen. */
const NONE = new Set(["", "_ADD_"]);

/**
 * The network settings of a config node whose `proxy` property names an http proxy node: its URL, no-proxy list and
 * credentials as plain values for the core. A proxy that is chosen but not deployed gives an empty URL, which the
 * core refuses with a clear message (the http request node would silently go direct).
 */
export function networkOf(RED: NodeAPI, proxyId: unknown): NetworkSettings {
  if (typeof proxyId !== "string" || NONE.has(proxyId)) return {};
  const node = RED.nodes.getNode(proxyId) as HttpProxyNode | null;
  if (!node || node.type !== "http proxy") return { proxy: { url: "" } };
  return {
    proxy: {
      url: node.url ?? "",
      noProxy: Array.isArray(node.noproxy) ? node.noproxy : [],
      username: node.credentials?.username || undefined,
      password: node.credentials?.password || undefined,
    },
  };
}
