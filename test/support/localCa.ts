/** A private CA and a server certificate for 127.0.0.1/localhost, made with node-forge at test time. */
import forge from "node-forge";

export interface LocalCa {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

function newCertificate(publicKey: forge.pki.PublicKey, serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  return cert;
}

let cached: LocalCa | undefined;

export function makeLocalCa(): LocalCa {
  if (cached) return cached;
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = newCertificate(caKeys.publicKey, "01");
  const caName = [{ name: "commonName", value: "FLA test private CA" }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = forge.pki.rsa.generateKeyPair(2048);
  const server = newCertificate(serverKeys.publicKey, "02");
  server.setSubject([{ name: "commonName", value: "localhost" }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());
  cached = {
    caPem: forge.pki.certificateToPem(ca),
    serverCertPem: forge.pki.certificateToPem(server),
    serverKeyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
  };
  return cached;
}
