import type { Node } from "node-red";
import type { FlaConnection } from "../../core/connection";

/**
 * At deploy, a flow node logs the problem (or the certificate warnings) of the connection it uses. The config node
 * itself stays quiet: a config no node uses must not fill the log and the debug sidebar.
 *
 * A config with no certificate yet (reason MISSING, as every imported example) is unfinished rather than broken: the
 * node's status says so, and each message it gets fails with that error; the log stays clean until then.
 */
export function logConnectionAtDeploy(node: Node, connection: FlaConnection | undefined): void {
  if (!connection) return;
  const { problem } = connection;
  if (problem) {
    if (problem.code !== "FLA_CERT" || problem.reason !== "MISSING") node.error(`${problem.code}: ${problem.message}`);
    return;
  }
  for (const warning of connection.warnings) node.warn(warning);
}
