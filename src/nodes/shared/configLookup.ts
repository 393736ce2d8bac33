import type { NodeAPI } from "node-red";
import type { FlaConnection } from "../../core/connection";
import type { FlaConfigNode } from "./types";

/** The connection of the fla-config node a flow node points at, if it exists and is one. */
export function connectionOf(RED: NodeAPI, configId: string | undefined): FlaConnection | undefined {
  const node = configId ? (RED.nodes.getNode(configId) as FlaConfigNode | null) : null;
  return node && node.type === "fla-config" ? node.connection : undefined;
}
