/**
 * A certificate or key file chosen in the config dialog (PEM mode) is read by the runtime (readChosenFile, behind
 * POST /fla-config/certificate-file): PEM or DER, certificate or key (PKCS#8, PKCS#1, encrypted PKCS#8). The answer
 * names a key's PEM label and where it is, and never carries the key.
 */
import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readChosenFile } from "../../src/core/certificate/chosenFile";
import { getTestCertificates, TEST_PASSWORD, type TestCertificates } from "../support/certificates";

describe("certificate files chosen in the config dialog, read by the runtime", () => {
  let certs: TestCertificates;
  let keyDerPkcs8: Buffer;

  before(async () => {
    certs = await getTestCertificates();
    keyDerPkcs8 = createPrivateKey(certs.client.privateKeyPem).export({ type: "pkcs8", format: "der" });
  });

  /** No form of the client's key (DER or its base64) is in the answer. */
  function assertNoKey(answer: object): void {
    const json = JSON.stringify(answer);
    assert.ok(!json.includes(keyDerPkcs8.toString("base64").slice(40, 120)), "the key's bytes are not in the answer");
    assert.doesNotMatch(json, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  }

  it("a PEM certificate: the certificate, no key", () => {
    const answer = readChosenFile(Buffer.from(certs.client.certificatePem));
    assert.equal(
      new X509Certificate(answer.certificatePem!).fingerprint256,
      new X509Certificate(certs.client.certificatePem).fingerprint256,
    );
    assert.equal(answer.certificateFromDer, undefined);
    assert.equal(answer.privateKey, undefined);
  });

  it("a combined .pem (certificate then key): the certificate, and where the key is, without it", () => {
    const answer = readChosenFile(Buffer.from(certs.client.certificatePem + certs.client.privateKeyPem));
    assert.ok(answer.certificatePem);
    assert.deepEqual(answer.privateKey, { label: "PRIVATE KEY", encoding: "pem" });
    assertNoKey(answer);
  });

  it("a binary .cer: converted to PEM", () => {
    const der = new X509Certificate(certs.client.certificatePem).raw;
    const answer = readChosenFile(der);
    assert.equal(answer.certificateFromDer, true);
    assert.deepEqual(new X509Certificate(answer.certificatePem!).raw, der);
  });

  it("a PEM key of each kind: its label", () => {
    assert.deepEqual(readChosenFile(Buffer.from(certs.client.privateKeyPkcs1Pem)).privateKey, {
      label: "RSA PRIVATE KEY",
      encoding: "pem",
    });
    assert.deepEqual(readChosenFile(Buffer.from(certs.client.encryptedPrivateKeyPem)).privateKey, {
      label: "ENCRYPTED PRIVATE KEY",
      encoding: "pem",
    });
  });

  it("a DER key of each kind: the label to wrap it under, and the key itself not sent back", () => {
    const key = createPrivateKey(certs.client.privateKeyPem);
    const kinds: Array<[Buffer, string]> = [
      [keyDerPkcs8, "PRIVATE KEY"],
      [key.export({ type: "pkcs1", format: "der" }), "RSA PRIVATE KEY"],
      [
        key.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: TEST_PASSWORD }),
        "ENCRYPTED PRIVATE KEY",
      ],
    ];
    for (const [der, label] of kinds) {
      const answer = readChosenFile(der);
      assert.deepEqual(answer, { privateKey: { label, encoding: "der" } }, label);
      assertNoKey(answer);
    }
  });

  it("anything else: nothing found, no error", () => {
    for (const bytes of [
      Buffer.from("hello"),
      Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02]),
      Buffer.alloc(0),
      Buffer.from(certs.pfx.openSslDefault.base64, "base64"),
    ]) {
      assert.deepEqual(readChosenFile(bytes), {});
    }
  });
});
