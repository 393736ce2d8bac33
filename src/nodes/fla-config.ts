import type { NodeAPI } from "node-red";
import { FlaConnection, type ConnectionCredentials } from "../core/connection";
import { registerConfigAdminEndpoints } from "./shared/configAdmin";
import { networkOf } from "./shared/proxyLookup";
import type { FlaConfigDef, FlaConfigNode } from "./shared/types";

export = function registerFlaConfig(RED: NodeAPI): void {
  function FlaConfig(this: FlaConfigNode, def: FlaConfigDef & { proxy?: string }): void {
    RED.nodes.createNode(this, def);
    // Parsed once, here at deploy; the FLA nodes show its problem or warnings as their status. The proxy is the http
    // proxy node chosen in the dialog (Node-RED creates it first), else HTTP(S)_PROXY: `network` is always ours.
    this.connection = FlaConnection.open({ ...def, network: networkOf(RED, def.proxy) }, this.credentials ?? {});
    this.getAccessToken = () => this.connection.getAccessToken();
    this.invalidateAccessToken = (rejectedToken?: string) => this.connection.invalidateAccessToken(rejectedToken);
    // Nothing is logged here: the nodes that use this config log its problem (shared/connectionLog), so an unused one is quiet.
    this.on("close", (_removed: boolean, done: () => void) => {
      this.connection.close();
      done();
    });
  }

  RED.nodes.registerType<FlaConfigNode, FlaConfigDef, unknown, ConnectionCredentials>("fla-config", FlaConfig, {
    credentials: {
      pfx: { type: "password" },
      passphrase: { type: "password" },
      certificate: { type: "text" },
      privateKey: { type: "password" },
    },
  });
  registerConfigAdminEndpoints(RED);
};
