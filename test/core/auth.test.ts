/**
 * Client assertion, token client and token cache against the local simulator's OAuth v5 token endpoint: real HTTP on
 * 127.0.0.1, assertions verified with the registered certificate, faults injected by the simulator.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { loadJose } from "../../src/core/auth/jose";
import { signClientAssertion } from "../../src/core/auth/clientAssertion";
import { requestToken } from "../../src/core/auth/tokenClient";
import { TokenCache, testConnection } from "../../src/core/auth/tokenCache";
import { FLA_PERMISSION } from "../../src/core/auth/tokenErrors";
import { loadCertificate, type LoadedCertificate } from "../../src/core/certificate";
import { FlaError } from "../../src/core/errors";
import { resolveSettings, SCOPES, type ConnectionSettings, type Role } from "../../src/core/settings";
import { startSimulator, type Simulator } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";

const EMPLOYER = "self_service_expeditor_10";
const PROVIDER = "self_service_chaman_305369_32a2ocupdo";
const ENTERPRISE = "0203430576";

async function rejection(promise: Promise<unknown>): Promise<FlaError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FlaError, `expected a FlaError, got ${inspect(err)}`);
    return err;
  }
  assert.fail("it did not fail");
}

function settingsFor(
  tokenUrl: string,
  clientId = EMPLOYER,
  role: Role = "employer",
  timeoutSeconds = 10,
): ConnectionSettings {
  return resolveSettings({
    environment: "custom",
    tokenUrl,
    apiUrl: tokenUrl.replace(/\/REST\/.*/, "/REST/federalLearningAccount/v1"),
    clientId,
    role,
    timeout: timeoutSeconds,
  });
}

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("OAuth client assertion, token client and token cache (simulator)", function () {
  this.timeout(30_000);
  let certs: TestCertificates;
  let certificate: LoadedCertificate;
  let sim: Simulator;
  let settings: ConnectionSettings;
  /** Every error the tests see: none may carry a secret. */
  const seen: FlaError[] = [];
  const secrets: string[] = [];
  const keep = (err: FlaError): FlaError => {
    seen.push(err);
    return err;
  };

  before(async () => {
    certs = await getTestCertificates();
    certificate = loadCertificate({ format: "pfx", pfx: certs.pfx.openSslDefault.base64, passphrase: certs.password });
    sim = await startSimulator({ port: 0, seed: false });
    sim.registerClient({
      clientId: EMPLOYER,
      certificatePem: certs.client.certificatePem,
      role: "employer",
      enterpriseNumber: ENTERPRISE,
    });
    sim.registerClient({
      clientId: PROVIDER,
      certificatePem: certs.second.certificatePem,
      role: "provider",
      enterpriseNumber: "0403170701",
    });
    settings = settingsFor(sim.tokenUrl);
    secrets.push(
      certs.password,
      certs.client.privateKeyPem.split("\n")[1],
      certs.client.privateKeyPkcs1Pem.split("\n")[1],
    );
  });

  afterEach(() => sim.faults.clear());

  after(async () => {
    await sim?.stop();
  });

  describe("signClientAssertion", () => {
    it("signs RS256 with typ JWT, iss = sub = client id, aud, a fresh jti, iat and exp 5 minutes ahead", async () => {
      const { decodeJwt, importX509, jwtVerify } = await loadJose();
      const publicKey = await importX509(certs.client.certificatePem, "RS256");
      const first = await signClientAssertion({
        clientId: EMPLOYER,
        audience: sim.tokenUrl,
        privateKey: certificate.privateKey,
      });
      const second = await signClientAssertion({
        clientId: EMPLOYER,
        audience: sim.tokenUrl,
        privateKey: certificate.privateKey,
      });
      const { payload, protectedHeader } = await jwtVerify(first, publicKey, {
        algorithms: ["RS256"],
        issuer: EMPLOYER,
        subject: EMPLOYER,
        audience: sim.tokenUrl,
      });
      assert.deepEqual(protectedHeader, { alg: "RS256", typ: "JWT" });
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
      assert.ok(Math.abs((payload.iat ?? 0) - Date.now() / 1000) < 5);
      assert.notEqual(decodeJwt(second).jti, payload.jti);
    });

    it("never lets an assertion live more than 5 minutes", async () => {
      const { decodeJwt, decodeProtectedHeader } = await loadJose();
      const assertion = await signClientAssertion({
        clientId: EMPLOYER,
        audience: sim.tokenUrl,
        privateKey: certificate.privateKey,
        lifetimeSeconds: 3600,
        now: 1_700_000_000_000,
      });
      const claims = decodeJwt(assertion);
      assert.equal(claims.iat, 1_700_000_000);
      assert.equal(claims.exp, 1_700_000_300);
      assert.equal(decodeProtectedHeader(assertion).typ, "JWT");
    });
  });

  describe("testConnection", () => {
    it("gets a token with every certificate format and tells the scope and lifetime", async () => {
      const inputs = [
        { format: "pfx" as const, pfx: certs.pfx.legacy.base64, passphrase: certs.password },
        { format: "pfx" as const, pfx: certs.pfx.windows3des.base64, passphrase: certs.password },
        {
          format: "pem" as const,
          certificate: certs.client.certificatePem,
          privateKey: certs.client.privateKeyPkcs1Pem,
        },
        {
          format: "pem" as const,
          certificate: certs.client.certificatePem,
          privateKey: certs.client.encryptedPrivateKeyPem,
          passphrase: certs.password,
        },
      ];
      for (const input of [certificate, ...inputs.map((i) => loadCertificate(i))]) {
        assert.deepEqual(await testConnection(settings, input), {
          scope: SCOPES.employer,
          expiresIn: 600,
          tokenType: "Bearer",
        });
      }
    });

    it("works for an authorized representative with the provider scope", async () => {
      const second = loadCertificate({
        format: "pem",
        certificate: certs.second.certificatePem,
        privateKey: certs.second.privateKeyPem,
      });
      const result = await testConnection(settingsFor(sim.tokenUrl, PROVIDER, "provider"), second);
      assert.equal(result.scope, SCOPES.provider);
    });
  });

  describe("TokenCache", () => {
    it("obtains a token that the FLA API accepts", async () => {
      const cache = new TokenCache({ settings, certificate });
      const token = await cache.getAccessToken();
      const response = await fetch(`${sim.apiUrl}/trainings?enterpriseNumber=${ENTERPRISE}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.notEqual(response.status, 401);
      const unauthenticated = await fetch(`${sim.apiUrl}/trainings?enterpriseNumber=${ENTERPRISE}`, {
        headers: { Authorization: "Bearer not-a-token" },
      });
      assert.equal(unauthenticated.status, 401, "the check above can fail");
      const stats = cache.stats;
      assert.equal(stats.tokenRequests, 1);
      assert.equal(stats.scope, SCOPES.employer);
      assert.ok(
        stats.expiresAt &&
          stats.lastTokenAt &&
          stats.expiresAt - stats.lastTokenAt <= 600_000 &&
          stats.expiresAt - stats.lastTokenAt > 590_000,
      );
      assert.throws(() => ((cache.stats as { tokenRequests: number }).tokenRequests = 0));
    });

    it("answers 50 concurrent callers with one token request", async () => {
      const cache = new TokenCache({ settings, certificate });
      const before = sim.stats.tokenRequests;
      const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.getAccessToken()));
      assert.equal(new Set(tokens).size, 1);
      assert.equal(cache.stats.tokenRequests, 1);
      assert.equal(sim.stats.tokenRequests - before, 1);
      assert.equal(await cache.getAccessToken(), tokens[0]);
      assert.equal(sim.stats.tokenRequests - before, 1);
    });

    it("renews the token 60 s before it expires", async () => {
      let now = Date.now();
      const cache = new TokenCache({ settings, certificate, clock: () => now });
      const first = await cache.getAccessToken();
      now += 600_000 - 60_000 - 1_000;
      assert.equal(await cache.getAccessToken(), first);
      now += 2_000;
      const [a, b] = await Promise.all([cache.getAccessToken(), cache.getAccessToken()]);
      assert.notEqual(a, first);
      assert.equal(a, b);
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("renews half-way through the token's life when the renewal margin is longer than that", async () => {
      let now = Date.now();
      const cache = new TokenCache({ settings, certificate, clock: () => now, renewBeforeSeconds: 500 });
      const first = await cache.getAccessToken();
      now += 299_000;
      assert.equal(await cache.getAccessToken(), first);
      now += 2_000;
      assert.notEqual(await cache.getAccessToken(), first);
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("uses a token announced for 40 s at least 60 s: a tiny lifetime does not cost a token every few calls", async () => {
      const shortSim = await startSimulator({ port: 0, seed: false, tokenLifetimeSeconds: 40 });
      try {
        shortSim.registerClient({
          clientId: EMPLOYER,
          certificatePem: certs.client.certificatePem,
          role: "employer",
          enterpriseNumber: ENTERPRISE,
        });
        let now = Date.now();
        const cache = new TokenCache({ settings: settingsFor(shortSim.tokenUrl), certificate, clock: () => now });
        const first = await cache.getAccessToken();
        now += 59_000;
        assert.equal(await cache.getAccessToken(), first);
        now += 2_000;
        assert.notEqual(await cache.getAccessToken(), first);
        assert.equal(shortSim.stats.tokensIssued, 2);
      } finally {
        await shortSim.stop();
      }
    });

    it("signs a new assertion after invalidateAccessToken() (the simulator refuses a jti it has seen)", async () => {
      const cache = new TokenCache({ settings, certificate });
      const refusedBefore = sim.stats.rejectedAssertions;
      const first = await cache.getAccessToken();
      cache.invalidateAccessToken();
      const second = await cache.getAccessToken();
      assert.notEqual(second, first);
      assert.equal(cache.stats.tokenRequests, 2);
      assert.equal(sim.stats.rejectedAssertions, refusedBefore);
    });

    it("drops a refused token only while it is still the cached one", async () => {
      const cache = new TokenCache({ settings, certificate });
      const first = await cache.getAccessToken();
      cache.invalidateAccessToken(first);
      const second = await cache.getAccessToken();
      assert.notEqual(second, first);
      // Many messages refused with the old token: no new request.
      for (let i = 0; i < 20; i += 1) cache.invalidateAccessToken(first);
      assert.equal(await cache.getAccessToken(), second);
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("keeps an invalidation made while a request is in flight", async () => {
      sim.faults.add({ route: "token", kind: "slow", delayMs: 300, times: 1 });
      const cache = new TokenCache({ settings, certificate });
      const inFlight = cache.getAccessToken();
      cache.invalidateAccessToken();
      const after = cache.getAccessToken();
      const [first, second] = await Promise.all([inFlight, after]);
      assert.notEqual(first, second);
      assert.equal(cache.stats.tokenRequests, 2);
      assert.equal(await cache.getAccessToken(), second);
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("rejects every waiter of a failed request, and every later caller until the backoff ends (0.5 s at most after one failure)", async () => {
      sim.faults.add({ route: "token", kind: "status", status: 503, times: 1 });
      let now = Date.now();
      const cache = new TokenCache({ settings, certificate, clock: () => now });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => cache.getAccessToken()));
      assert.ok(results.every((r) => r.status === "rejected"));
      const err = keep(results[0].reason as FlaError);
      assert.equal(err.code, "FLA_HTTP");
      assert.equal(err.retryable, true);
      assert.equal(cache.stats.tokenRequests, 1);
      const held = keep(await rejection(cache.getAccessToken()));
      assert.deepEqual([held.code, held.message, held.retryable], [err.code, err.message, true]);
      assert.equal(cache.stats.tokenRequests, 1, "no request while the failure is held");
      now += 500;
      assert.match(await cache.getAccessToken(), /\S{16,}/);
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("backs off longer after each failure in a row, 30 s at most, and starts again from 0.5 s after a success", async () => {
      sim.faults.add({ route: "token", kind: "status", status: 502 });
      let now = Date.now();
      const cache = new TokenCache({ settings, certificate, clock: () => now });
      // The n-th failure in a row holds the requests between half and all of min(0.5 s · 2^(n-1), 30 s).
      for (let failure = 1; failure <= 10; failure += 1) {
        keep(await rejection(cache.getAccessToken()));
        assert.equal(cache.stats.tokenRequests, failure);
        const ceiling = Math.min(500 * 2 ** (failure - 1), 30_000);
        now += ceiling / 2 - 1;
        await rejection(cache.getAccessToken());
        assert.equal(cache.stats.tokenRequests, failure, `held after failure ${failure}`);
        now += ceiling / 2 + 1;
      }
      sim.faults.clear();
      await cache.getAccessToken();
      assert.equal(cache.stats.tokenRequests, 11);
      cache.invalidateAccessToken();
      sim.faults.add({ route: "token", kind: "status", status: 502, times: 1 });
      await rejection(cache.getAccessToken());
      now += 500;
      await cache.getAccessToken();
      assert.equal(cache.stats.tokenRequests, 13);
    });

    it("remembers a refusal for 10 s, then asks again", async () => {
      let now = Date.now();
      const cache = new TokenCache({
        settings: settingsFor(sim.tokenUrl, "self_service_unknown_2"),
        certificate,
        clock: () => now,
      });
      const refusals = await Promise.allSettled(Array.from({ length: 20 }, () => cache.getAccessToken()));
      const first = keep((refusals[0] as PromiseRejectedResult).reason as FlaError);
      assert.equal(first.reason, "invalid_client");
      now += 9_999;
      const held = keep(await rejection(cache.getAccessToken()));
      assert.deepEqual([held.code, held.reason, held.message], [first.code, first.reason, first.message]);
      assert.equal(cache.stats.tokenRequests, 1);
      now += 1;
      await rejection(cache.getAccessToken());
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("keeps using a valid token when its renewal fails, until it expires", async () => {
      let now = Date.now();
      const cache = new TokenCache({ settings, certificate, clock: () => now });
      const first = await cache.getAccessToken();
      sim.faults.add({ route: "token", kind: "status", status: 503 });
      now += 541_000;
      assert.equal(await cache.getAccessToken(), first, "the failed renewal's waiters keep the valid token");
      assert.equal(await cache.getAccessToken(), first, "and so does everyone while the failure is held");
      assert.equal(cache.stats.tokenRequests, 2);
      now += 60_000;
      assert.equal(keep(await rejection(cache.getAccessToken())).code, "FLA_HTTP");
    });

    it("remembers that the API refuses fresh tokens for 10 s (rememberApiRefusal)", async () => {
      let now = Date.now();
      const cache = new TokenCache({ settings, certificate, clock: () => now });
      // The API refuses a first token (a message's first 401), then the fresh one that replaced it: it refuses ours.
      const first = await cache.getAccessToken();
      cache.invalidateAccessToken(first);
      const token = await cache.getAccessToken();
      const refusal = new FlaError("FLA_AUTH", "The FLA API refused a freshly issued access token (401).", {
        httpStatus: 401,
      });
      cache.rememberApiRefusal(token, refusal);
      const held = await rejection(cache.getAccessToken());
      assert.deepEqual([held.code, held.message, held.httpStatus], ["FLA_AUTH", refusal.message, 401]);
      now += 10_000;
      assert.notEqual(await cache.getAccessToken(), token);
      assert.equal(cache.stats.tokenRequests, 3);
    });

    it("one refused fresh token (revoked or expired early on the server) holds nobody back: the next call gets a new token", async () => {
      const cache = new TokenCache({ settings, certificate });
      const first = await cache.getAccessToken();
      cache.invalidateAccessToken(first);
      const second = await cache.getAccessToken();
      // The API accepted the second token for other messages, then one message's retry meets it expired.
      cache.apiAccepted();
      cache.rememberApiRefusal(
        second,
        new FlaError("FLA_AUTH", "The FLA API refused a freshly issued access token (401).", { httpStatus: 401 }),
      );
      const third = await cache.getAccessToken();
      assert.notEqual(third, second);
      assert.equal(cache.stats.tokenRequests, 3);
    });

    it("fresh tokens refused as expired hold nobody back, however many (the API still takes our tokens)", async () => {
      const cache = new TokenCache({ settings, certificate });
      const first = await cache.getAccessToken();
      cache.invalidateAccessToken(first);
      const second = await cache.getAccessToken();
      cache.rememberApiRefusal(
        second,
        new FlaError("FLA_AUTH", "The FLA API refused a freshly issued access token (401).", { httpStatus: 401 }),
        true,
      );
      const third = await cache.getAccessToken();
      cache.rememberApiRefusal(
        third,
        new FlaError("FLA_AUTH", "The FLA API refused a freshly issued access token (401).", { httpStatus: 401 }),
        true,
      );
      const fourth = await cache.getAccessToken();
      assert.equal(new Set([first, second, third, fourth]).size, 4);
      assert.equal(cache.stats.tokenRequests, 4);
    });
  });

  describe("token errors, mapped to what the user must do", () => {
    it("invalid_client for an unknown client id", async () => {
      const err = keep(
        await rejection(testConnection(settingsFor(sim.tokenUrl, "self_service_unknown_1"), certificate)),
      );
      assert.equal(err.code, "FLA_AUTH");
      assert.equal(err.reason, "invalid_client");
      assert.equal(err.httpStatus, 401);
      assert.match(
        err.message,
        /invalid_client.*Unknown client id.*is the certificate registered in Chaman for this client id\? Check the client id, and that this machine's clock is right/,
      );
    });

    it("invalid_client for a certificate that is not the one registered", async () => {
      const other = loadCertificate({
        format: "pem",
        certificate: certs.second.certificatePem,
        privateKey: certs.second.privateKeyPem,
      });
      const err = keep(await rejection(new TokenCache({ settings, certificate: other }).getAccessToken()));
      assert.equal(err.reason, "invalid_client");
      assert.equal(err.code, "FLA_AUTH");
    });

    it("invalid_scope when the role does not match the account", async () => {
      const err = keep(await rejection(testConnection(settingsFor(sim.tokenUrl, EMPLOYER, "provider"), certificate)));
      assert.equal(err.code, "FLA_AUTH");
      assert.equal(err.reason, "invalid_scope");
      assert.ok(err.message.includes(`"${FLA_PERMISSION}"`), err.message);
      assert.match(err.message, /employer .* authorized representative \(provider\)/);
    });

    it("a 500 is FLA_HTTP and retryable", async () => {
      sim.faults.add({ route: "token", kind: "status", status: 500 });
      const err = keep(await rejection(testConnection(settings, certificate)));
      assert.equal(err.code, "FLA_HTTP");
      assert.equal(err.httpStatus, 500);
      assert.equal(err.retryable, true);
    });

    it("an answer that is not JSON is FLA_RESPONSE", async () => {
      sim.faults.add({ route: "token", kind: "malformed" });
      const err = keep(await rejection(testConnection(settings, certificate)));
      assert.equal(err.code, "FLA_RESPONSE");
      assert.match(err.message, /not JSON/);
    });

    it("a refused connection is FLA_NETWORK naming the host", async () => {
      const port = await closedPort();
      const err = keep(
        await rejection(testConnection(settingsFor(`http://127.0.0.1:${port}/REST/oauth/v5/token`), certificate)),
      );
      assert.equal(err.code, "FLA_NETWORK");
      assert.equal(err.reason, "ECONNREFUSED");
      assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
    });

    it("a reset connection is FLA_NETWORK", async () => {
      sim.faults.add({ route: "token", kind: "reset" });
      const err = keep(await rejection(testConnection(settings, certificate)));
      assert.equal(err.code, "FLA_NETWORK");
      assert.equal(err.retryable, true);
    });

    it("an endpoint that never answers is FLA_TIMEOUT after timeoutMs", async () => {
      sim.faults.add({ route: "token", kind: "hang" });
      const err = keep(await rejection(testConnection({ ...settings, timeoutMs: 300 }, certificate)));
      assert.equal(err.code, "FLA_TIMEOUT");
      assert.equal(err.retryable, true);
      assert.match(err.message, /did not answer within 0.3 s/);
    });
  });

  describe("answers the simulator does not give (a raw HTTP server)", () => {
    let odd: Server;
    let oddUrl: string;
    const answers: Record<string, { status: number; body: string; headers?: Record<string, string> }> = {
      "/unauthorized-client": {
        status: 400,
        body: JSON.stringify({ error: "unauthorized_client", error_description: "no FLA permission" }),
      },
      "/invalid-grant": { status: 400, body: JSON.stringify({ error: "invalid_grant" }) },
      "/echo": { status: 400, body: "" },
      "/not-found": { status: 404, body: "<html>Not found</html>", headers: { "Content-Type": "text/html" } },
      "/redirect": { status: 302, body: "", headers: { Location: "https://elsewhere.example/token" } },
      "/no-token": { status: 200, body: JSON.stringify({ token_type: "Bearer", expires_in: 600 }) },
      "/mac-token": { status: 200, body: JSON.stringify({ access_token: "x", token_type: "mac", expires_in: 600 }) },
      "/minimal": { status: 200, body: JSON.stringify({ access_token: "opaque-1", token_type: "bearer" }) },
      "/zero-lifetime": {
        status: 200,
        body: JSON.stringify({ access_token: "opaque-zero", token_type: "Bearer", expires_in: 0 }),
      },
      "/busy": { status: 429, body: JSON.stringify({ error: "slow_down" }), headers: { "Retry-After": "20" } },
      "/endless": {
        status: 200,
        body: JSON.stringify({ access_token: "opaque-endless", token_type: "Bearer", expires_in: 1e12 }),
      },
    };

    before(async () => {
      odd = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          const answer = answers[req.url ?? ""] ?? { status: 500, body: "" };
          // "/echo": a careless server that repeats the assertion in its description.
          const text =
            req.url === "/echo"
              ? JSON.stringify({
                  error: "invalid_request",
                  error_description: `bad ${new URLSearchParams(body).get("client_assertion")}`,
                })
              : answer.body;
          res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
          res.end(text);
        });
      });
      await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
      oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
    });

    after(async () => {
      await new Promise<void>((resolve) => odd.close(() => resolve()));
    });

    const ask = async (path: string) => {
      const assertion = await signClientAssertion({
        clientId: EMPLOYER,
        audience: oddUrl + path,
        privateKey: certificate.privateKey,
      });
      secrets.push(assertion);
      return requestToken({ tokenUrl: oddUrl + path, scope: SCOPES.employer, assertion, timeoutMs: 5_000 });
    };

    it("unauthorized_client names the permission; invalid_grant the clock", async () => {
      const unauthorized = keep(await rejection(ask("/unauthorized-client")));
      assert.equal(unauthorized.reason, "unauthorized_client");
      assert.ok(unauthorized.message.includes(FLA_PERMISSION) && unauthorized.message.includes("no FLA permission"));
      const grant = keep(await rejection(ask("/invalid-grant")));
      assert.equal(grant.code, "FLA_AUTH");
      assert.equal(grant.reason, "invalid_grant");
      assert.match(grant.message, /clock/);
    });

    it("never repeats an assertion the server echoes", async () => {
      const err = keep(await rejection(ask("/echo")));
      assert.equal(err.code, "FLA_AUTH");
      assert.match(err.message, /bad \[redacted\]/);
    });

    it("a 404 page, a redirect, no access_token, a token that is not Bearer", async () => {
      const notFound = keep(await rejection(ask("/not-found")));
      assert.equal(notFound.code, "FLA_HTTP");
      assert.equal(notFound.httpStatus, 404);
      assert.equal(notFound.retryable, false);
      const redirect = keep(await rejection(ask("/redirect")));
      assert.equal(redirect.reason, "REDIRECT");
      assert.equal(keep(await rejection(ask("/no-token"))).code, "FLA_RESPONSE");
      assert.match(keep(await rejection(ask("/mac-token"))).message, /type "mac"/);
    });

    it("defaults a missing expires_in to a short life", async () => {
      assert.deepEqual(await ask("/minimal"), {
        accessToken: "opaque-1",
        tokenType: "bearer",
        expiresIn: 300,
        scope: undefined,
      });
    });

    /** Token requests a cache makes for `path` at each of the given clock offsets (ms after the first call). */
    const requestsAt = async (path: string, offsets: number[]): Promise<number[]> => {
      const start = Date.now();
      let now = start;
      const cache = new TokenCache({ settings: settingsFor(oddUrl + path), certificate, clock: () => now });
      const seen: number[] = [];
      for (const offset of offsets) {
        now = start + offset;
        await cache.getAccessToken();
        seen.push(cache.stats.tokenRequests);
      }
      return seen;
    };

    it("honours the Retry-After of a 429 for the whole cache, then asks again", async () => {
      let now = Date.now();
      const cache = new TokenCache({ settings: settingsFor(oddUrl + "/busy"), certificate, clock: () => now });
      const busy = keep(await rejection(cache.getAccessToken()));
      assert.deepEqual([busy.code, busy.httpStatus, busy.retryable], ["FLA_HTTP", 429, true]);
      now += 19_999;
      await rejection(cache.getAccessToken());
      assert.equal(cache.stats.tokenRequests, 1);
      now += 1;
      await rejection(cache.getAccessToken());
      assert.equal(cache.stats.tokenRequests, 2);
    });

    it("uses a token announced with expires_in 0 for 60 s", async () => {
      assert.deepEqual(await requestsAt("/zero-lifetime", [0, 1, 1_000, 59_999, 60_000]), [1, 1, 1, 1, 2]);
    });

    it("renews a token announced for 10^12 s within a day", async () => {
      assert.deepEqual(await requestsAt("/endless", [0, 86_339_999, 86_340_000]), [1, 1, 2]);
    });
  });

  describe("secrets", () => {
    it("no error seen above carries a key, a password, an assertion or a JWT", () => {
      assert.ok(seen.length >= 15, `only ${seen.length} errors collected`);
      for (const err of seen) {
        const shown = [
          err.message,
          JSON.stringify(err),
          inspect(err, { showHidden: true, depth: null }),
          String(err.stack),
        ].join("\n");
        for (const secret of secrets)
          assert.ok(!shown.includes(secret), `${err.code} ${err.reason}: a secret is shown`);
        assert.ok(!/eyJ[\w-]{10,}\.[\w-]{10,}/.test(shown), `${err.code} ${err.reason}: a JWT is shown: ${shown}`);
      }
    });
  });
});
