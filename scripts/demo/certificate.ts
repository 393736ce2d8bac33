/**
 * The demo client's certificate: a self-signed RSA-2048 certificate in a password-protected .pfx, made once and kept
 * in the user directory. It stands in for the qualified certificate a real client registers in Chaman.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import forge from "node-forge";
import type { DemoPaths } from "./paths";

export interface DemoCertificate {
  /** The .pfx, base64: what the fla-config credential `pfx` holds. */
  pfxBase64: string;
  passphrase: string;
  /** The public certificate (PEM), what the simulator registers for the demo client id. */
  certificatePem: string;
}

const VALIDITY_YEARS = 10;

export function generateDemoCertificate(passphrase: string): { pfx: Buffer; certificatePem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  certificate.serialNumber = "01" + randomBytes(15).toString("hex");
  const now = new Date();
  certificate.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  certificate.validity.notAfter = new Date(now.getTime() + VALIDITY_YEARS * 365 * 24 * 3600 * 1000);
  const subject = [
    { name: "commonName", value: "FLA demo client (npm start)" },
    { name: "organizationName", value: "node-red-contrib-careerpro-fla demo" },
    { name: "countryName", value: "BE" },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
  ]);
  certificate.sign(key, forge.md.sha256.create());
  // 3DES with a SHA-1 MAC, as Windows exports a qualified certificate: readable by every PKCS#12 reader.
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [certificate], passphrase, {
    algorithm: "3des",
    friendlyName: "fla-demo",
  });
  const pfx = Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
  return { pfx, certificatePem: forge.pki.certificateToPem(certificate) };
}

/** Reads the demo certificate, creating it (with a random password) on first start. */
export function ensureDemoCertificate(paths: DemoPaths): DemoCertificate & { created: boolean } {
  let created = false;
  if (!existsSync(paths.pfxFile) || !existsSync(paths.passphraseFile) || !existsSync(paths.certificatePemFile)) {
    mkdirSync(paths.certificateDir, { recursive: true, mode: 0o700 });
    const passphrase = randomBytes(12).toString("base64url");
    const { pfx, certificatePem } = generateDemoCertificate(passphrase);
    writeFileSync(paths.pfxFile, pfx, { mode: 0o600 });
    writeFileSync(paths.passphraseFile, passphrase + "\n", { mode: 0o600 });
    writeFileSync(paths.certificatePemFile, certificatePem, { mode: 0o644 });
    created = true;
  }
  return {
    pfxBase64: readFileSync(paths.pfxFile).toString("base64"),
    passphrase: readFileSync(paths.passphraseFile, "utf8").trim(),
    certificatePem: readFileSync(paths.certificatePemFile, "utf8"),
    created,
  };
}
