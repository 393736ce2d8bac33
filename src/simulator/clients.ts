/** The registry of OAuth clients: client id → registered certificate (its public key), role and enterprise number. */
import { X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { isValidEnterpriseNumber } from "../core/identifiers";
import type { ClientRole, RegisteredClient } from "./types";

export interface KnownClient {
  clientId: string;
  role: ClientRole;
  enterpriseNumber: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

/** Reads the first certificate of a PEM text (a bundle or a PEM holding a key too is fine) into an X509Certificate. */
function readCertificate(pem: string): X509Certificate {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!block) throw new Error("The registered certificate must be a PEM certificate (-----BEGIN CERTIFICATE-----).");
  try {
    return new X509Certificate(block[0]);
  } catch {
    // node:crypto is strict about some encodings that forge reads; re-encode through forge before giving up.
    try {
      const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(block[0]))).getBytes();
      return new X509Certificate(Buffer.from(der, "binary"));
    } catch {
      throw new Error("The registered certificate cannot be read: it is not a valid X.509 certificate.");
    }
  }
}

export class ClientRegistry {
  private readonly clients = new Map<string, KnownClient>();

  register(client: RegisteredClient): void {
    if (!client.clientId || typeof client.clientId !== "string")
      throw new Error("A registered client needs a client id.");
    if (client.role !== "employer" && client.role !== "provider")
      throw new Error(`The role of client "${client.clientId}" must be "employer" or "provider".`);
    if (!isValidEnterpriseNumber(client.enterpriseNumber)) {
      throw new Error(
        `The enterprise number of client "${client.clientId}" is not valid (10 digits with valid check digits expected).`,
      );
    }
    const certificate = readCertificate(client.certificatePem);
    this.clients.set(client.clientId, {
      clientId: client.clientId,
      role: client.role,
      enterpriseNumber: client.enterpriseNumber,
      publicKey: certificate.publicKey,
      notBefore: new Date(certificate.validFrom),
      notAfter: new Date(certificate.validTo),
    });
  }

  get(clientId: string): KnownClient | undefined {
    return this.clients.get(clientId);
  }

  get size(): number {
    return this.clients.size;
  }
}
