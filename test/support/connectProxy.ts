/** A CONNECT-only HTTP proxy on 127.0.0.1, like a corporate proxy for HTTPS: it counts its tunnels and can demand a login. */
import http from "node:http";
import net, { type AddressInfo } from "node:net";

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
    this.server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) =>
      this.tunnel(req, client, head),
    );
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
    const expected = this.options.credentials
      ? `Basic ${Buffer.from(this.options.credentials).toString("base64")}`
      : undefined;
    if (expected && req.headers["proxy-authorization"] !== expected) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
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
