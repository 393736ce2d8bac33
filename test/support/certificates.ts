/**
 * Certificates for tests, generated once per test run in a temporary folder with openssl (and node-forge where
 * openssl 3.0 cannot: chosen validity dates, a .pfx with two key entries). Every test may reuse them:
 *
 *   const certs = await getTestCertificates();
 *   loadCertificate({ format: "pfx", pfx: certs.pfx.openSslDefault.base64, passphrase: certs.pfx.openSslDefault.password });
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";

export const TEST_PASSWORD = "Fla-test-2026!";
export const TEST_UNICODE_PASSWORD = "Sécurité-2026";

export interface PemPair {
  certificatePath: string;
  privateKeyPath: string;
  certificatePem: string;
  /** PKCS#8, unencrypted. */
  privateKeyPem: string;
}

export interface PfxFile {
  path: string;
  /** The file, base64: what the fla-config credential `pfx` holds. */
  base64: string;
  password: string;
  /** Friendly name of the entry with the key, when the file has one. */
  alias?: string;
  /** The certificate the loader should pick. */
  certificatePem: string;
}

export interface TestCertificates {
  dir: string;
  password: string;
  /** RSA-2048, self-signed, valid for a year: the client certificate of most tests. */
  client: PemPair & { privateKeyPkcs1Pem: string; encryptedPrivateKeyPem: string; encryptedPrivateKeyPath: string };
  /** A second RSA-2048 client (another client id in the simulator, or the other entry of a .pfx). */
  second: PemPair;
  pfx: {
    /** OpenSSL 3 defaults: PBES2 AES-256-CBC, SHA-256 MAC; alias "fla-client". */
    openSslDefault: PfxFile;
    /** `-legacy`: RC2-40 for certificates, 3DES for the key, SHA-1 MAC. */
    legacy: PfxFile;
    /** As Windows exports: 3DES everywhere, SHA-1 MAC. */
    windows3des: PfxFile;
    /** OpenSSL defaults with a non-ASCII password. */
    unicodePassword: PfxFile;
    /** Two key entries, aliases "fla-first" (the `second` client) and "fla-second" (the `client`). */
    twoEntries: PfxFile & { aliases: [string, string]; secondCertificatePem: string };
    /** A certificate issued by a test CA, with the CA certificate first in the file. */
    withChain: PfxFile & { caCertificatePem: string };
    /** Certificates only, no private key. */
    certificateOnly: PfxFile;
    /** An EC P-256 certificate and key. */
    ec: PfxFile;
  };
  /** Not valid any more (ended 10 days ago), key = client key. */
  expired: PemPair;
  /** Valid from 10 days from now, key = client key. */
  notYetValid: PemPair;
  /** Ends in 10 days and 1 hour, key = client key. */
  expiringIn10Days: PemPair;
  /** The client certificate with the second client's key. */
  mismatched: PemPair;
  ec: PemPair;
  rsa1024: PemPair;
}

const DAY = 86_400_000;

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

function selfSigned(dir: string, name: string, newkey: string[], subject: string): PemPair {
  const certificatePath = join(dir, `${name}.crt`);
  const privateKeyPath = join(dir, `${name}.key`);
  openssl(
    [
      "req",
      "-x509",
      ...newkey,
      "-nodes",
      "-sha256",
      "-days",
      "365",
      "-subj",
      subject,
      "-keyout",
      privateKeyPath,
      "-out",
      certificatePath,
    ],
    dir,
  );
  return {
    certificatePath,
    privateKeyPath,
    certificatePem: read(certificatePath),
    privateKeyPem: read(privateKeyPath),
  };
}

function rsa(dir: string, name: string, cn: string, bits = 2048): PemPair {
  return selfSigned(dir, name, ["-newkey", `rsa:${bits}`], `/C=BE/O=FLA Test Employer/CN=${cn}`);
}

function writePair(dir: string, name: string, certificatePem: string, privateKeyPem: string): PemPair {
  const certificatePath = join(dir, `${name}.crt`);
  const privateKeyPath = join(dir, `${name}.key`);
  writeFileSync(certificatePath, certificatePem);
  writeFileSync(privateKeyPath, privateKeyPem);
  return { certificatePath, privateKeyPath, certificatePem, privateKeyPem };
}

/** openssl 3.0 has no -not_before/-not_after: forge signs a certificate with chosen dates. */
function withValidity(dir: string, name: string, base: PemPair, notBefore: Date, notAfter: Date): PemPair {
  const key = forge.pki.privateKeyFromPem(base.privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [
    { shortName: "C", value: "BE" },
    { shortName: "O", value: "FLA Test Employer" },
    { shortName: "CN", value: `fla-${name}` },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(key, forge.md.sha256.create());
  return writePair(dir, name, forge.pki.certificateToPem(cert), base.privateKeyPem);
}

function pfxFile(path: string, password: string, certificatePem: string, alias?: string): PfxFile {
  return { path, base64: readFileSync(path).toString("base64"), password, alias, certificatePem };
}

function exportPfx(
  dir: string,
  name: string,
  pair: PemPair,
  extra: string[],
  password = TEST_PASSWORD,
  alias = "fla-client",
): PfxFile {
  const path = join(dir, `${name}.pfx`);
  openssl(
    [
      "pkcs12",
      "-export",
      "-in",
      pair.certificatePath,
      "-inkey",
      pair.privateKeyPath,
      "-name",
      alias,
      "-out",
      path,
      "-passout",
      `pass:${password}`,
      ...extra,
    ],
    dir,
  );
  return pfxFile(path, password, pair.certificatePem, alias);
}

/** openssl writes one key per .pfx: two forge-made files are merged into one AuthenticatedSafe, with a fresh MAC. */
function twoEntryPfx(dir: string, first: PemPair, second: PemPair, aliases: [string, string]): string {
  const asn1 = forge.asn1;
  const safeContents = [first, second].flatMap((pair, i) => {
    const pfx = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(pair.privateKeyPem),
      [forge.pki.certificateFromPem(pair.certificatePem)],
      TEST_PASSWORD,
      {
        algorithm: "3des",
        friendlyName: aliases[i],
        generateLocalKeyId: true,
        useMac: false,
      },
    );
    const content = (pfx.value[1] as forge.asn1.Asn1).value[1] as forge.asn1.Asn1;
    const octets = (content.value as forge.asn1.Asn1[])[0].value as string;
    return asn1.fromDer(octets).value as forge.asn1.Asn1[];
  });
  const safe = asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, safeContents)).getBytes();
  const salt = forge.random.getBytesSync(8);
  const iterations = 2048;
  const generateKey = (forge.pkcs12 as unknown as { generateKey: (...args: unknown[]) => forge.util.ByteStringBuffer })
    .generateKey;
  const hmac = forge.hmac.create();
  hmac.start("sha1", generateKey(TEST_PASSWORD, new forge.util.ByteStringBuffer(salt), 3, iterations, 20));
  hmac.update(safe);
  const u = asn1.Class.UNIVERSAL;
  const T = asn1.Type;
  const pfx = asn1.create(u, T.SEQUENCE, true, [
    asn1.create(u, T.INTEGER, false, asn1.integerToDer(3).getBytes()),
    asn1.create(u, T.SEQUENCE, true, [
      asn1.create(u, T.OID, false, asn1.oidToDer(forge.pki.oids.data).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(u, T.OCTETSTRING, false, safe)]),
    ]),
    asn1.create(u, T.SEQUENCE, true, [
      asn1.create(u, T.SEQUENCE, true, [
        asn1.create(u, T.SEQUENCE, true, [
          asn1.create(u, T.OID, false, asn1.oidToDer(forge.pki.oids.sha1).getBytes()),
          asn1.create(u, T.NULL, false, ""),
        ]),
        asn1.create(u, T.OCTETSTRING, false, hmac.getMac().getBytes()),
      ]),
      asn1.create(u, T.OCTETSTRING, false, salt),
      asn1.create(u, T.INTEGER, false, asn1.integerToDer(iterations).getBytes()),
    ]),
  ]);
  const path = join(dir, "two-entries.pfx");
  writeFileSync(path, Buffer.from(asn1.toDer(pfx).getBytes(), "binary"));
  // openssl checks the MAC and reads both entries: the file is a real PKCS#12, not only one forge can read.
  openssl(["pkcs12", "-in", path, "-passin", `pass:${TEST_PASSWORD}`, "-noout"], dir);
  return path;
}

function chainPfx(dir: string): PfxFile & { caCertificatePem: string } {
  const ca = selfSigned(dir, "test-ca", ["-newkey", "rsa:2048"], "/C=BE/O=FLA Test CA/CN=FLA Test Root CA");
  const keyPath = join(dir, "leaf.key");
  const csrPath = join(dir, "leaf.csr");
  const certificatePath = join(dir, "leaf.crt");
  openssl(
    [
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/C=BE/O=FLA Test Employer/CN=fla-chained-client",
      "-keyout",
      keyPath,
      "-out",
      csrPath,
    ],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      csrPath,
      "-CA",
      ca.certificatePath,
      "-CAkey",
      ca.privateKeyPath,
      "-CAcreateserial",
      "-days",
      "365",
      "-sha256",
      "-out",
      certificatePath,
    ],
    dir,
  );
  // The CA first, so that "the first certificate" would be the wrong choice.
  const bundlePath = join(dir, "leaf-bundle.pem");
  writeFileSync(bundlePath, ca.certificatePem + read(certificatePath));
  const path = join(dir, "with-chain.pfx");
  openssl(
    ["pkcs12", "-export", "-in", bundlePath, "-inkey", keyPath, "-out", path, "-passout", `pass:${TEST_PASSWORD}`],
    dir,
  );
  return { ...pfxFile(path, TEST_PASSWORD, read(certificatePath)), caCertificatePem: ca.certificatePem };
}

function generate(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "fla-test-certs-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));

  const base = rsa(dir, "client", "fla-test-client");
  const key = createPrivateKey(base.privateKeyPem);
  const privateKeyPkcs1Pem = key.export({ type: "pkcs1", format: "pem" }).toString();
  const encryptedPrivateKeyPem = key
    .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: TEST_PASSWORD })
    .toString();
  const encryptedPrivateKeyPath = join(dir, "client-encrypted.key");
  writeFileSync(encryptedPrivateKeyPath, encryptedPrivateKeyPem);
  const client = { ...base, privateKeyPkcs1Pem, encryptedPrivateKeyPem, encryptedPrivateKeyPath };
  const second = rsa(dir, "second", "fla-second-client");
  const ec = selfSigned(
    dir,
    "ec",
    ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "/C=BE/O=FLA Test Employer/CN=fla-ec-client",
  );
  const now = Date.now();

  const aliases: [string, string] = ["fla-first", "fla-second"];
  const certificateOnlyPath = join(dir, "certificate-only.pfx");
  openssl(
    [
      "pkcs12",
      "-export",
      "-nokeys",
      "-in",
      base.certificatePath,
      "-out",
      certificateOnlyPath,
      "-passout",
      `pass:${TEST_PASSWORD}`,
    ],
    dir,
  );

  return {
    dir,
    password: TEST_PASSWORD,
    client,
    second,
    pfx: {
      openSslDefault: exportPfx(dir, "openssl-default", base, []),
      legacy: exportPfx(dir, "legacy", base, ["-legacy"]),
      windows3des: exportPfx(dir, "windows-3des", base, [
        "-keypbe",
        "PBE-SHA1-3DES",
        "-certpbe",
        "PBE-SHA1-3DES",
        "-macalg",
        "sha1",
      ]),
      unicodePassword: exportPfx(dir, "unicode-password", base, [], TEST_UNICODE_PASSWORD),
      twoEntries: {
        ...pfxFile(twoEntryPfx(dir, second, base, aliases), TEST_PASSWORD, second.certificatePem, aliases[0]),
        aliases,
        secondCertificatePem: base.certificatePem,
      },
      withChain: chainPfx(dir),
      certificateOnly: pfxFile(certificateOnlyPath, TEST_PASSWORD, base.certificatePem),
      ec: exportPfx(dir, "ec", ec, [], TEST_PASSWORD, "fla-ec"),
    },
    expired: withValidity(dir, "expired", base, new Date(now - 400 * DAY), new Date(now - 10 * DAY)),
    notYetValid: withValidity(dir, "not-yet-valid", base, new Date(now + 10 * DAY), new Date(now + 400 * DAY)),
    expiringIn10Days: withValidity(
      dir,
      "expiring",
      base,
      new Date(now - 300 * DAY),
      new Date(now + 10 * DAY + 3_600_000),
    ),
    mismatched: writePair(dir, "mismatched", base.certificatePem, second.privateKeyPem),
    ec,
    rsa1024: rsa(dir, "rsa1024", "fla-rsa1024-client", 1024),
  };
}

let generated: TestCertificates | undefined;

/** Generates the certificates on the first call (a second or two), then returns the same ones. */
export function getTestCertificatesSync(): TestCertificates {
  generated ??= generate();
  return generated;
}

export async function getTestCertificates(): Promise<TestCertificates> {
  return getTestCertificatesSync();
}
