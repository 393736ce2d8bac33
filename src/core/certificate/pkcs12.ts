/**
 * Reading a .pfx/.p12 with node-forge (Node's crypto has no PKCS#12 parser).
 *
 * node-forge 1.3+ decrypts what OpenSSL 3 writes by default (PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, SHA-256
 * MAC) as well as `-legacy` files (RC2-40 / 3DES) and Windows exports (3DES, SHA-1 MAC); the certificate tests load
 * all three. One gap remains, handled below: forge feeds PBKDF2 (PBES2) the password as Latin-1 bytes, while OpenSSL
 * and Windows use UTF-8, so a non-ASCII password ("Sécurité") passes the MAC (BMPString, done right by forge) and then
 * fails to decrypt. We then decode again with the UTF-8 bytes, without the MAC we have already verified.
 * Not supported by forge: PBMAC1 (`openssl pkcs12 -pbmac1_pbkdf2`, OpenSSL 3.4+), rarely used.
 */
import { createPrivateKey } from "node:crypto";
import forge from "node-forge";
import { certificateError } from "./certificateError";
import type { CertificateCandidate, KeyCandidate } from "./types";

export interface Pkcs12Contents {
  certificates: CertificateCandidate[];
  keys: KeyCandidate[];
}

const NOT_PFX = "The file is not a .pfx/.p12 (PKCS#12) certificate: upload the file exported with its private key.";
const WRONG_PASSWORD = "The .pfx password is wrong: enter the password you chose when the certificate was exported.";

function pfxBytes(base64: string): string {
  const text = base64.trim();
  if (text.includes("-----BEGIN")) {
    throw certificateError(
      "UNREADABLE",
      "This is a PEM file, not a .pfx/.p12: choose the PEM certificate format and upload the certificate and the private key.",
    );
  }
  const body = text.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (!body || !/^[A-Za-z0-9+/_-]+=*$/.test(body)) {
    throw certificateError(
      "UNREADABLE",
      "The .pfx could not be read (it is not base64 data): upload the .pfx/.p12 file again.",
    );
  }
  return Buffer.from(body, "base64").toString("binary");
}

function parseAsn1(bytes: string): forge.asn1.Asn1 {
  try {
    return forge.asn1.fromDer(bytes, false);
  } catch {
    throw certificateError("UNREADABLE", NOT_PFX);
  }
}

function isPasswordFailure(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /MAC could not be verified|Invalid password|wrong password/i.test(message);
}

/** A copy of the PFX without its macData, so that forge does not check the MAC a second time. */
function withoutMac(pfx: forge.asn1.Asn1): forge.asn1.Asn1 {
  const parts = pfx.value as forge.asn1.Asn1[];
  return forge.asn1.create(pfx.tagClass, pfx.type, pfx.constructed, parts.slice(0, 2));
}

function decode(pfx: forge.asn1.Asn1, password: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(pfx, false, password);
  } catch (first) {
    const macChecked = !/MAC could not be verified/i.test(first instanceof Error ? first.message : "");
    const utf8 = Buffer.from(password, "utf8").toString("binary");
    if (macChecked && utf8 !== password) {
      try {
        return forge.pkcs12.pkcs12FromAsn1(withoutMac(pfx), false, utf8);
      } catch {
        // fall through to the first error, which names the real problem
      }
    }
    if (isPasswordFailure(first)) {
      throw certificateError(
        "WRONG_PASSWORD",
        password
          ? WRONG_PASSWORD
          : "The .pfx is protected by a password: enter the password you chose when the certificate was exported.",
      );
    }
    if (/not an? PKCS#12 PFX/i.test(first instanceof Error ? first.message : "")) {
      throw certificateError("UNREADABLE", NOT_PFX);
    }
    throw certificateError(
      "UNREADABLE",
      "The .pfx could not be read: it is damaged or uses an unsupported protection. Export it again (Windows: with 'TripleDES-SHA1', OpenSSL: the defaults).",
    );
  }
}

function attribute(bag: forge.pkcs12.Bag, name: "friendlyName" | "localKeyId"): string | undefined {
  const values = (bag.attributes as Record<string, unknown> | undefined)?.[name] as string[] | undefined;
  const value = values?.[0];
  if (value === undefined) return undefined;
  return name === "localKeyId" ? forge.util.bytesToHex(value) : value;
}

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

function keyFromBag(bag: forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 }): KeyCandidate | undefined {
  // forge turns RSA keys into its own objects and keeps other types (EC...) as ASN.1: both become PKCS#8 DER.
  let asn1: forge.asn1.Asn1 | undefined;
  if (bag.key) asn1 = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key));
  else asn1 = bag.asn1;
  if (!asn1) return undefined;
  try {
    const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
    return {
      key: createPrivateKey({ key: der, format: "der", type: "pkcs8" }),
      alias: attribute(bag, "friendlyName"),
      localKeyId: attribute(bag, "localKeyId"),
    };
  } catch {
    throw certificateError(
      "UNREADABLE",
      "The private key in the .pfx could not be read: export the certificate again with its private key.",
    );
  }
}

function certificateFromBag(bag: forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 }): CertificateCandidate | undefined {
  // certificateToAsn1 reuses the TBSCertificate forge parsed, so the DER is the one in the file.
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  if (!asn1) return undefined;
  return {
    der: Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"),
    alias: attribute(bag, "friendlyName"),
    localKeyId: attribute(bag, "localKeyId"),
  };
}

export function readPkcs12(base64: string, passphrase = ""): Pkcs12Contents {
  const p12 = decode(parseAsn1(pfxBytes(base64)), passphrase);
  const oids = forge.pki.oids;
  const keyBags = [...bagsOf(p12, oids.pkcs8ShroudedKeyBag), ...bagsOf(p12, oids.keyBag)];
  return {
    keys: keyBags.map(keyFromBag).filter((k): k is KeyCandidate => k !== undefined),
    certificates: bagsOf(p12, oids.certBag)
      .map(certificateFromBag)
      .filter((c): c is CertificateCandidate => c !== undefined),
  };
}
