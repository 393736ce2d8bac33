/**
 * No secret and no personal data in any error: every failure class of the API client and of the token client, made for
 * real (refused port, unknown host, reset, hang, untrusted certificate, 5xx, token endpoint failures), with the error
 * serialised whole (JSON and util.inspect with hidden properties, the whole cause chain) and searched.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { TokenCache } from "../../src/core/auth/tokenCache";
import { loadCertificate } from "../../src/core/certificate";
import { resolveSettings } from "../../src/core/settings";
import { SEED } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { rejectionOf } from "../core/apiTestServer";
import { DEMO_TRAINING as TRAINING, EnvironmentVariables, closedPort, getPrivateCa } from "../core/transportSupport";
import { exposedText, leaksIn } from "./secretSearch";
import { buildRequest } from "../../src/core/api/catalogue";

const SSIN = SEED.demoWorker;

/** A token endpoint that records each form body (the assertion) and answers as told. */
class RecordingTokenEndpoint {
  readonly bodies: string[] = [];
  url = "";
  answer: (res: http.ServerResponse, req: http.IncomingMessage) => void = (res) => res.end();
  private readonly server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      this.bodies.push(body);
      this.answer(res, req);
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/REST/oauth/v5/token`;
    return this;
  }

  get lastAssertion(): string | undefined {
    const body = this.bodies[this.bodies.length - 1];
    return body ? (new URLSearchParams(body).get("client_assertion") ?? undefined) : undefined;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe("security: no secret and no personal data in any error", function () {
  this.timeout(30_000);
  let certs: TestCertificates;
  let sim: TestSimulator;
  let tlsSim: TestSimulator;
  let tokenEndpoint: RecordingTokenEndpoint;
  const env = new EnvironmentVariables();
  const clients: FlaApiClient[] = [];

  before(async () => {
    env.clearProxies();
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.pfx.openSslDefault.certificatePem);
    const ca = getPrivateCa();
    tlsSim = await startTestSimulator(certs.pfx.openSslDefault.certificatePem, {}, {
      https: { key: ca.serverKeyPem, cert: ca.serverCertPem },
    } as never);
    tokenEndpoint = await new RecordingTokenEndpoint().start();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await Promise.all([sim.stop(), tlsSim.stop(), tokenEndpoint.stop()]);
    env.restore();
  });
  afterEach(() => sim.faults.clear());

  function open(
    urls: { tokenUrl: string; apiUrl: string },
    timeoutSeconds = 2,
  ): { client: FlaApiClient; tokens: TokenCache } {
    const settings = resolveSettings({
      environment: "custom",
      tokenUrl: urls.tokenUrl,
      apiUrl: urls.apiUrl,
      clientId: sim.client.clientId,
      role: "employer",
      enterpriseNumber: sim.client.enterpriseNumber,
      timeout: timeoutSeconds,
    });
    const certificate = loadCertificate({
      format: "pfx",
      pfx: certs.pfx.openSslDefault.base64,
      passphrase: certs.pfx.openSslDefault.password,
    });
    const tokens = new TokenCache({ settings, certificate });
    const client = new FlaApiClient({
      apiUrl: settings.apiUrl,
      tokens,
      timeoutMs: settings.timeoutMs,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    clients.push(client);
    return { client, tokens };
  }

  async function expectClean(
    what: string,
    failing: (client: FlaApiClient) => Promise<unknown>,
    urls: { tokenUrl: string; apiUrl: string },
    expectedCode: string,
    timeoutSeconds?: number,
  ): Promise<void> {
    const { client, tokens } = open(urls, timeoutSeconds);
    const error = await rejectionOf(failing(client));
    assert.equal(error.code, expectedCode, `${what}: ${error.code} ${error.message}`);
    const token = urls.tokenUrl === sim.tokenUrl ? await tokens.getAccessToken() : undefined;
    if (urls.tokenUrl === sim.tokenUrl) assert.ok(token && token.length > 20);
    const leaks = leaksIn(exposedText(error), {
      token,
      assertion: tokenEndpoint.lastAssertion,
      passphrase: certs.pfx.openSslDefault.password,
      ssin: SSIN,
    });
    assert.deepEqual(
      leaks,
      [],
      `${what} (${error.code}) exposes: ${leaks.join(", ")}\n${exposedText(error).slice(0, 3000)}`,
    );
  }

  const declare = (client: FlaApiClient) => client.send(buildRequest("createTraining", {}, TRAINING));
  const list = (client: FlaApiClient) =>
    client.send(buildRequest("trainings", { enterpriseNumber: SEED.demoEmployer, ssin: SSIN }));

  it("connection refused (FLA_NETWORK): no token, no SSIN in the URL or the body", async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/REST/federalLearningAccount/v1`;
    await expectClean("refused POST", declare, { tokenUrl: sim.tokenUrl, apiUrl }, "FLA_NETWORK");
    await expectClean("refused GET", list, { tokenUrl: sim.tokenUrl, apiUrl }, "FLA_NETWORK");
  });

  it("unknown host (DNS, FLA_NETWORK)", async () => {
    await expectClean(
      "DNS",
      declare,
      { tokenUrl: sim.tokenUrl, apiUrl: "https://fla-api.invalid/REST/federalLearningAccount/v1" },
      "FLA_NETWORK",
    );
  });

  it("connection reset: FLA_NETWORK for a read, FLA_UNCERTAIN for a declaration", async () => {
    sim.faults.add({ route: "*", kind: "reset" });
    await expectClean("reset GET", list, sim, "FLA_NETWORK");
    await expectClean("reset POST", declare, sim, "FLA_UNCERTAIN");
  });

  it("no answer in time: FLA_TIMEOUT for a read, FLA_UNCERTAIN for a declaration", async () => {
    sim.faults.add({ route: "*", kind: "hang" });
    await expectClean("hang GET", list, sim, "FLA_TIMEOUT", 0.3);
    await expectClean("hang POST", declare, sim, "FLA_UNCERTAIN", 0.3);
  });

  it("5xx: FLA_HTTP for a read, FLA_UNCERTAIN for a declaration", async () => {
    sim.faults.add({ route: "*", kind: "status", status: 500 });
    await expectClean("500 GET", list, sim, "FLA_HTTP");
    await expectClean("500 POST", declare, sim, "FLA_UNCERTAIN");
  });

  it("a certificate the client does not trust (FLA_NETWORK)", async () => {
    await expectClean("TLS POST", declare, { tokenUrl: sim.tokenUrl, apiUrl: tlsSim.apiUrl }, "FLA_NETWORK");
  });

  describe("token endpoint failures (the assertion and the form body stay out)", () => {
    const cases: Array<[string, (res: http.ServerResponse, req: http.IncomingMessage) => void, string]> = [
      [
        "500 with the assertion echoed in an HTML page",
        (res) => res.writeHead(500, { "Content-Type": "text/html" }).end(`<html>${tokenEndpoint.bodies.at(-1)}</html>`),
        "FLA_HTTP",
      ],
      [
        "400 invalid_client echoing the assertion",
        (res) =>
          res
            .writeHead(400, { "Content-Type": "application/json" })
            .end(JSON.stringify({ error: "invalid_client", error_description: `bad ${tokenEndpoint.lastAssertion}` })),
        "FLA_AUTH",
      ],
      ["a reset after the body", (_res, req) => req.socket.destroy(), "FLA_NETWORK"],
      ["no answer (timeout)", () => undefined, "FLA_TIMEOUT"],
    ];
    for (const [what, answer, code] of cases) {
      it(what, async () => {
        tokenEndpoint.answer = answer;
        await expectClean(`token ${what}`, declare, { tokenUrl: tokenEndpoint.url, apiUrl: sim.apiUrl }, code, 0.5);
        assert.ok(tokenEndpoint.lastAssertion, "the token endpoint received an assertion");
      });
    }

    it("refused, and an untrusted certificate", async () => {
      await expectClean(
        "token refused",
        declare,
        { tokenUrl: `http://127.0.0.1:${await closedPort()}/token`, apiUrl: sim.apiUrl },
        "FLA_NETWORK",
      );
      await expectClean("token TLS", declare, { tokenUrl: tlsSim.tokenUrl, apiUrl: sim.apiUrl }, "FLA_NETWORK");
    });
  });
});
