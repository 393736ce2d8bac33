/**
 * Admin endpoints of the config dialog. Each one checks Node-RED's permissions and none returns key material:
 * only the certificate summary, the public certificate (.cer) and the outcome of a token request.
 */
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { testConnection } from "../../core/auth/tokenCache";
import { loadCertificate } from "../../core/certificate";
import { certificateInput, type ConnectionConfig, type ConnectionCredentials } from "../../core/connection";
import { FlaError } from "../../core/errors";
import { resolveSettings } from "../../core/settings";
import { networkOf } from "./proxyLookup";
import type { FlaConfigNode } from "./types";

const CREDENTIAL_KEYS = ["pfx", "passphrase", "certificate", "privateKey"] as const;
/** What the editor sends for a password credential it did not change. */
const UNCHANGED_PASSWORD = "__PWRD__";

interface TestConnectionBody extends ConnectionConfig {
  id?: string;
  /** The http proxy node chosen in the dialog (deployed), as for the deployed connection. */
  proxy?: string;
  credentials?: ConnectionCredentials;
}

function failure(err: unknown): { ok: false; code: string; message: string } {
  if (err instanceof FlaError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: "FLA_CONFIG", message: "The connection test failed unexpectedly; see the Node-RED log." };
}

/** Dialog values first; a credential the user did not change comes from the store of the node being edited. */
function mergeCredentials(RED: NodeAPI, id: string | undefined, sent: ConnectionCredentials = {}): ConnectionCredentials {
  const stored = (id ? (RED.nodes.getCredentials(id) as ConnectionCredentials | undefined) : undefined) ?? {};
  const merged: ConnectionCredentials = {};
  for (const key of CREDENTIAL_KEYS) {
    const value = sent[key];
    merged[key] = typeof value === "string" && value !== "" && value !== UNCHANGED_PASSWORD ? value : stored[key];
  }
  return merged;
}

function deployedConfig(RED: NodeAPI, id: string): FlaConfigNode | undefined {
  const node = RED.nodes.getNode(id) as FlaConfigNode | null;
  return node && node.type === "fla-config" ? node : undefined;
}

export function registerConfigAdminEndpoints(RED: NodeAPI): void {
  RED.httpAdmin.post("/fla-config/test-connection", RED.auth.needsPermission("fla-config.write"), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as TestConnectionBody;
    try {
      // The same way out as the deployed node; never network settings sent by the caller (trust, proxy).
      const settings = resolveSettings({ ...body, network: networkOf(RED, body.proxy) });
      const certificate = loadCertificate(certificateInput(body, mergeCredentials(RED, body.id, body.credentials)));
      const token = await testConnection(settings, certificate);
      res.json({ ok: true, ...token, certificate: certificate.summary, warnings: certificate.warnings });
    } catch (err) {
      res.json(failure(err));
    }
  });

  RED.httpAdmin.get("/fla-config/:id/certificate", RED.auth.needsPermission("fla-config.read"), (req: Request, res: Response) => {
    const node = deployedConfig(RED, String(req.params.id));
    if (!node) return void res.status(404).json({ ok: false, code: "FLA_CONFIG", message: "Deploy this configuration first." });
    const { certificate, problem, warnings } = node.connection;
    if (!certificate) return void res.json(failure(problem));
    res.json({ ok: true, certificate: certificate.summary, warnings });
  });

  RED.httpAdmin.get("/fla-config/:id/certificate.cer", RED.auth.needsPermission("fla-config.read"), (req: Request, res: Response) => {
    const certificate = deployedConfig(RED, String(req.params.id))?.connection.certificate;
    if (!certificate) return void res.status(404).send("Deploy this configuration with a usable certificate first.");
    res.set("Content-Type", "application/pkix-cert");
    res.set("Content-Disposition", 'attachment; filename="fla-certificate.cer"');
    res.send(certificate.certificateDer);
  });
}
