import { inspect } from "node:util";
import { FlaError } from "../errors";
import { certificateError } from "./certificateError";
import { readPem } from "./pem";
import { readPkcs12 } from "./pkcs12";
import { selectEntry, type SelectedEntry } from "./selectEntry";
import { DAY_MS, certificateDates, isoDate, summarize } from "./summary";
import type { CertificateInput, CertificateSummary, LoadedCertificate } from "./types";

export const MIN_RSA_BITS = 2048;
export const EXPIRY_WARNING_DAYS = 30;

function read(input: CertificateInput): SelectedEntry {
  if (input.format === "pem") {
    const { certificates, keys } = readPem(input.certificate, input.privateKey, input.passphrase);
    return selectEntry(keys, certificates, "pem");
  }
  if (input.format !== "pfx") {
    throw new FlaError("FLA_CONFIG", `Unknown certificate format "${String(input.format)}": choose .pfx/.p12 or PEM.`);
  }
  if (!input.pfx?.trim()) {
    throw certificateError(
      "MISSING",
      "No certificate: upload the .pfx/.p12 file of the certificate registered in Chaman, with its password.",
    );
  }
  const { certificates, keys } = readPkcs12(input.pfx, input.passphrase);
  return selectEntry(keys, certificates, "pfx", input.alias);
}

function check(entry: SelectedEntry, now: Date): string[] {
  const { key, certificate } = entry;
  if (!certificate.x509.checkPrivateKey(key)) {
    throw certificateError(
      "KEY_MISMATCH",
      "The private key does not match the certificate: use the certificate and the key that belong together.",
    );
  }
  const type = key.asymmetricKeyType;
  if (type !== "rsa") {
    throw certificateError(
      "NOT_RSA",
      `The certificate has ${type === "rsa-pss" ? "an RSA-PSS" : `an ${String(type).toUpperCase()}`} key; the socialsecurity.be OAuth server needs RS256, so an RSA key of at least ${MIN_RSA_BITS} bits: request an RSA certificate.`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw certificateError(
      "KEY_TOO_SHORT",
      `The RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required: request a new certificate with a 2048-bit (or longer) key.`,
    );
  }
  const { notBefore, notAfter } = certificateDates(certificate.x509);
  if (now < notBefore) {
    throw certificateError(
      "NOT_YET_VALID",
      `The certificate is not valid before ${notBefore.toISOString()}: wait until then, or check the date and time of this machine.`,
    );
  }
  if (now > notAfter) {
    throw certificateError(
      "EXPIRED",
      `The certificate expired on ${isoDate(notAfter)}: renew it, upload the new .cer in Chaman, and load the new certificate here.`,
    );
  }
  const left = notAfter.getTime() - now.getTime();
  if (left < EXPIRY_WARNING_DAYS * DAY_MS) {
    const days = Math.floor(left / DAY_MS);
    return [
      `The certificate expires in ${days} day${days === 1 ? "" : "s"}, on ${isoDate(notAfter)}: renew it and upload the new .cer in Chaman.`,
    ];
  }
  return [];
}

function loaded(entry: SelectedEntry, summary: CertificateSummary, warnings: string[]): LoadedCertificate {
  const certificateDer = Buffer.from(entry.certificate.der);
  const result = {
    certificatePem: entry.certificate.x509.toString(),
    certificateDer,
    summary: Object.freeze(summary),
    warnings: Object.freeze(warnings) as string[],
  };
  // The key is reachable only by name: not by JSON, Object.keys, spread, util.inspect or a deep clone.
  Object.defineProperties(result, {
    privateKey: { value: entry.key, enumerable: false },
    toJSON: { value: () => summary, enumerable: false },
    [inspect.custom]: { value: () => ({ summary, warnings }), enumerable: false },
  });
  return Object.freeze(result) as unknown as LoadedCertificate;
}

/**
 * Parses the certificate and its private key, checks that they can sign client assertions, and returns them with a
 * summary safe to show. Throws FlaError FLA_CERT with a `reason` (MISSING, WRONG_PASSWORD, KEY_MISMATCH, ...).
 */
export function loadCertificate(input: CertificateInput, now: Date = new Date()): LoadedCertificate {
  const entry = read(input);
  const warnings = [...entry.warnings, ...check(entry, now)];
  return loaded(entry, summarize(entry.certificate.x509, entry.key, now, entry.alias), warnings);
}
