/**
 * A network for the transport tests, all on 127.0.0.1: a private CA with a server certificate for the HTTPS simulator.
 * With the CONNECT proxy of test/support/connectProxy.ts (every host name it is asked for resolves to 127.0.0.1),
 * `https://fla-sim.test:<port>` is reachable through the proxy only (no DNS knows that name).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SEED } from "../../src/simulator";

/** A name only the test proxy resolves (RFC 6761 reserves .test). */
export const PROXIED_HOST = "fla-sim.test";

export interface PrivateCa {
  caPem: string;
  /** The simulator's key and certificate, for fla-sim.test, localhost and 127.0.0.1, issued by the CA. */
  serverKeyPem: string;
  serverCertPem: string;
}

let privateCa: PrivateCa | undefined;

/** A CA and a server certificate made with openssl, once per run. */
export function getPrivateCa(): PrivateCa {
  if (privateCa) return privateCa;
  const dir = mkdtempSync(join(tmpdir(), "fla-test-ca-"));
  const run = (args: string[]): void =>
    void execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "3",
      "-subj",
      "/O=FLA Test Corporate Network/CN=FLA Test Private Root CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    ]);
    run([
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${PROXIED_HOST}`,
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    ]);
    writeFileSync(
      join(dir, "server.ext"),
      `subjectAltName=DNS:${PROXIED_HOST},DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
    );
    run([
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "3",
      "-sha256",
      "-extfile",
      "server.ext",
      "-out",
      "server.crt",
    ]);
    privateCa = {
      caPem: readFileSync(join(dir, "ca.crt"), "utf8"),
      serverKeyPem: readFileSync(join(dir, "server.key"), "utf8"),
      serverCertPem: readFileSync(join(dir, "server.crt"), "utf8"),
    };
    return privateCa;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A training the demo employer may declare for the demo worker. */
export const DEMO_TRAINING = {
  employer: { enterpriseNumber: SEED.demoEmployer },
  worker: { ssin: SEED.demoWorker },
  title: "Forklift safety",
  period: { startDate: "2024-03-04", endDate: "2024-03-05" },
  nature: "FORMAL",
  duration: { value: 14, unit: "HOURS" },
};

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago): a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sets environment variables for one test and gives back the old values. */
export class EnvironmentVariables {
  private readonly saved = new Map<string, string | undefined>();

  set(values: Record<string, string | undefined>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!this.saved.has(name)) this.saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  /** The proxy variables, both cases, cleared: a test starts from a machine without proxy. */
  clearProxies(): void {
    const names = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"];
    this.set(
      Object.fromEntries(
        names.flatMap((n) => [
          [n, undefined],
          [n.toLowerCase(), undefined],
        ]),
      ),
    );
  }

  restore(): void {
    for (const [name, value] of this.saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.saved.clear();
  }
}
