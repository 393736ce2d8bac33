/**
 * What a certificate or key file chosen in the config dialog (PEM mode) holds, read on the server so that the browser
 * parses nothing. The answer never carries key material: for a key it says only where the key is and under which PEM
 * label, and the browser, which holds the file, stores that block (or wraps the DER file under that label).
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { pemBlocks } from "./pem";

export type PrivateKeyLabel = "PRIVATE KEY" | "RSA PRIVATE KEY" | "ENCRYPTED PRIVATE KEY";

export interface ChosenFile {
  /** The certificates of the file in PEM, a DER .cer converted: public, shown and stored as they are. */
  certificatePem?: string;
  /** True when the certificate was DER and has been converted to PEM. */
  certificateFromDer?: boolean;
  /** The first private key: a PEM block of the file with this label, or the whole file in DER, to be stored under it. */
  privateKey?: { label: string; encoding: "pem" | "der" };
}

/** The PEM label of a DER private key (PKCS#8, encrypted PKCS#8, PKCS#1), or undefined when the bytes are none. */
function derKeyLabel(der: Buffer): PrivateKeyLabel | undefined {
  try {
    createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    return "PRIVATE KEY";
  } catch (err) {
    // An encrypted PKCS#8 key is recognised as one; only its password is missing.
    if ((err as { code?: unknown }).code === "ERR_MISSING_PASSPHRASE") return "ENCRYPTED PRIVATE KEY";
  }
  try {
    createPrivateKey({ key: der, format: "der", type: "pkcs1" });
    return "RSA PRIVATE KEY";
  } catch {
    return undefined;
  }
}

function derCertificatePem(der: Buffer): string | undefined {
  try {
    return new X509Certificate(der).toString();
  } catch {
    return undefined;
  }
}

export function readChosenFile(bytes: Buffer): ChosenFile {
  const blocks = pemBlocks(bytes.toString("latin1"));
  if (blocks.length > 0) {
    const certificates = blocks.filter((block) => block.label === "CERTIFICATE" || block.label === "X509 CERTIFICATE");
    const key = blocks.find((block) => block.label.endsWith("PRIVATE KEY"));
    return {
      ...(certificates.length > 0 ? { certificatePem: certificates.map((block) => block.text).join("\n") + "\n" } : {}),
      ...(key ? { privateKey: { label: key.label, encoding: "pem" as const } } : {}),
    };
  }
  const certificatePem = derCertificatePem(bytes);
  if (certificatePem) return { certificatePem, certificateFromDer: true };
  const label = derKeyLabel(bytes);
  return label ? { privateKey: { label, encoding: "der" } } : {};
}
