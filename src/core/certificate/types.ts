import type { KeyObject } from "node:crypto";

/** What the config node's credentials hold. */
export interface CertificateInput {
  format: "pfx" | "pem";
  /** Base64 of the .pfx/.p12 file. */
  pfx?: string;
  /** Password of the .pfx, or of an encrypted PEM private key. */
  passphrase?: string;
  /** PEM certificate (a chain may follow; the one matching the key is used). */
  certificate?: string;
  /** PEM private key: PKCS#1, PKCS#8, or encrypted PKCS#8 (with `passphrase`). */
  privateKey?: string;
  /** Friendly name of the entry to use in a .pfx holding several. */
  alias?: string;
}

/** Everything about the certificate that may be shown or logged: no secret. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialHex: string;
  serialDecimal: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
  daysRemaining: number;
  /** Hex, uppercase, without colons. */
  sha1Thumbprint: string;
  /** Hex, uppercase, without colons. */
  sha256Thumbprint: string;
  keyType: "RSA";
  keyBits: number;
  alias?: string;
}

export interface LoadedCertificate {
  /** Non-enumerable: never serialised, never inspected. */
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
  /** The public certificate, DER: the .cer to upload in Chaman. */
  readonly certificateDer: Buffer;
  readonly summary: CertificateSummary;
  readonly warnings: string[];
  /** Returns the summary only. */
  toJSON(): CertificateSummary;
}

export type CertificateFailure =
  | "MISSING"
  | "UNREADABLE"
  | "WRONG_PASSWORD"
  | "NO_PRIVATE_KEY"
  | "NO_CERTIFICATE"
  | "ALIAS_NOT_FOUND"
  | "KEY_MISMATCH"
  | "NOT_RSA"
  | "KEY_TOO_SHORT"
  | "EXPIRED"
  | "NOT_YET_VALID";

/** A certificate and the private keys found next to it, before any check. */
export interface CertificateCandidate {
  der: Buffer;
  alias?: string;
  /** PKCS#12 localKeyId (hex), linking a certificate to its key. */
  localKeyId?: string;
}

export interface KeyCandidate {
  key: KeyObject;
  alias?: string;
  localKeyId?: string;
}
