import { join } from "node:path";
import type { NodeAPI } from "node-red";
import { FlaConnection, type ConnectionCredentials } from "../core/connection";
import type { StoredOutcome } from "../core/declare/outboxDeclaration";
import { CONFIG_CONTRACT_SETTING, configEditorContract } from "../core/editorContract";
import { ConnectionOutbox } from "../core/outbox/connectionOutbox";
import { closeAfter } from "./shared/closeAfter";
import { registerConfigAdminEndpoints } from "./shared/configAdmin";
import { networkOf } from "./shared/proxyLookup";
import type { FlaConfigDef, FlaConfigNode } from "./shared/types";

/** How long a closing config node lets the requests on the wire finish (Node-RED's own close timeout is 15 s). */
const CLOSE_GRACE_MS = 10_000;

export = function registerFlaConfig(RED: NodeAPI): void {
  function FlaConfig(this: FlaConfigNode, def: FlaConfigDef & { proxy?: string }): void {
    RED.nodes.createNode(this, def);
    // Parsed once, here at deploy; the FLA nodes show its problem or warnings as their status. The proxy is the http
    // proxy node chosen in the dialog (Node-RED creates it first), else HTTP(S)_PROXY: `network` is always ours.
    this.connection = FlaConnection.open({ ...def, network: networkOf(RED, def.proxy) }, this.credentials ?? {});
    // Nothing is logged here: the nodes that use this config log its problem (shared/connectionLog), so an unused one is quiet.

    // The outbox of the declarations: in `<userDir>/fla-outbox/` (in memory without a user directory, or when the
    // setting is off). Opened even with a problem in the settings: the entries of an earlier deploy stay, untouched.
    const settings = this.connection.outbox;
    const userDir = (RED.settings as { userDir?: string }).userDir;
    this.outbox = new ConnectionOutbox<StoredOutcome>(this.id, {
      folder: settings.persist && userDir ? join(userDir, "fla-outbox") : undefined,
      maxConcurrent: settings.maxConcurrent,
      maxQueue: settings.maxQueue,
      maxAttempts: settings.maxAttempts,
      maxBackoffMs: settings.maxBackoffMs,
      giveUpMs: settings.giveUpMs,
      breaker: this.connection.breaker,
      warn: (message) => this.warn(message),
    });
    const outbox = this.outbox;

    // Entries whose node is gone after a deploy go to the orphans file, reported once per node; never deleted.
    const onFlowsStarted = (): void => {
      const live: string[] = [];
      RED.nodes.eachNode((node) => {
        live.push(node.id);
      });
      outbox.moveOrphans(live).then(
        (counts) => {
          for (const [owner, count] of counts) {
            this.warn(RED._("fla-config.outbox.orphans", { count, node: owner, file: outbox.orphansFile ?? "" }));
          }
        },
        (error: unknown) => this.warn(`FLA outbox: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    RED.events.on("flows:started", onFlowsStarted);

    this.on("close", (_removed: boolean, done: () => void) => {
      RED.events.removeListener("flows:started", onFlowsStarted);
      // Nothing queued fails: the entries stay in the journal for the next config node (same id) or the next start.
      const outboxClosed = outbox
        .close(CLOSE_GRACE_MS)
        .catch((error: unknown) => this.warn(`FLA outbox: ${error instanceof Error ? error.message : String(error)}`));
      closeAfter(
        this,
        outboxClosed.then(() => this.connection.close()),
        () => undefined,
        done,
      );
    });
  }

  RED.nodes.registerType<FlaConfigNode, FlaConfigDef, unknown, ConnectionCredentials>("fla-config", FlaConfig, {
    credentials: {
      pfx: { type: "password" },
      passphrase: { type: "password" },
      certificate: { type: "text" },
      privateKey: { type: "password" },
    },
    // The dialog's presets, scopes, defaults and rules, from the runtime's constants (RED.settings in the editor).
    settings: { [CONFIG_CONTRACT_SETTING]: { value: configEditorContract(), exportable: true } },
  });
  registerConfigAdminEndpoints(RED);
};
