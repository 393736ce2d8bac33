/** Which certificate and key to use when a file holds several (CA chain, several aliases). */
import { X509Certificate, type KeyObject } from "node:crypto";
import { certificateError } from "./certificateError";
import type { CertificateCandidate, KeyCandidate } from "./types";

export interface ParsedCertificate extends CertificateCandidate {
  x509: X509Certificate;
}

export interface SelectedEntry {
  certificate: ParsedCertificate;
  key: KeyObject;
  alias?: string;
  warnings: string[];
}

function parse(candidate: CertificateCandidate): ParsedCertificate {
  try {
    return { ...candidate, x509: new X509Certificate(candidate.der) };
  } catch {
    throw certificateError("UNREADABLE", "A certificate in the file could not be read: export the certificate again.");
  }
}

function matches(certificate: ParsedCertificate, key: KeyCandidate): boolean {
  try {
    return certificate.x509.checkPrivateKey(key.key);
  } catch {
    return false;
  }
}

/** The certificate of a key: the one the file links to it (localKeyId), checked, else any that matches. */
function certificateFor(key: KeyCandidate, certificates: ParsedCertificate[]): ParsedCertificate | undefined {
  const linked = key.localKeyId
    ? certificates.find((c) => c.localKeyId === key.localKeyId && matches(c, key))
    : undefined;
  return linked ?? certificates.find((c) => matches(c, key));
}

function quoted(names: (string | undefined)[]): string {
  const unique = [...new Set(names.filter((n): n is string => !!n))];
  return unique.length ? unique.map((n) => `"${n}"`).join(", ") : "none has a name";
}

function byAlias(alias: string, keys: KeyCandidate[], certificates: ParsedCertificate[]): SelectedEntry {
  const same = (name?: string) => name !== undefined && name.trim().toLowerCase() === alias.toLowerCase();
  const namedCertificate = certificates.find((c) => same(c.alias));
  const key =
    keys.find((k) => same(k.alias)) ??
    (namedCertificate?.localKeyId ? keys.find((k) => k.localKeyId === namedCertificate.localKeyId) : undefined) ??
    (namedCertificate ? keys.find((k) => matches(namedCertificate, k)) : undefined);
  if (!key && !namedCertificate) {
    throw certificateError(
      "ALIAS_NOT_FOUND",
      `The .pfx has no entry with the alias "${alias}". Its entries: ${quoted([...keys, ...certificates].map((e) => e.alias))}. Correct the alias, or leave it empty to use the entry whose key matches a certificate.`,
    );
  }
  if (!key) {
    throw certificateError(
      "NO_PRIVATE_KEY",
      `The entry "${alias}" of the .pfx has no private key: export the certificate again with its private key.`,
    );
  }
  // A named certificate that does not match the named key is reported as KEY_MISMATCH by the checks that follow.
  const certificate = namedCertificate ?? certificateFor(key, certificates);
  if (!certificate) {
    throw certificateError(
      "NO_CERTIFICATE",
      `The entry "${alias}" of the .pfx has a private key but no certificate: export the certificate again.`,
    );
  }
  return { certificate, key: key.key, alias: key.alias ?? certificate.alias, warnings: [] };
}

export function selectEntry(
  keys: KeyCandidate[],
  candidates: CertificateCandidate[],
  source: "pfx" | "pem",
  alias?: string,
): SelectedEntry {
  const where = source === "pfx" ? "The .pfx" : "The PEM data";
  if (keys.length === 0) {
    throw certificateError(
      "NO_PRIVATE_KEY",
      `${where} holds no private key: export the certificate again together with its private key (Windows: "Yes, export the private key").`,
    );
  }
  if (candidates.length === 0) {
    throw certificateError(
      "NO_CERTIFICATE",
      `${where} holds a private key but no certificate: export the certificate again.`,
    );
  }
  const certificates = candidates.map(parse);
  const wanted = alias?.trim();
  if (wanted && source === "pfx") return byAlias(wanted, keys, certificates);

  const pairs = keys.flatMap((key) => {
    const certificate = certificateFor(key, certificates);
    return certificate ? [{ key, certificate }] : [];
  });
  if (pairs.length === 0) {
    throw certificateError(
      "KEY_MISMATCH",
      source === "pfx"
        ? "The private key in the .pfx does not match its certificate: export the certificate again from the machine or store that holds its key."
        : "The private key does not match the certificate: upload the certificate and the private key that belong together.",
    );
  }
  const [chosen] = pairs;
  const warnings =
    pairs.length > 1
      ? [
          `${where} holds ${pairs.length} certificates with their keys (${quoted(pairs.map((p) => p.key.alias ?? p.certificate.alias))}); the first is used: enter its alias to choose another.`,
        ]
      : [];
  return {
    certificate: chosen.certificate,
    key: chosen.key.key,
    alias: chosen.key.alias ?? chosen.certificate.alias,
    warnings,
  };
}
