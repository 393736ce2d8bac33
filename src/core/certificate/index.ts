import { X509Certificate } from "node:crypto";
import { certificateError } from "./certificateError";
import { pemBlocks } from "./pem";

export { loadCertificate, MIN_RSA_BITS, EXPIRY_WARNING_DAYS } from "./loadCertificate";
export type { CertificateInput, CertificateSummary, LoadedCertificate, CertificateFailure } from "./types";

/** The DER of the first certificate in a PEM text: the .cer to upload in Chaman. */
export function certificateDerFromPem(pem: string): Buffer {
  const block = pemBlocks(pem).find((b) => b.label === "CERTIFICATE");
  if (!block) throw certificateError("NO_CERTIFICATE", "No PEM certificate found (-----BEGIN CERTIFICATE-----).");
  try {
    return Buffer.from(new X509Certificate(block.text).raw);
  } catch {
    throw certificateError("UNREADABLE", "The PEM certificate could not be read: upload it again.");
  }
}
