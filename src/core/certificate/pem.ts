/** Reading a PEM certificate (a chain may follow) and a PEM private key with Node's crypto. */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { certificateError } from "./certificateError";
import type { CertificateCandidate, KeyCandidate } from "./types";

export interface PemBlock {
  label: string;
  text: string;
}

export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const match of text.matchAll(pattern)) blocks.push({ label: match[1], text: match[0] });
  return blocks;
}

function isEncrypted(block: PemBlock): boolean {
  return block.label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(block.text);
}

function readCertificates(text: string): CertificateCandidate[] {
  const blocks = pemBlocks(text).filter((b) => b.label === "CERTIFICATE" || b.label === "X509 CERTIFICATE");
  if (blocks.length === 0) {
    const body = text.replace(/\s+/g, "");
    // A .cer in DER, read as base64 by the editor.
    if (/^[A-Za-z0-9+/]+=*$/.test(body)) {
      try {
        return [{ der: Buffer.from(new X509Certificate(Buffer.from(body, "base64")).raw) }];
      } catch {
        // not a certificate either: reported below
      }
    }
    throw certificateError(
      "NO_CERTIFICATE",
      "No certificate found in the certificate field: upload the PEM certificate (.pem, .crt, .cer starting with -----BEGIN CERTIFICATE-----).",
    );
  }
  return blocks.map((block) => {
    try {
      return { der: Buffer.from(new X509Certificate(block.text).raw) };
    } catch {
      throw certificateError(
        "UNREADABLE",
        "The PEM certificate could not be read: it is damaged or incomplete. Upload the certificate file again.",
      );
    }
  });
}

function readKey(block: PemBlock, passphrase: string): KeyCandidate {
  const encrypted = isEncrypted(block);
  if (encrypted && !passphrase) {
    throw certificateError(
      "WRONG_PASSWORD",
      "The private key is encrypted: enter its password in the passphrase field.",
    );
  }
  try {
    return {
      key: createPrivateKey({ key: block.text, format: "pem", passphrase: encrypted ? passphrase : undefined }),
    };
  } catch {
    if (encrypted) {
      throw certificateError(
        "WRONG_PASSWORD",
        "The private key password is wrong: enter the password that protects the private key file.",
      );
    }
    throw certificateError(
      "UNREADABLE",
      "The private key could not be read: upload the PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).",
    );
  }
}

/** The key may be in its own field or, as in a combined .pem, after the certificate. */
export function readPem(
  certificate = "",
  privateKey = "",
  passphrase = "",
): { certificates: CertificateCandidate[]; keys: KeyCandidate[] } {
  if (!certificate.trim() && !privateKey.trim()) {
    throw certificateError(
      "MISSING",
      "No certificate: upload the PEM certificate and its private key, or choose the .pfx format.",
    );
  }
  if (!certificate.trim()) {
    throw certificateError(
      "NO_CERTIFICATE",
      "The certificate is missing: upload the PEM certificate that goes with the private key.",
    );
  }
  const keyText = privateKey.trim() ? privateKey : certificate;
  const keyBlocks = pemBlocks(keyText).filter((b) => b.label.endsWith("PRIVATE KEY"));
  if (keyBlocks.length === 0) {
    throw certificateError(
      "NO_PRIVATE_KEY",
      "No private key found: upload the PEM private key that goes with the certificate (a public key or a certificate is not enough).",
    );
  }
  return { certificates: readCertificates(certificate), keys: keyBlocks.map((b) => readKey(b, passphrase)) };
}
