import type { Node } from "node-red";
import type { FlaConnection } from "../../core/connection";

/**
 * At deploy, a flow node logs the problem (or the certificate warnings) of the connection it uses. The config node
 * itself stays quiet: a config no node uses (an imported example's, say) must not fill the log and the debug sidebar.
 */
export function logConnectionAtDeploy(node: Node, connection: FlaConnection | undefined): void {
  if (!connection) return;
  if (connection.problem) {
    node.error(`${connection.problem.code}: ${connection.problem.message}`);
    return;
  }
  for (const warning of connection.warnings) node.warn(warning);
}
