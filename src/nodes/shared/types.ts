import type { Node, NodeDef } from "node-red";
import type { ConnectionConfig, ConnectionCredentials, FlaConnection } from "../../core/connection";

export interface FlaConfigDef extends NodeDef, ConnectionConfig {}

/** What a fla-config node offers the FLA nodes that use it. */
export interface FlaConfigNode extends Node<ConnectionCredentials> {
  connection: FlaConnection;
  getAccessToken(): Promise<string>;
  invalidateAccessToken(rejectedToken?: string): void;
}
