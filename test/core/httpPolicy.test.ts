/**
 * One HTTP policy for the token and the API calls: HTTPS_PROXY/NO_PROXY (through CONNECT), the proxy of the config node,
 * keep-alive, TLS verification always on, and failures named by what happened. A real CONNECT proxy and an HTTPS
 * simulator with its own CA, on 127.0.0.1; `fla-sim.test` resolves only through the proxy.
 */
import assert from "node:assert/strict";
import net, { type AddressInfo } from "node:net";
import { attemptsOf } from "../../src/core/api/httpClient";
import { testConnection } from "../../src/core/auth/tokenCache";
import { loadCertificate } from "../../src/core/certificate";
import { FlaConnection, type ConnectionConfig } from "../../src/core/connection";
import { resolveSettings } from "../../src/core/settings";
import { SEED } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { rejectionOf } from "./apiTestServer";
import { ConnectProxy } from "../support/connectProxy";
import {
  DEMO_TRAINING as TRAINING,
  EnvironmentVariables,
  PROXIED_HOST,
  closedPort,
  getPrivateCa,
  type PrivateCa,
} from "./transportSupport";
import { buildRequest } from "../../src/core/api/catalogue";

const PROXY_USER = "fla-proxy-user";
const PROXY_PASSWORD = "pr0xy:p@ss%word";

interface Urls {
  tokenUrl: string;
  apiUrl: string;
}

describe("core/http one policy for token and API calls (CONNECT proxy, HTTPS simulator with its own CA)", function () {
  this.timeout(20_000);
  let certs: TestCertificates;
  let ca: PrivateCa;
  let tlsSim: TestSimulator;
  let plainSim: TestSimulator;
  let proxy: ConnectProxy;
  let authProxy: ConnectProxy;
  const env = new EnvironmentVariables();
  const opened: FlaConnection[] = [];

  /** The simulator by a name only the proxy resolves. */
  let proxied: Urls;
  /** The same simulator by its loopback address (never proxied). */
  let loopback: Urls;

  before(async () => {
    certs = await getTestCertificates();
    ca = getPrivateCa();
    tlsSim = await startTestSimulator(certs.client.certificatePem, {}, {
      https: { key: ca.serverKeyPem, cert: ca.serverCertPem },
    } as never);
    plainSim = await startTestSimulator(certs.client.certificatePem);
    proxy = await new ConnectProxy().start();
    authProxy = await new ConnectProxy({ credentials: `${PROXY_USER}:${PROXY_PASSWORD}` }).start();
    const base = `https://${PROXIED_HOST}:${tlsSim.port}`;
    proxied = { tokenUrl: `${base}/REST/oauth/v5/token`, apiUrl: `${base}/REST/federalLearningAccount/v1` };
    loopback = { tokenUrl: tlsSim.tokenUrl, apiUrl: tlsSim.apiUrl };
  });
  after(async () => {
    await Promise.all([tlsSim.stop(), plainSim.stop(), proxy.stop(), authProxy.stop()]);
  });
  beforeEach(() => {
    env.clearProxies();
    proxy.reset();
    authProxy.reset();
    tlsSim.faults.clear();
  });
  afterEach(async () => {
    env.restore();
    await Promise.all(opened.splice(0).map((connection) => connection.close()));
  });

  /** A connection as the config node makes it; `network` is what the adapter resolves (trust, proxy node). */
  function open(urls: Urls, network: Record<string, unknown> = { ca: [ca.caPem] }): FlaConnection {
    const config = {
      environment: "custom",
      tokenUrl: urls.tokenUrl,
      apiUrl: urls.apiUrl,
      clientId: tlsSim.client.clientId,
      role: "employer",
      enterpriseNumber: tlsSim.client.enterpriseNumber,
      certificateFormat: "pem",
      timeout: 5,
      network,
    } as ConnectionConfig;
    const connection = FlaConnection.open(config, {
      certificate: certs.client.certificatePem,
      privateKey: certs.client.privateKeyPem,
    });
    assert.equal(connection.problem, undefined, connection.problem?.message);
    opened.push(connection);
    return connection;
  }

  const list = (connection: FlaConnection) =>
    connection.requireClient().send(buildRequest("trainings", { enterpriseNumber: SEED.demoEmployer }));
  const declare = (connection: FlaConnection) =>
    connection.requireClient().send(buildRequest("createTraining", {}, TRAINING));

  describe("the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)", () => {
    for (const name of ["HTTPS_PROXY", "https_proxy"]) {
      it(`${name}: the token request and the API call both go through the proxy, in a CONNECT tunnel`, async () => {
        env.set({ [name]: proxy.url });
        const tokensBefore = tlsSim.stats.tokenRequests;
        const requestsBefore = tlsSim.stats.requests;
        const response = await list(open(proxied));
        assert.equal(response.httpStatus, 200);
        // fla-sim.test resolves only in the proxy: both calls went through it.
        assert.equal(tlsSim.stats.tokenRequests - tokensBefore, 1);
        assert.equal(tlsSim.stats.requests - requestsBefore, 1);
        assert.ok(proxy.tunnels.length >= 1);
        assert.ok(
          proxy.tunnels.every((target) => target === `${PROXIED_HOST}:${tlsSim.port}`),
          proxy.tunnels.join(),
        );
        assert.deepEqual(proxy.plainRequests, [], "nothing is sent in clear to the proxy");
      });
    }

    it("keeps the tunnel alive: ten calls, one connection", async () => {
      env.set({ HTTPS_PROXY: proxy.url });
      const connection = open(proxied);
      for (let i = 0; i < 10; i++) assert.equal((await list(connection)).httpStatus, 200);
      assert.equal(proxy.tunnels.length, 1, proxy.tunnels.join());
    });

    it("Test connection goes through the same proxy", async () => {
      env.set({ HTTPS_PROXY: proxy.url });
      const settings = resolveSettings({
        environment: "custom",
        ...proxied,
        clientId: tlsSim.client.clientId,
        role: "employer",
        network: { ca: [ca.caPem] },
      });
      const certificate = loadCertificate({
        format: "pem",
        certificate: certs.client.certificatePem,
        privateKey: certs.client.privateKeyPem,
      });
      const answer = await testConnection(settings, certificate);
      assert.ok(answer.expiresIn > 0);
      assert.equal(proxy.tunnels.length, 1);
    });

    it("NO_PROXY bypasses the proxy for the hosts it names (then fla-sim.test is unknown: FLA_NETWORK, nothing sent)", async () => {
      for (const noProxy of [PROXIED_HOST, ".test", `*.test`, `${PROXIED_HOST}:${tlsSim.port}`]) {
        env.set({ HTTPS_PROXY: proxy.url, NO_PROXY: noProxy });
        const error = await rejectionOf(declare(open(proxied)));
        assert.equal(error.code, "FLA_NETWORK", `${noProxy}: ${error.message}`);
        assert.match(String(error.reason), /ENOTFOUND|EAI_AGAIN/);
        assert.equal(proxy.tunnels.length, 0, noProxy);
      }
      env.set({ HTTPS_PROXY: proxy.url, NO_PROXY: "example.org,.other.test" });
      assert.equal((await list(open(proxied))).httpStatus, 200);
      assert.ok(proxy.tunnels.length >= 1);
    });

    it("never sends a loopback call to a proxy (plain http to the local simulator stays on this machine)", async () => {
      env.set({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
      assert.equal((await list(open(loopback))).httpStatus, 200);
      assert.equal((await list(open({ tokenUrl: plainSim.tokenUrl, apiUrl: plainSim.apiUrl }, {}))).httpStatus, 200);
      assert.deepEqual(proxy.tunnels, []);
      assert.deepEqual(proxy.plainRequests, []);
    });
  });

  describe("the proxy chosen on the config node (Node-RED's http proxy node)", () => {
    it("is used instead of the environment, with its user and password", async () => {
      env.set({ HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` });
      const connection = open(proxied, {
        ca: [ca.caPem],
        proxy: { url: authProxy.url, username: PROXY_USER, password: PROXY_PASSWORD },
      });
      assert.equal((await list(connection)).httpStatus, 200);
      assert.ok(authProxy.tunnels.length >= 1);
      assert.equal(
        authProxy.authorizations[0],
        `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64")}`,
      );
    });

    it("honours its no-proxy list", async () => {
      const connection = open(proxied, { ca: [ca.caPem], proxy: { url: proxy.url, noProxy: [PROXIED_HOST] } });
      const error = await rejectionOf(list(connection));
      assert.equal(error.code, "FLA_NETWORK");
      assert.equal(proxy.tunnels.length, 0);
    });

    it("a wrong password: FLA_NETWORK naming the 407, never the password, and a declaration is not uncertain", async () => {
      const connection = open(
        { tokenUrl: loopback.tokenUrl, apiUrl: proxied.apiUrl },
        { ca: [ca.caPem], proxy: { url: authProxy.url, username: PROXY_USER, password: "wrong-Secret-42" } },
      );
      const requestsBefore = tlsSim.stats.requests;
      const error = await rejectionOf(declare(connection));
      assert.equal(error.code, "FLA_NETWORK", error.message);
      assert.match(error.message, /407/);
      assert.match(error.message, /proxy/i);
      assert.doesNotMatch(`${error.message} ${JSON.stringify(error)}`, /wrong-Secret-42|fla-proxy-user/);
      assert.equal(tlsSim.stats.requests, requestsBefore, "nothing reached the API");
      assert.equal(attemptsOf(error), 1, "a refusal of the proxy is not retried");
    });

    it("a proxy that refuses the tunnel, or cannot be reached: FLA_NETWORK, not uncertain", async () => {
      const refusing = await new ConnectProxy({ refuseWith: 403 }).start();
      try {
        const refused = await rejectionOf(
          declare(
            open(
              { tokenUrl: loopback.tokenUrl, apiUrl: proxied.apiUrl },
              { ca: [ca.caPem], proxy: { url: refusing.url } },
            ),
          ),
        );
        assert.equal(refused.code, "FLA_NETWORK", refused.message);
        assert.match(refused.message, /403/);
      } finally {
        await refusing.stop();
      }
      const unreachable = await rejectionOf(
        declare(
          open(
            { tokenUrl: loopback.tokenUrl, apiUrl: proxied.apiUrl },
            { ca: [ca.caPem], proxy: { url: `http://127.0.0.1:${await closedPort()}` } },
          ),
        ),
      );
      assert.equal(unreachable.code, "FLA_NETWORK", unreachable.message);
      assert.match(unreachable.message, /proxy/i);
    });
  });

  describe("TLS verification, always on", () => {
    it("an untrusted certificate on the API: FLA_NETWORK with the NODE_EXTRA_CA_CERTS advice, sent once, never uncertain", async () => {
      const connection = open({ tokenUrl: plainSim.tokenUrl, apiUrl: loopback.apiUrl }, {});
      const error = await rejectionOf(declare(connection));
      assert.equal(error.code, "FLA_NETWORK", error.message);
      assert.match(error.message, /certificate is not trusted/);
      assert.match(error.message, /NODE_EXTRA_CA_CERTS=/);
      assert.equal(attemptsOf(error), 1);
    });

    it("an untrusted certificate on the token endpoint: the same advice", async () => {
      const error = await rejectionOf(list(open(loopback, {})));
      assert.equal(error.code, "FLA_NETWORK", error.message);
      assert.match(error.message, /NODE_EXTRA_CA_CERTS=/);
    });

    it("a connection closed during the TLS handshake: FLA_NETWORK, nothing sent, so a declaration is retried and not uncertain", async () => {
      const closing = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", resolve));
      let accepted = 0;
      closing.on("connection", () => accepted++);
      try {
        const apiUrl = `https://127.0.0.1:${(closing.address() as AddressInfo).port}/REST/federalLearningAccount/v1`;
        const error = await rejectionOf(declare(open({ tokenUrl: plainSim.tokenUrl, apiUrl }, {})));
        assert.equal(error.code, "FLA_NETWORK", error.message);
        assert.equal(error.reason, "ECONNRESET");
        assert.match(error.message, /TLS handshake/);
        assert.equal(attemptsOf(error), 3, "nothing was sent: the creation may be tried again");
        assert.equal(accepted, 3);
      } finally {
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      }
    });

    it("stays on when NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
      env.set({ NODE_TLS_REJECT_UNAUTHORIZED: "0" });
      const error = await rejectionOf(list(open(loopback, {})));
      assert.equal(error.code, "FLA_NETWORK", error.message);
    });

    it("a certificate for another name through the proxy: FLA_NETWORK naming the host", async () => {
      env.set({ HTTPS_PROXY: proxy.url });
      const other = `https://other-name.test:${tlsSim.port}`;
      const error = await rejectionOf(
        list(open({ tokenUrl: `${other}/REST/oauth/v5/token`, apiUrl: `${other}/REST/federalLearningAccount/v1` })),
      );
      assert.equal(error.code, "FLA_NETWORK", error.message);
      assert.match(error.message, /other-name\.test/);
    });
  });
});
