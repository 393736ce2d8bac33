import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import axios from "axios";
import { HttpProxyAgent, HttpsProxyAgent, ProxyConnectError } from "../../src/core/http/proxyAgents";
import { proxyForUrl, shouldProxy } from "../../src/core/http/proxyForUrl";
import { ConnectProxy } from "../support/connectProxy";
import { makeLocalCa } from "../support/localCa";

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("core: proxy agents (CONNECT tunnel) and proxy selection", () => {
  const ca = makeLocalCa();
  const hello = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  };
  let tlsServer: https.Server;
  let plainServer: http.Server;
  let tlsPort: number;
  let plainPort: number;

  before(async () => {
    tlsServer = https.createServer({ cert: ca.serverCertPem, key: ca.serverKeyPem }, hello);
    plainServer = http.createServer(hello);
    tlsPort = await listen(tlsServer);
    plainPort = await listen(plainServer);
  });
  after(async () => {
    tlsServer.closeAllConnections();
    plainServer.closeAllConnections();
    await new Promise((r) => tlsServer.close(r));
    await new Promise((r) => plainServer.close(r));
  });

  it("reaches an https server through the tunnel, checking its certificate against the trusted CA", async () => {
    const proxy = await new ConnectProxy().start();
    try {
      const agent = new HttpsProxyAgent({ proxy: proxy.url, ca: ca.caPem, keepAlive: true });
      const res = await axios.get(`https://127.0.0.1:${tlsPort}/`, { httpsAgent: agent, proxy: false });
      assert.deepEqual(res.data, { ok: true });
      assert.deepEqual(proxy.tunnels, [`127.0.0.1:${tlsPort}`]);
      agent.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it("keeps TLS verification on inside the tunnel: an untrusted server certificate is refused", async () => {
    const proxy = await new ConnectProxy().start();
    try {
      const agent = new HttpsProxyAgent({ proxy: proxy.url });
      await assert.rejects(
        axios.get(`https://127.0.0.1:${tlsPort}/`, { httpsAgent: agent, proxy: false }),
        (err: { code?: string }) => {
          assert.match(String(err.code), /CERT|SELF_SIGNED|UNABLE_TO/);
          return true;
        },
      );
      assert.equal(proxy.tunnels.length, 1);
      agent.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it("reaches a plain http server through the tunnel", async () => {
    const proxy = await new ConnectProxy().start();
    try {
      const agent = new HttpProxyAgent({ proxy: proxy.url });
      const res = await axios.get(`http://127.0.0.1:${plainPort}/`, { httpAgent: agent, proxy: false });
      assert.deepEqual(res.data, { ok: true });
      assert.deepEqual(proxy.tunnels, [`127.0.0.1:${plainPort}`]);
      agent.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it("sends the proxy's credentials, and names a 407 as a missing proxy login without leaking it", async () => {
    const proxy = await new ConnectProxy({ credentials: "alice:s3cret" }).start();
    try {
      const good = new HttpsProxyAgent({ proxy: proxy.url.replace("http://", "http://alice:s3cret@"), ca: ca.caPem });
      const res = await axios.get(`https://127.0.0.1:${tlsPort}/`, { httpsAgent: good, proxy: false });
      assert.equal(res.status, 200);
      const bad = new HttpsProxyAgent({ proxy: proxy.url.replace("http://", "http://alice:wrong@"), ca: ca.caPem });
      await assert.rejects(
        axios.get(`https://127.0.0.1:${tlsPort}/`, { httpsAgent: bad, proxy: false }),
        (err: Error & { cause?: unknown }) => {
          const proxyError = err instanceof ProxyConnectError ? err : (err.cause as ProxyConnectError | undefined);
          assert.ok(proxyError instanceof ProxyConnectError || /407/.test(err.message), err.message);
          assert.doesNotMatch(err.message, /wrong|s3cret/);
          return true;
        },
      );
      good.destroy();
      bad.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it("a proxy that is not listening fails before anything reaches the target", async () => {
    const closed = await new ConnectProxy().start();
    const url = closed.url;
    await closed.stop();
    const agent = new HttpsProxyAgent({ proxy: url, ca: ca.caPem });
    await assert.rejects(
      axios.get(`https://127.0.0.1:${tlsPort}/`, { httpsAgent: agent, proxy: false }),
      (err: { code?: string }) => {
        assert.equal(err.code, "ECONNREFUSED");
        return true;
      },
    );
  });

  it("chooses the proxy from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and honours NO_PROXY", () => {
    const env = {
      HTTPS_PROXY: "http://proxy.corp:3128",
      http_proxy: "proxy.corp:8080",
      NO_PROXY: "localhost,.internal.example, *.svc:8443",
    };
    assert.equal(proxyForUrl("https://services.socialsecurity.be/REST/oauth/v5/token", env), "http://proxy.corp:3128");
    assert.equal(proxyForUrl("http://api.example/x", env), "http://proxy.corp:8080");
    assert.equal(proxyForUrl("http://localhost:3010/x", env), undefined);
    assert.equal(proxyForUrl("https://a.internal.example/x", env), undefined);
    assert.equal(proxyForUrl("https://a.svc:8443/x", env), undefined);
    assert.equal(proxyForUrl("https://a.svc/x", env), "http://proxy.corp:3128");
    assert.equal(proxyForUrl("https://x.example/", { ALL_PROXY: "http://all:1" }), "http://all:1");
    assert.equal(
      proxyForUrl("https://x.example/", { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:1" }),
      "http://lower:1",
    );
    assert.equal(proxyForUrl("https://x.example/", { HTTPS_PROXY: "http://p:1", NO_PROXY: "*" }), undefined);
    assert.equal(proxyForUrl("https://x.example/", {}), undefined);
    assert.equal(proxyForUrl("not a url", env), undefined);
    assert.equal(shouldProxy("[::1]", 443, "[::1]"), false);
  });
});
