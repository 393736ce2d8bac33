/**
 * The token endpoint is never hammered: 200 messages through the real FlaApiClient, its request limiter and the
 * config node's TokenCache (composed as the fla-config node composes them), against the simulator's token endpoint
 * with fault plans, or a small HTTP server on 127.0.0.1 for answers the simulator cannot give (a proxy's HTML page,
 * unauthorized_client, expires_in 0). The assertions count token requests and API requests, never times. Where a
 * window of several seconds matters, the cache's clock is injected and moved by hand.
 */
import { strict as assert } from "node:assert";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { TokenCache } from "../../src/core/auth/tokenCache";
import { loadCertificate, type LoadedCertificate } from "../../src/core/certificate";
import { DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_QUEUE } from "../../src/core/connection";
import { FlaError } from "../../src/core/errors";
import { RequestLimiter } from "../../src/core/limiter";
import { resolveSettings, type Role } from "../../src/core/settings";
import { startSimulator, type Simulator } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { ScriptedServer, json, raw } from "./apiTestServer";
import { buildRequest } from "../../src/core/api/catalogue";

const CLIENT_ID = "self_service_expeditor_10";
const ENTERPRISE = "0203430576";
const MESSAGES = 200;

interface Platform {
  client: FlaApiClient;
  tokens: TokenCache;
  limiter: RequestLimiter;
}

interface Burst {
  ok: number;
  errors: FlaError[];
}

/** The token URL of a ScriptedServer (it answers every path alike). */
function tokenUrlOf(server: ScriptedServer): string {
  return server.url.replace(/\/REST\/.*$/, "/REST/oauth/v5/token");
}

describe("the token endpoint is never hammered (200 messages, one config node)", function () {
  this.timeout(60_000);
  let certs: TestCertificates;
  let certificate: LoadedCertificate;
  let sim: Simulator;
  const platforms: Platform[] = [];
  const servers: ScriptedServer[] = [];

  /** The clock of the token cache, moved by hand where a window of seconds matters. */
  let now = Date.now();
  const frozenClock = (): number => now;

  before(async () => {
    certs = await getTestCertificates();
    certificate = loadCertificate({
      format: "pem",
      certificate: certs.client.certificatePem,
      privateKey: certs.client.privateKeyPem,
    });
    sim = await startSimulator({ port: 0, host: "127.0.0.1", seed: false });
  });

  beforeEach(() => {
    now = Date.now();
    sim.registerClient({
      clientId: CLIENT_ID,
      certificatePem: certs.client.certificatePem,
      role: "employer",
      enterpriseNumber: ENTERPRISE,
    });
  });

  afterEach(async () => {
    sim.faults.clear();
    for (const platform of platforms.splice(0)) {
      platform.limiter.close();
      platform.client.destroy();
    }
    for (const server of servers.splice(0)) await server.stop();
  });

  after(async () => {
    await sim?.stop();
  });

  /** The fla-config composition: one token cache, one limiter (4 at once), one API client with the default retry policy. */
  function platform(
    options: {
      tokenUrl?: string;
      apiUrl?: string;
      clientId?: string;
      role?: Role;
      timeoutSeconds?: number;
      clock?: () => number;
    } = {},
  ): Platform {
    const settings = resolveSettings({
      environment: "custom",
      tokenUrl: options.tokenUrl ?? sim.tokenUrl,
      apiUrl: options.apiUrl ?? sim.apiUrl,
      clientId: options.clientId ?? CLIENT_ID,
      role: options.role ?? "employer",
      timeout: options.timeoutSeconds ?? 10,
    });
    const tokens = new TokenCache({ settings, certificate, clock: options.clock });
    const limiter = new RequestLimiter({ maxConcurrent: DEFAULT_MAX_CONCURRENT, maxQueue: DEFAULT_MAX_QUEUE });
    const client = new FlaApiClient({ apiUrl: settings.apiUrl, tokens, timeoutMs: settings.timeoutMs, limiter });
    const made = { client, tokens, limiter };
    platforms.push(made);
    return made;
  }

  async function scripted(): Promise<ScriptedServer> {
    const server = await new ScriptedServer().start();
    servers.push(server);
    return server;
  }

  /** `count` messages at once, each one read of a training (a 404 is an answer too). */
  async function burst(client: FlaApiClient, count = MESSAGES): Promise<Burst> {
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        client.send(buildRequest("training", { trainingId: `T-${String(i).padStart(6, "0")}` })),
      ),
    );
    const errors: FlaError[] = [];
    let ok = 0;
    for (const result of results) {
      if (result.status === "fulfilled") ok++;
      else {
        assert.ok(result.reason instanceof FlaError, `not a FlaError: ${String(result.reason)}`);
        errors.push(result.reason);
      }
    }
    return { ok, errors };
  }

  function counts(): { token: number; api: number } {
    return { token: sim.stats.tokenRequests, api: sim.stats.requests };
  }

  function since(before: { token: number; api: number }): { token: number; api: number } {
    const after = counts();
    return { token: after.token - before.token, api: after.api - before.api };
  }

  function allSame(errors: FlaError[], code: string, reason?: string): void {
    assert.ok(
      errors.every((e) => e.code === code),
      `codes: ${[...new Set(errors.map((e) => e.code))].join(", ")}`,
    );
    if (reason !== undefined)
      assert.ok(
        errors.every((e) => e.reason === reason),
        `reasons: ${[...new Set(errors.map((e) => e.reason))].join(", ")}`,
      );
    assert.equal(new Set(errors.map((e) => e.message)).size, 1, "every message gets the same error");
  }

  describe("a failing token endpoint backs off for the whole config node", () => {
    it("a proxy's 502 HTML page: at most 3 token requests for 200 messages, no API call", async () => {
      const proxy = await scripted();
      proxy.otherwise(
        raw(
          502,
          "<html><body><h1>502 Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>",
          "text/html",
        ),
      );
      const before = counts();
      const { client } = platform({ tokenUrl: tokenUrlOf(proxy) });
      const { ok, errors } = await burst(client);
      assert.equal(ok, 0);
      allSame(errors, "FLA_HTTP", "HTTP_502");
      assert.ok(proxy.seen.length <= 3, `${proxy.seen.length} token requests for ${MESSAGES} messages`);
      assert.equal(since(before).api, 0);
    });

    it("honours Retry-After of the token endpoint's 503 for every message, then uses the recovered endpoint", async () => {
      sim.faults.add({ route: "token", kind: "status", status: 503, retryAfter: 30 });
      const before = counts();
      const { client, tokens } = platform({ clock: frozenClock });
      const first = await burst(client);
      assert.equal(first.ok, 0);
      allSame(first.errors, "FLA_HTTP");
      assert.equal(since(before).token, 1, "one token request for the whole burst");

      now += 29_000;
      const waiting = await burst(client, 20);
      assert.equal(waiting.ok, 0);
      assert.equal(since(before).token, 1, "none before Retry-After has passed");

      sim.faults.clear();
      now += 1_500;
      const recovered = await burst(client);
      assert.equal(recovered.ok, MESSAGES);
      assert.equal(since(before).token, 2);
      assert.equal(tokens.stats.tokenRequests, 2);
      assert.equal(since(before).api, MESSAGES);
    });

    it("a hanging token endpoint costs one timeout for all waiting messages", async () => {
      sim.faults.add({ route: "token", kind: "hang" });
      const before = counts();
      const { client } = platform({ timeoutSeconds: 0.3, clock: frozenClock });
      const { ok, errors } = await burst(client);
      assert.equal(ok, 0);
      allSame(errors, "FLA_TIMEOUT");
      assert.equal(since(before).token, 1, "one shared token request, not three per message");
      assert.equal(since(before).api, 0);
    });

    it("keeps working through a passing failure: one 503 on the token endpoint, 200 messages answered, 2 token requests", async () => {
      sim.faults.add({ route: "token", kind: "status", status: 503, times: 1 });
      const before = counts();
      const { client } = platform();
      const { ok, errors } = await burst(client);
      assert.deepEqual(errors, []);
      assert.equal(ok, MESSAGES);
      assert.equal(since(before).token, 2);
    });
  });

  describe("a refusal is remembered for 10 s", () => {
    it("invalid_client: one token request for 200 messages, one per 10 s after that; a fixed client is used when the window ends", async () => {
      const before = counts();
      const { client } = platform({ clientId: "self_service_unknown_7", clock: frozenClock });
      const first = await burst(client);
      assert.equal(first.ok, 0);
      allSame(first.errors, "FLA_AUTH", "invalid_client");
      assert.equal(since(before).token, 1);

      now += 9_900;
      const inWindow = await burst(client);
      allSame([...first.errors, ...inWindow.errors], "FLA_AUTH", "invalid_client");
      assert.equal(since(before).token, 1, "still remembered");

      now += 200;
      const next = await burst(client);
      assert.equal(next.ok, 0);
      assert.equal(since(before).token, 2, "one more after 10 s");

      sim.registerClient({
        clientId: "self_service_unknown_7",
        certificatePem: certs.client.certificatePem,
        role: "employer",
        enterpriseNumber: ENTERPRISE,
      });
      now += 10_100;
      const fixed = await burst(client);
      assert.equal(fixed.ok, MESSAGES);
      assert.equal(since(before).token, 3);
      assert.equal(since(before).api, MESSAGES);
    });

    it("invalid_scope: one token request for 200 messages", async () => {
      sim.registerClient({
        clientId: CLIENT_ID,
        certificatePem: certs.client.certificatePem,
        role: "provider",
        enterpriseNumber: ENTERPRISE,
      });
      const before = counts();
      const { client } = platform({ clock: frozenClock });
      const { ok, errors } = await burst(client);
      assert.equal(ok, 0);
      allSame(errors, "FLA_AUTH", "invalid_scope");
      assert.equal(since(before).token, 1);
    });

    for (const refusal of ["unauthorized_client", "invalid_grant"]) {
      it(`${refusal}: one token request for 200 messages`, async () => {
        const endpoint = await scripted();
        endpoint.otherwise(json(400, { error: refusal, error_description: "refused by the test" }));
        const { client } = platform({ tokenUrl: tokenUrlOf(endpoint), clock: frozenClock });
        const { ok, errors } = await burst(client);
        assert.equal(ok, 0);
        allSame(errors, "FLA_AUTH", refusal);
        assert.equal(endpoint.seen.length, 1);
      });
    }
  });

  describe("the API refuses fresh tokens", () => {
    it("a permanent 401: every message ends with FLA_AUTH, at most 2 token requests and 8 API calls for 200 messages", async () => {
      sim.faults.add({ route: "*", kind: "status", status: 401 });
      const before = counts();
      const { client } = platform({ clock: frozenClock });
      const { ok, errors } = await burst(client);
      assert.equal(ok, 0);
      allSame(errors, "FLA_AUTH");
      const used = since(before);
      assert.ok(used.token <= 2, `${used.token} token requests`);
      assert.ok(used.api <= 2 * DEFAULT_MAX_CONCURRENT, `${used.api} API calls`);

      sim.faults.clear();
      now += 10_100;
      const recovered = await burst(client);
      assert.equal(recovered.ok, MESSAGES);
      assert.ok(since(before).token <= 3);
    });
  });

  describe("the lifetime the token endpoint announces", () => {
    for (const expiresIn of [0, 1, -5, "soon"]) {
      it(`expires_in ${JSON.stringify(expiresIn)}: one token for 200 messages`, async () => {
        const endpoint = await scripted();
        endpoint.otherwise(json(200, { access_token: "opaque-token", token_type: "Bearer", expires_in: expiresIn }));
        const api = await scripted();
        api.otherwise(json(200, { trainingId: "T-000001" }));
        const { client } = platform({ tokenUrl: tokenUrlOf(endpoint), apiUrl: api.url });
        const { ok } = await burst(client);
        assert.equal(ok, MESSAGES);
        assert.equal(endpoint.seen.length, 1);
        assert.equal(api.seen.length, MESSAGES);
      });
    }
  });
});
