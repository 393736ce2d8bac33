import { createHash, type KeyObject, type X509Certificate } from "node:crypto";
import type { CertificateSummary } from "./types";

export const DAY_MS = 86_400_000;

/** Node gives the distinguished name one attribute per line, most general first; we show it as Windows does. */
function distinguishedName(lines: string): string {
  return lines.split("\n").filter(Boolean).reverse().join(", ");
}

export function certificateDates(x509: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) };
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function summarize(x509: X509Certificate, key: KeyObject, now: Date, alias?: string): CertificateSummary {
  const { notBefore, notAfter } = certificateDates(x509);
  const serialHex = x509.serialNumber.toUpperCase();
  const summary: CertificateSummary = {
    subject: distinguishedName(x509.subject),
    issuer: distinguishedName(x509.issuer),
    serialHex,
    serialDecimal: BigInt(`0x${serialHex}`).toString(10),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysRemaining: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    sha1Thumbprint: createHash("sha1").update(x509.raw).digest("hex").toUpperCase(),
    sha256Thumbprint: createHash("sha256").update(x509.raw).digest("hex").toUpperCase(),
    keyType: "RSA",
    keyBits: key.asymmetricKeyDetails?.modulusLength ?? 0,
  };
  if (alias) summary.alias = alias;
  return summary;
}
