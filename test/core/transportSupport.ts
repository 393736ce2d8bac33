/**
 * A network for the transport tests, all on 127.0.0.1: a private CA with a server certificate for the HTTPS simulator,
 * and a CONNECT proxy that counts its tunnels. Every host name the proxy is asked for resolves to 127.0.0.1, so that
 * `https://fla-sim.test:<port>` is reachable through the proxy only (no DNS knows that name).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  const run = (args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run([
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3", "-subj", "/O=FLA Test Corporate Network/CN=FLA Test Private Root CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.crt",
    ]);
    run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${PROXIED_HOST}`, "-keyout", "server.key", "-out", "server.csr"]);
    writeFileSync(
      join(dir, "server.ext"),
      `subjectAltName=DNS:${PROXIED_HOST},DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
    );
    run(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "3", "-sha256", "-extfile", "server.ext", "-out", "server.crt"]);
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

export interface ConnectProxyOptions {
  /** "user:password" the proxy demands (407 without it). */
  credentials?: string;
  /** Refuse every CONNECT with this status. */
  refuseWith?: number;
}

/** An HTTP proxy that only tunnels (CONNECT), like a corporate proxy for HTTPS. */
export class ConnectProxy {
  /** "host:port" of every tunnel opened. */
  readonly tunnels: string[] = [];
  /** Requests that were not CONNECT (a client sending an https request in clear to the proxy). */
  readonly plainRequests: string[] = [];
  /** The Proxy-Authorization header of each CONNECT. */
  readonly authorizations: Array<string | undefined> = [];
  url = "";
  private readonly server = http.createServer();
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: ConnectProxyOptions = {}) {}

  async start(): Promise<this> {
    this.server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.plainRequests.push(`${req.method} ${req.url}`);
      res.writeHead(502, { "Content-Type": "text/plain" });
      res.end("This proxy only tunnels (CONNECT).");
    });
    this.server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => this.tunnel(req, client, head));
    this.server.on("connection", (socket: net.Socket) => this.track(socket));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  reset(): void {
    this.tunnels.length = 0;
    this.plainRequests.length = 0;
    this.authorizations.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  private tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    const target = req.url ?? "";
    this.authorizations.push(req.headers["proxy-authorization"]);
    client.on("error", () => undefined);
    const expected = this.options.credentials ? `Basic ${Buffer.from(this.options.credentials).toString("base64")}` : undefined;
    if (expected && req.headers["proxy-authorization"] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.options.refuseWith) {
      client.end(`HTTP/1.1 ${this.options.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const port = Number(target.slice(target.lastIndexOf(":") + 1));
    this.tunnels.push(target);
    const upstream = net.connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.track(upstream);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  }
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
    this.set(Object.fromEntries(names.flatMap((n) => [[n, undefined], [n.toLowerCase(), undefined]])));
  }

  restore(): void {
    for (const [name, value] of this.saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.saved.clear();
  }
}
