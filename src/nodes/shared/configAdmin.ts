/**
 * Admin endpoints of the config dialog. Each one checks Node-RED's permissions and none returns key material:
 * only the certificate summary, the public certificate (.cer) and the outcome of a token request.
 *
 * Certificate file says what a certificate or key file chosen in the dialog holds: the browser parses no certificate.
 *
 * Certificate summary reads the file just chosen in the dialog (with its password) on the server, where the same code
 * as at deploy parses it; nothing is stored or signed. It is JSON only too: it unlocks a key with a password.
 *
 * Test connection signs a client assertion, so it is guarded twice:
 * - JSON only. Node-RED's admin app also parses url-encoded forms; a form is what a hostile page can post across sites
 *   without a CORS preflight, so anything but `application/json` is refused with 415 before it is read.
 * - The stored key signs only for its own server. When a secret comes from the credential store (the dialog did not
 *   re-enter it), the assertion goes only to the deployed config's token URL, for its audience; anything else is a 400.
 *   With the dialog's own certificate and password the caller holds the key, so the dialog's URLs are used.
 */
import type { NodeAPI } from "node-red";
import type { NextFunction, Request, Response } from "express";
import { testConnection } from "../../core/auth/tokenCache";
import { loadCertificate } from "../../core/certificate";
import { readChosenFile } from "../../core/certificate/chosenFile";
import { certificateInput, type ConnectionConfig, type ConnectionCredentials } from "../../core/connection";
import { FlaError } from "../../core/errors";
import type {
  AdminFailure,
  CertificateAnswer,
  CertificateFileAnswer,
  TestConnectionAnswer,
} from "../../core/editorContractTypes";
import { resolveSettings, type ConnectionSettings } from "../../core/settings";
import { networkOf } from "./proxyLookup";
import type { FlaConfigNode } from "./types";

const CREDENTIAL_KEYS = ["pfx", "passphrase", "certificate", "privateKey"] as const;
type CredentialKey = (typeof CREDENTIAL_KEYS)[number];
/** The credentials that hold or unlock the private key, per format (the certificate itself is public). */
const KEY_SECRETS: Record<"pfx" | "pem", readonly CredentialKey[]> = {
  pfx: ["pfx", "passphrase"],
  pem: ["privateKey", "passphrase"],
};
/** What the editor sends for a password credential it did not change. */
const UNCHANGED_PASSWORD = "__PWRD__";
/** RFC 6749 §3.3 scope syntax, bounded: a granted scope is shown, not any text a server puts in its place. */
const SCOPE_SYNTAX = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
const MAX_SCOPE_LENGTH = 512;
const REASON_SYNTAX = /^[\x21-\x7e]{1,64}$/;

interface TestConnectionBody extends ConnectionConfig {
  id?: string;
  /** The http proxy node chosen in the dialog (deployed), as for the deployed connection. */
  proxy?: string;
  credentials?: ConnectionCredentials;
}

/** Our code, the OAuth error code (e.g. invalid_client) or our reason when there is one, and a message. */
type Failure = AdminFailure;

/** Our code, reason and message only: never the cause, headers or body of what failed. */
function failure(err: unknown): Failure {
  if (err instanceof FlaError) {
    const reason = typeof err.reason === "string" && REASON_SYNTAX.test(err.reason) ? err.reason : undefined;
    return { ok: false, code: err.code, ...(reason ? { reason } : {}), message: err.message };
  }
  return { ok: false, code: "FLA_CONFIG", message: "The connection test failed unexpectedly; see the Node-RED log." };
}

function grantedScope(scope: string | undefined): string | undefined {
  return scope && scope.length <= MAX_SCOPE_LENGTH && SCOPE_SYNTAX.test(scope) ? scope : undefined;
}

function deployedConfig(RED: NodeAPI, id: string): FlaConfigNode | undefined {
  const node = RED.nodes.getNode(id) as FlaConfigNode | null;
  return node && node.type === "fla-config" ? node : undefined;
}

function sentValue(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== UNCHANGED_PASSWORD ? value : undefined;
}

/**
 * Dialog values first; a credential the user did not change comes from the store of the node being edited.
 * `storedSecrets` names the key secrets (for the chosen format) that came from the store.
 */
function mergeCredentials(
  RED: NodeAPI,
  body: TestConnectionBody,
): { credentials: ConnectionCredentials; storedSecrets: CredentialKey[] } {
  const id = typeof body.id === "string" && body.id ? body.id : undefined;
  const stored = (id ? (RED.nodes.getCredentials(id) as ConnectionCredentials | undefined) : undefined) ?? {};
  const sent: Partial<Record<CredentialKey, unknown>> =
    body.credentials && typeof body.credentials === "object" ? body.credentials : {};
  const credentials: ConnectionCredentials = {};
  const fromStore = new Set<CredentialKey>();
  for (const key of CREDENTIAL_KEYS) {
    const value = sentValue(sent[key]);
    if (value !== undefined) {
      credentials[key] = value;
    } else if (typeof stored[key] === "string" && stored[key] !== "") {
      credentials[key] = stored[key];
      fromStore.add(key);
    }
  }
  const secrets = KEY_SECRETS[body.certificateFormat === "pem" ? "pem" : "pfx"];
  return { credentials, storedSecrets: secrets.filter((key) => fromStore.has(key)) };
}

/** Why the stored key may not sign for these settings, or undefined when they are the deployed config's own. */
function storedKeyRefusal(requested: ConnectionSettings, deployed: ConnectionSettings | undefined): string | undefined {
  const reenter = "or re-enter the certificate and its password in this dialog to test with them.";
  if (!deployed) {
    return `Test connection uses the stored certificate only for a deployed configuration with a valid token URL: deploy first, ${reenter}`;
  }
  if (requested.tokenUrl !== deployed.tokenUrl) {
    return (
      `The stored certificate signs only for the deployed token URL (${deployed.tokenUrl}), not for ${requested.tokenUrl}: ` +
      `deploy first to test the new URL, ${reenter}`
    );
  }
  if (requested.audience !== deployed.audience) {
    return (
      `The stored certificate signs only for the deployed audience (${deployed.audience}), not for ${requested.audience}: ` +
      `deploy first to test the new audience, ${reenter}`
    );
  }
  return undefined;
}

/** 415 for anything but a JSON body: no form post, so no cross-site request without a CORS preflight. */
function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (req.is("application/json")) return next();
  res.status(415).json({
    ok: false,
    code: "FLA_CONFIG",
    message: "This endpoint accepts only a JSON body (Content-Type: application/json).",
  });
}

async function handleTestConnection(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const raw: unknown = req.body;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return void res
      .status(400)
      .json({ ok: false, code: "FLA_CONFIG", message: "The body must be a JSON object with the dialog's settings." });
  }
  const body = raw as TestConnectionBody;
  try {
    // The same way out as the deployed node; never network settings sent by the caller (trust, proxy).
    const settings = resolveSettings({ ...body, network: networkOf(RED, body.proxy) });
    const { credentials, storedSecrets } = mergeCredentials(RED, body);
    if (storedSecrets.length > 0) {
      const refusal = storedKeyRefusal(settings, deployedConfig(RED, String(body.id))?.connection.settings);
      if (refusal) return void res.status(400).json({ ok: false, code: "FLA_CONFIG", message: refusal });
    }
    const certificate = loadCertificate(certificateInput(body, credentials));
    const { scope, expiresIn, tokenType } = await testConnection(settings, certificate);
    const answer: TestConnectionAnswer = {
      ok: true,
      scope: grantedScope(scope),
      expiresIn,
      tokenType,
      certificate: certificate.summary,
      warnings: certificate.warnings,
    };
    res.json(answer);
  } catch (err) {
    res.json(failure(err));
  }
}

/** The summary and warnings of the certificate in the dialog, or why it cannot be used (a wrong password says so). */
function handleCertificateSummary(RED: NodeAPI, req: Request, res: Response): void {
  const raw: unknown = req.body;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return void res.status(400).json({
      ok: false,
      code: "FLA_CONFIG",
      message: "The body must be a JSON object with the certificate format and files.",
    });
  }
  const body = raw as TestConnectionBody;
  try {
    // A credential left unchanged (a stored password with a new .pfx) comes from the node being edited, as for Test connection.
    const { credentials } = mergeCredentials(RED, body);
    const certificate = loadCertificate(certificateInput(body, credentials));
    const answer: CertificateAnswer = { ok: true, certificate: certificate.summary, warnings: certificate.warnings };
    res.json(answer);
  } catch (err) {
    res.json(failure(err));
  }
}

/** Base64 of a file: what the dialog sends of a chosen file (the admin API's JSON limit bounds its size). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * What a certificate or key file chosen in the dialog holds (PEM mode), read here so that the browser parses nothing.
 * The answer holds the public certificate at most; of a key, only its PEM label and where it is (see chosenFile.ts).
 */
function handleCertificateFile(req: Request, res: Response): void {
  const base64: unknown = (req.body as { base64?: unknown } | undefined)?.base64;
  if (typeof base64 !== "string" || base64 === "" || !BASE64.test(base64)) {
    return void res
      .status(400)
      .json({ ok: false, code: "FLA_CONFIG", message: "The body must be a JSON object with the file in base64." });
  }
  const answer: CertificateFileAnswer = { ok: true, ...readChosenFile(Buffer.from(base64, "base64")) };
  res.json(answer);
}

export function registerConfigAdminEndpoints(RED: NodeAPI): void {
  RED.httpAdmin.post(
    "/fla-config/certificate-file",
    RED.auth.needsPermission("fla-config.write"),
    requireJson,
    (req: Request, res: Response) => {
      handleCertificateFile(req, res);
    },
  );

  RED.httpAdmin.post(
    "/fla-config/certificate-summary",
    RED.auth.needsPermission("fla-config.write"),
    requireJson,
    (req: Request, res: Response) => {
      handleCertificateSummary(RED, req, res);
    },
  );

  RED.httpAdmin.post(
    "/fla-config/test-connection",
    RED.auth.needsPermission("fla-config.write"),
    requireJson,
    (req: Request, res: Response) => {
      handleTestConnection(RED, req, res).catch((err: unknown) => {
        if (!res.headersSent) res.json(failure(err));
      });
    },
  );

  // Read-only: the summary and the public certificate of a deployed node; nothing is signed or sent.
  RED.httpAdmin.get(
    "/fla-config/:id/certificate",
    RED.auth.needsPermission("fla-config.read"),
    (req: Request, res: Response) => {
      const node = deployedConfig(RED, String(req.params.id));
      if (!node)
        return void res
          .status(404)
          .json({ ok: false, code: "FLA_CONFIG", message: "Deploy this configuration first." });
      const { certificate, problem, warnings } = node.connection;
      if (!certificate) return void res.json(failure(problem));
      const answer: CertificateAnswer = { ok: true, certificate: certificate.summary, warnings };
      res.json(answer);
    },
  );

  RED.httpAdmin.get(
    "/fla-config/:id/certificate.cer",
    RED.auth.needsPermission("fla-config.read"),
    (req: Request, res: Response) => {
      const certificate = deployedConfig(RED, String(req.params.id))?.connection.certificate;
      if (!certificate) return void res.status(404).send("Deploy this configuration with a usable certificate first.");
      res.set("Content-Type", "application/pkix-cert");
      res.set("Content-Disposition", 'attachment; filename="fla-certificate.cer"');
      res.send(certificate.certificateDer);
    },
  );
}
