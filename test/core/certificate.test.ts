import { strict as assert } from "node:assert";
import { X509Certificate, createPublicKey, sign, verify } from "node:crypto";
import { inspect } from "node:util";
import { loadCertificate, type CertificateInput, type LoadedCertificate } from "../../src/core/certificate";
import { FlaError } from "../../src/core/errors";
import {
  getTestCertificates,
  TEST_UNICODE_PASSWORD,
  type PemPair,
  type PfxFile,
  type TestCertificates,
} from "../support/certificates";

function pfxInput(file: PfxFile, overrides: Partial<CertificateInput> = {}): CertificateInput {
  return { format: "pfx", pfx: file.base64, passphrase: file.password, ...overrides };
}

function pemInput(pair: PemPair, overrides: Partial<CertificateInput> = {}): CertificateInput {
  return { format: "pem", certificate: pair.certificatePem, privateKey: pair.privateKeyPem, ...overrides };
}

function refusal(input: CertificateInput, now?: Date): FlaError {
  try {
    loadCertificate(input, now);
  } catch (err) {
    assert.ok(err instanceof FlaError, `expected a FlaError, got ${String(err)}`);
    assert.equal(err.code, "FLA_CERT");
    return err;
  }
  assert.fail("the certificate was accepted");
}

function derOf(pem: string): Buffer {
  return Buffer.from(new X509Certificate(pem).raw);
}

/** The key really is the certificate's: a signature with it verifies with the certificate's public key. */
function assertUsable(loaded: LoadedCertificate, expectedCertificatePem: string): void {
  assert.deepEqual(loaded.certificateDer, derOf(expectedCertificatePem));
  const signature = sign("sha256", Buffer.from("fla"), loaded.privateKey);
  assert.ok(verify("sha256", Buffer.from("fla"), createPublicKey(expectedCertificatePem), signature));
}

describe("loadCertificate", function () {
  this.timeout(60_000);
  let certs: TestCertificates;

  before(async () => {
    certs = await getTestCertificates();
  });

  describe("loads", () => {
    for (const name of ["openSslDefault", "legacy", "windows3des", "unicodePassword"] as const) {
      it(`a .pfx: ${name}`, () => {
        const file = certs.pfx[name];
        const loaded = loadCertificate(pfxInput(file));
        assertUsable(loaded, file.certificatePem);
        assert.equal(loaded.summary.alias, "fla-client");
        assert.deepEqual(loaded.warnings, []);
      });
    }

    it("the .pfx with a non-ASCII password really uses one", () => {
      assert.equal(certs.pfx.unicodePassword.password, TEST_UNICODE_PASSWORD);
      assert.equal(
        refusal(pfxInput(certs.pfx.unicodePassword, { passphrase: "Securite-2026" })).reason,
        "WRONG_PASSWORD",
      );
    });

    it("the leaf of a .pfx with its CA chain, whatever the order", () => {
      const loaded = loadCertificate(pfxInput(certs.pfx.withChain));
      assertUsable(loaded, certs.pfx.withChain.certificatePem);
      assert.match(loaded.summary.issuer, /FLA Test Root CA/);
      assert.match(loaded.summary.subject, /^CN=fla-chained-client/);
    });

    it("the entry named by the alias in a .pfx with two entries, and the first otherwise, with a warning", () => {
      const file = certs.pfx.twoEntries;
      const second = loadCertificate(pfxInput(file, { alias: "fla-second" }));
      assertUsable(second, file.secondCertificatePem);
      assert.equal(second.summary.alias, "fla-second");
      assert.deepEqual(second.warnings, []);
      const first = loadCertificate(pfxInput(file, { alias: "fla-first" }));
      assertUsable(first, file.certificatePem);

      const unnamed = loadCertificate(pfxInput(file));
      assertUsable(unnamed, file.certificatePem);
      assert.equal(unnamed.warnings.length, 1);
      assert.match(unnamed.warnings[0], /2 certificates.*"fla-first", "fla-second".*alias/);
    });

    it("PEM with a PKCS#8 key, a PKCS#1 key, an encrypted PKCS#8 key, and a combined file", () => {
      const { client } = certs;
      assertUsable(loadCertificate(pemInput(client)), client.certificatePem);
      assert.match(client.privateKeyPkcs1Pem, /BEGIN RSA PRIVATE KEY/);
      assertUsable(loadCertificate(pemInput(client, { privateKey: client.privateKeyPkcs1Pem })), client.certificatePem);
      assert.match(client.encryptedPrivateKeyPem, /BEGIN ENCRYPTED PRIVATE KEY/);
      assertUsable(
        loadCertificate(pemInput(client, { privateKey: client.encryptedPrivateKeyPem, passphrase: certs.password })),
        client.certificatePem,
      );
      assertUsable(
        loadCertificate({ format: "pem", certificate: client.certificatePem + client.privateKeyPem }),
        client.certificatePem,
      );
    });

    it("PEM with a chain before the certificate: the one matching the key", () => {
      const loaded = loadCertificate(
        pemInput(certs.client, { certificate: certs.second.certificatePem + certs.client.certificatePem }),
      );
      assertUsable(loaded, certs.client.certificatePem);
    });
  });

  describe("summary", () => {
    it("describes the certificate as openssl does, with no secret", () => {
      const now = new Date();
      const loaded = loadCertificate(pfxInput(certs.pfx.openSslDefault), now);
      const x509 = new X509Certificate(certs.client.certificatePem);
      const s = loaded.summary;
      assert.equal(s.subject, "CN=fla-test-client, O=FLA Test Employer, C=BE");
      assert.equal(s.issuer, s.subject);
      assert.equal(s.serialHex, x509.serialNumber.toUpperCase());
      assert.equal(BigInt(s.serialDecimal), BigInt(`0x${x509.serialNumber}`));
      assert.match(s.serialDecimal, /^\d+$/);
      assert.equal(s.notBefore, new Date(x509.validFrom).toISOString());
      assert.equal(s.notAfter, new Date(x509.validTo).toISOString());
      assert.ok(s.daysRemaining === 364 || s.daysRemaining === 365, String(s.daysRemaining));
      assert.equal(s.sha1Thumbprint, x509.fingerprint.replace(/:/g, ""));
      assert.equal(s.sha256Thumbprint, x509.fingerprint256.replace(/:/g, ""));
      assert.match(s.sha256Thumbprint, /^[0-9A-F]{64}$/);
      assert.equal(s.keyType, "RSA");
      assert.equal(s.keyBits, 2048);
      assert.equal(loaded.certificatePem.trim(), certs.client.certificatePem.trim());
    });

    it("never serialises nor shows the key", () => {
      const loaded = loadCertificate(
        pemInput(certs.client, { privateKey: certs.client.encryptedPrivateKeyPem, passphrase: certs.password }),
      );
      const json = JSON.stringify(loaded);
      assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(loaded.summary)));
      assert.ok(!Object.keys(loaded).includes("privateKey"));
      assert.ok(!("privateKey" in { ...loaded }));
      const keyBody = certs.client.privateKeyPem.split("\n")[1];
      const pkcs1Body = certs.client.privateKeyPkcs1Pem.split("\n")[1];
      for (const shown of [
        json,
        inspect(loaded, { depth: 10 }),
        inspect({ wrapped: loaded }, { depth: 10 }),
        String(loaded),
      ]) {
        assert.ok(!shown.includes(keyBody) && !shown.includes(pkcs1Body), "key material shown");
        assert.ok(!/PRIVATE KEY|privateKey/.test(shown), shown);
        assert.ok(!shown.includes(certs.password));
      }
      assert.equal(loaded.privateKey.type, "private");
    });

    it("warns when the certificate expires within 30 days", () => {
      const loaded = loadCertificate(pemInput(certs.expiringIn10Days));
      assert.equal(loaded.summary.daysRemaining, 10);
      assert.equal(loaded.warnings.length, 1);
      assert.match(
        loaded.warnings[0],
        /expires in 10 days, on \d{4}-\d{2}-\d{2}: renew it and upload the new \.cer in Chaman/,
      );
    });

    it("does not warn 31 days before expiry, and refuses after it (clock given)", () => {
      const notAfter = new Date(loadCertificate(pemInput(certs.client)).summary.notAfter).getTime();
      const day = 86_400_000;
      assert.deepEqual(loadCertificate(pemInput(certs.client), new Date(notAfter - 31 * day)).warnings, []);
      assert.equal(loadCertificate(pemInput(certs.client), new Date(notAfter - 29 * day)).warnings.length, 1);
      assert.equal(refusal(pemInput(certs.client), new Date(notAfter + 1000)).reason, "EXPIRED");
    });
  });

  describe("refuses, saying what to do", () => {
    const cases: [string, (c: TestCertificates) => CertificateInput, string, RegExp][] = [
      ["no .pfx", () => ({ format: "pfx", pfx: "", passphrase: "x" }), "MISSING", /upload the \.pfx/],
      ["no PEM", () => ({ format: "pem" }), "MISSING", /upload the PEM certificate/],
      [
        "a wrong .pfx password",
        (c) => pfxInput(c.pfx.openSslDefault, { passphrase: "wrong" }),
        "WRONG_PASSWORD",
        /The \.pfx password is wrong: enter the password you chose/,
      ],
      [
        "a wrong legacy .pfx password",
        (c) => pfxInput(c.pfx.legacy, { passphrase: "wrong" }),
        "WRONG_PASSWORD",
        /password is wrong/,
      ],
      [
        "a wrong 3DES .pfx password",
        (c) => pfxInput(c.pfx.windows3des, { passphrase: "" }),
        "WRONG_PASSWORD",
        /enter the password/,
      ],
      [
        "a wrong key password",
        (c) => pemInput(c.client, { privateKey: c.client.encryptedPrivateKeyPem, passphrase: "wrong" }),
        "WRONG_PASSWORD",
        /private key password is wrong/,
      ],
      [
        "an encrypted key without password",
        (c) => pemInput(c.client, { privateKey: c.client.encryptedPrivateKeyPem }),
        "WRONG_PASSWORD",
        /encrypted: enter its password/,
      ],
      [
        "garbage as .pfx",
        () => ({ format: "pfx", pfx: Buffer.from("not a certificate at all").toString("base64"), passphrase: "x" }),
        "UNREADABLE",
        /not a \.pfx/,
      ],
      [
        "a PEM given as .pfx",
        (c) => ({ format: "pfx", pfx: c.client.certificatePem, passphrase: "x" }),
        "UNREADABLE",
        /choose the PEM certificate format/,
      ],
      [
        "a damaged PEM certificate",
        (c) => pemInput(c.client, { certificate: c.client.certificatePem.replace(/\n[A-Za-z0-9+/]{20}/, "\n") }),
        "UNREADABLE",
        /could not be read/,
      ],
      [
        "a .pfx without key",
        (c) => pfxInput(c.pfx.certificateOnly),
        "NO_PRIVATE_KEY",
        /no private key: export the certificate again together with its private key/,
      ],
      [
        "a PEM certificate without key",
        (c) => pemInput(c.client, { privateKey: "" }),
        "NO_PRIVATE_KEY",
        /upload the PEM private key/,
      ],
      [
        "a public key instead of the private key",
        (c) =>
          pemInput(c.client, {
            privateKey: createPublicKey(c.client.certificatePem).export({ type: "spki", format: "pem" }).toString(),
          }),
        "NO_PRIVATE_KEY",
        /public key .* is not enough/,
      ],
      [
        "a key without certificate",
        (c) => pemInput(c.client, { certificate: "" }),
        "NO_CERTIFICATE",
        /certificate is missing/,
      ],
      [
        "a key as certificate",
        (c) => pemInput(c.client, { certificate: c.client.privateKeyPem, privateKey: c.client.privateKeyPem }),
        "NO_CERTIFICATE",
        /No certificate found/,
      ],
      [
        "an unknown alias",
        (c) => pfxInput(c.pfx.twoEntries, { alias: "fla-third" }),
        "ALIAS_NOT_FOUND",
        /no entry with the alias "fla-third"\. Its entries: "fla-first", "fla-second"/,
      ],
      [
        "a key that does not match the certificate",
        (c) => pemInput(c.mismatched),
        "KEY_MISMATCH",
        /does not match the certificate/,
      ],
      ["an EC certificate in PEM", (c) => pemInput(c.ec), "NOT_RSA", /EC key.*RSA key of at least 2048 bits/],
      ["an EC certificate in a .pfx", (c) => pfxInput(c.pfx.ec), "NOT_RSA", /RS256/],
      ["an RSA-1024 key", (c) => pemInput(c.rsa1024), "KEY_TOO_SHORT", /1024 bits; at least 2048/],
      [
        "an expired certificate",
        (c) => pemInput(c.expired),
        "EXPIRED",
        /expired on \d{4}-\d{2}-\d{2}: renew it, upload the new \.cer in Chaman/,
      ],
      [
        "a certificate not yet valid",
        (c) => pemInput(c.notYetValid),
        "NOT_YET_VALID",
        /not valid before .*check the date and time of this machine/,
      ],
    ];
    for (const [what, input, reason, message] of cases) {
      it(`${what}: ${reason}`, () => {
        const err = refusal(input(certs));
        assert.equal(err.reason, reason, err.message);
        assert.match(err.message, message);
        const keyBody = certs.client.privateKeyPem.split("\n")[1];
        assert.ok(!err.message.includes(certs.password) && !err.message.includes(keyBody), err.message);
        assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(err))).sort(), ["code", "message", "reason"]);
      });
    }
  });
});
