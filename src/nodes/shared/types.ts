import type { Node, NodeDef } from "node-red";
import type { StoredOutcome } from "../../core/declare/outboxDeclaration";
import type { ConnectionOutbox } from "../../core/outbox/connectionOutbox";
import type { ConnectionConfig, ConnectionCredentials, FlaConnection } from "../../core/connection";

export interface FlaConfigDef extends NodeDef, ConnectionConfig {}

/** What a fla-config node offers the FLA nodes that use it. */
export interface FlaConfigNode extends Node<ConnectionCredentials> {
  connection: FlaConnection;
  /** The declarations' outbox: journal, dispatcher and the circuit breaker shared by every FLA node of this config. */
  outbox: ConnectionOutbox<StoredOutcome>;
}
