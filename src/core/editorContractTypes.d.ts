/**
 * What the runtime sends the editor, as types only: the exportable node settings (editorContract.ts) and the answers
 * of the config dialog's admin endpoints (configAdmin.ts). The editor's scripts (src/editor) are plain scripts that
 * cannot import a module, so this is a .d.ts that both type checks read: a field renamed on one side fails the other.
 */

export interface EditorEnvironmentPreset {
  tokenUrl: string;
  audience: string;
  apiUrl: string;
  /** True only where the channel manual gives the URLs. */
  certain: boolean;
}

/**
 * A Belgian enterprise number (CBE/KBO/BCE) as data: the characters ignored, the leading 0 a 9-digit number gets back,
 * the digits allowed first, and the check digits: the last two equal modulus − (the first `baseLength` digits mod modulus).
 */
export interface EnterpriseNumberRule {
  /** An optional country prefix, in any case. */
  prefix: string;
  /** A regular expression (source, global) of the characters written between the digits and ignored. */
  ignored: string;
  length: number;
  firstDigits: string;
  checkDigits: { modulus: number; baseLength: number };
}

/** RED.settings.flaConfigContract */
export interface ConfigEditorContract {
  /** Every environment but "custom", with its URLs. */
  environments: Record<string, EditorEnvironmentPreset>;
  scopes: { employer: string; provider: string };
  /** The value the runtime uses for each numeric setting left empty. */
  defaults: {
    timeout: number;
    maxConcurrent: number;
    maxQueue: number;
    maxAttempts: number;
    maxBackoff: number;
    circuitThreshold: number;
    giveUpHours: number;
  };
  /** Plain http is allowed only to these hosts (a name listed, or one starting with the prefix); anything else needs https. */
  plainHttpHosts: { names: string[]; prefix: string };
  enterpriseNumber: EnterpriseNumberRule;
  /** A certificate with fewer days left is shown as a warning. */
  expiryWarningDays: number;
  /** The environment and role the runtime uses when the node has none. */
  defaultEnvironment: string;
  defaultRole: "employer" | "provider";
}

/** RED.settings.flaQueryContract */
export interface QueryEditorContract {
  /** Each query the node offers: the parameters it takes (path and query string) and whether its answer comes in pages. */
  queries: Record<string, { params: string[]; paged: boolean }>;
  /** Every parameter of any query, in the order the dialog shows them. */
  params: string[];
  maxPageSize: number;
  /** The query a new node asks. */
  defaultQuery: string;
}

/** RED.settings.flaDeclareContract */
export interface DeclareEditorContract {
  /** Each declaration the node offers, and whether it sends a body (which a custom schema may check). */
  operations: Record<string, { hasBody: boolean }>;
  /** The declaration a new node sends. */
  defaultOperation: string;
  /** Seconds the runtime polls for a result when the node gives no timeout. */
  defaultPollTimeout: number;
}

/** RED.settings.flaExportContract */
export interface ExportEditorContract {
  /** The first year the FLA holds: an export starts there at the earliest. */
  firstYear: number;
  /** The collections an export can read, each a checkbox named after it. */
  collections: string[];
  /** The folder used when none is given (inside Node-RED's user directory). */
  defaultFolder: string;
  /**
   * The runtime's check of the years at deploy: each written as `pattern` (a regular expression source), the first not
   * before `firstYear`, the last not before the first nor more than `afterCurrent` years after the current year.
   */
  years: { pattern: string; afterCurrent: number };
}

/** The certificate summary, as the admin endpoints send it (the runtime's CertificateSummary). */
export interface EditorCertificateSummary {
  subject: string;
  issuer: string;
  serialHex: string;
  serialDecimal: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
  daysRemaining: number;
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  keyType: string;
  keyBits: number;
  alias?: string;
}

/** A refusal of an admin endpoint: our code, the reason when there is one, and a message to show. */
export interface AdminFailure {
  ok: false;
  code: string;
  reason?: string;
  message: string;
}

/** GET /fla-config/:id/certificate and POST /fla-config/certificate-summary. */
export type CertificateAnswer = { ok: true; certificate: EditorCertificateSummary; warnings: string[] } | AdminFailure;

/** POST /fla-config/test-connection. */
export type TestConnectionAnswer =
  | {
      ok: true;
      scope?: string;
      expiresIn: number;
      tokenType: string;
      certificate: EditorCertificateSummary;
      warnings: string[];
    }
  | AdminFailure;

/** POST /fla-config/certificate-file: what a chosen PEM-mode file holds; of a key, only where it is and its PEM label. */
export type CertificateFileAnswer =
  | {
      ok: true;
      certificatePem?: string;
      certificateFromDer?: boolean;
      privateKey?: { label: string; encoding: "pem" | "der" };
    }
  | AdminFailure;
