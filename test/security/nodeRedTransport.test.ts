/**
 * In a real Node-RED runtime (test helper): what a Catch node receives after every transport failure holds no secret
 * (the whole message is searched), and the config node takes the http proxy node chosen in its dialog, for the
 * deployed connection and for Test connection alike.
 */
import assert from "node:assert/strict";
import { SEED } from "../../src/simulator";
import type { FlaConfigNode } from "../../src/nodes/shared/types";
import {
  Outputs,
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  pfxCredentials,
  wiredFlow,
  type FlowNode,
} from "../nodes/fixture";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { ConnectProxy } from "../support/connectProxy";
import {
  DEMO_TRAINING as training,
  EnvironmentVariables,
  PROXIED_HOST,
  closedPort,
  getPrivateCa,
} from "../core/transportSupport";
import { exposedText, leaksIn } from "./secretSearch";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const httpProxyNode = require("@node-red/nodes/core/network/06-httpproxy.js");

const PROXY_USER = "corp-user";
const PROXY_PASSWORD = "Corp-proxy-Secret-7";

describe("security: transport failures in a real Node-RED runtime", function () {
  this.timeout(30_000);
  let certs: TestCertificates;
  let sim: TestSimulator;
  let tlsSim: TestSimulator;
  let proxy: ConnectProxy;
  const env = new EnvironmentVariables();

  before(async () => {
    env.clearProxies();
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.pfx.openSslDefault.certificatePem);
    const ca = getPrivateCa();
    tlsSim = await startTestSimulator(certs.pfx.openSslDefault.certificatePem, {}, {
      https: { key: ca.serverKeyPem, cert: ca.serverCertPem },
    } as never);
    proxy = await new ConnectProxy({ credentials: `${PROXY_USER}:${PROXY_PASSWORD}` }).start();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await Promise.all([sim.stop(), tlsSim.stop(), proxy.stop()]);
    env.restore();
  });
  afterEach(async () => {
    await helper.unload();
    sim.faults.clear();
    proxy.reset();
  });

  async function declareThrough(
    config: FlowNode,
    extra: FlowNode[] = [],
    credentials: Record<string, Record<string, string>> = {},
  ): Promise<Outputs> {
    const flow = [
      ...wiredFlow(config, {
        id: "declare",
        type: "fla-declare",
        operation: "createTraining",
        waitForResult: true,
        pollTimeout: 5,
      }),
      ...extra,
    ];
    await load([configNode, declareNode, catchNode, httpProxyNode], flow, {
      cfg: pfxCredentials(certs),
      ...credentials,
    });
    const out = new Outputs("declare");
    helper.getNode("declare").receive({ payload: structuredClone(training) });
    await out.waitFor(1);
    return out;
  }

  describe("the whole message a Catch node receives", () => {
    const failures: Array<[string, () => Promise<{ apiUrl: string; timeout?: number }>, string]> = [
      [
        "connection refused",
        async () => ({ apiUrl: `http://127.0.0.1:${await closedPort()}/REST/federalLearningAccount/v1` }),
        "FLA_NETWORK",
      ],
      [
        "connection reset after the request",
        async () => (sim.faults.add({ route: "POST /trainings", kind: "reset" }), { apiUrl: sim.apiUrl }),
        "FLA_UNCERTAIN",
      ],
      [
        "no answer in time",
        async () => (sim.faults.add({ route: "POST /trainings", kind: "hang" }), { apiUrl: sim.apiUrl, timeout: 1 }),
        "FLA_UNCERTAIN",
      ],
      [
        "a 502 after the request",
        async () => (sim.faults.add({ route: "POST /trainings", kind: "status", status: 502 }), { apiUrl: sim.apiUrl }),
        "FLA_UNCERTAIN",
      ],
      ["an untrusted certificate", async () => ({ apiUrl: tlsSim.apiUrl }), "FLA_NETWORK"],
    ];
    for (const [what, arrange, code] of failures) {
      it(`${what}: ${code}, no token, no assertion, no passphrase, the SSIN only in msg.payload`, async () => {
        const { apiUrl, timeout } = await arrange();
        // The outbox tries a declaration again while the platform seems down (a refused connection is an
        // outage); one attempt brings the error to the Catch node at once, which is what this test looks at.
        const out = await declareThrough(
          configFlowNode(sim, { apiUrl, maxAttempts: 1, ...(timeout ? { timeout } : {}) }),
        );
        assert.equal(out.errors.length, 1, JSON.stringify(out.success.concat(out.anomaly)));
        const msg = out.errors[0];
        assert.equal(msg.error?.code, code, msg.error?.message);
        const token = await (helper.getNode("cfg") as unknown as FlaConfigNode).connection.getAccessToken();
        const secrets = { token, passphrase: certs.pfx.openSslDefault.password, ssin: SEED.demoWorker };
        const { payload, ...rest } = msg;
        assert.deepEqual((payload as typeof training).worker, training.worker, "the flow keeps its own payload");
        const leaks = leaksIn(exposedText(rest), secrets).concat(
          leaksIn(exposedText(payload), { ...secrets, ssin: "no SSIN check in the payload" }),
        );
        assert.deepEqual(leaks, [], `${what}: ${leaks.join(", ")}\n${exposedText(rest).slice(0, 3000)}`);
      });
    }
  });

  describe("the http proxy node chosen on the config node", () => {
    const proxyNode: FlowNode = { id: "corp-proxy", type: "http proxy", name: "corporate", url: "", noproxy: [] };
    const proxiedConfig = (): FlowNode => {
      const base = `https://${PROXIED_HOST}:${tlsSim.port}`;
      return configFlowNode(tlsSim, {
        tokenUrl: `${base}/REST/oauth/v5/token`,
        audience: `${base}/REST/oauth/v5/token`,
        apiUrl: `${base}/REST/federalLearningAccount/v1`,
        proxy: "corp-proxy",
      });
    };

    it("carries the token request with the proxy's credentials; without trust in the CA the failure says NODE_EXTRA_CA_CERTS", async () => {
      const out = await declareThrough(proxiedConfig(), [{ ...proxyNode, url: proxy.url }], {
        "corp-proxy": { username: PROXY_USER, password: PROXY_PASSWORD },
      });
      assert.ok(proxy.tunnels.length >= 1, "a CONNECT tunnel to fla-sim.test was opened with the right credentials");
      assert.ok(proxy.tunnels.every((target) => target === `${PROXIED_HOST}:${tlsSim.port}`));
      const msg = out.errors[0];
      assert.equal(msg.error?.code, "FLA_NETWORK");
      assert.match(String(msg.error?.message), /certificate is not trusted.*NODE_EXTRA_CA_CERTS=/);
      assert.doesNotMatch(exposedText(msg), new RegExp(`${PROXY_PASSWORD}|${PROXY_USER}`));
    });

    it("Test connection takes the same proxy, and ignores network settings sent by the caller", async () => {
      await load([configNode, httpProxyNode], [{ ...proxyNode, url: proxy.url }], {
        "corp-proxy": { username: PROXY_USER, password: PROXY_PASSWORD },
      });
      const body = { ...proxiedConfig(), credentials: pfxCredentials(certs), network: { ca: [getPrivateCa().caPem] } };
      const res = await helper.request().post("/fla-config/test-connection").send(body).expect(200);
      assert.equal(res.body.ok, false, JSON.stringify(res.body));
      assert.equal(res.body.code, "FLA_NETWORK");
      assert.match(res.body.message, /NODE_EXTRA_CA_CERTS=/);
      assert.equal(proxy.tunnels.length, 1);
      assert.equal(
        proxy.authorizations[0],
        `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64")}`,
      );
      assert.doesNotMatch(JSON.stringify(res.body), new RegExp(PROXY_PASSWORD));
    });

    it("a wrong proxy password: FLA_NETWORK naming the 407, without the password", async () => {
      const out = await declareThrough(proxiedConfig(), [{ ...proxyNode, url: proxy.url }], {
        "corp-proxy": { username: PROXY_USER, password: "not-the-Password-1" },
      });
      const msg = out.errors[0];
      assert.equal(msg.error?.code, "FLA_NETWORK");
      assert.match(String(msg.error?.message), /407/);
      assert.doesNotMatch(exposedText(msg), /not-the-Password-1/);
      assert.equal(proxy.tunnels.length, 0);
    });

    it("a chosen proxy that is not deployed is a configuration problem, not a silent direct connection", async () => {
      await load([configNode], [proxiedConfig()], { cfg: pfxCredentials(certs) });
      const problem = (helper.getNode("cfg") as unknown as FlaConfigNode).connection.problem;
      assert.equal(problem?.code, "FLA_CONFIG");
      assert.match(String(problem?.message), /proxy/);
    });
  });
});
