import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FlaApiClient, attemptsOf } from "../../src/core/api/httpClient";
import { FlaError } from "../../src/core/errors";
import { RequestLimiter } from "../../src/core/limiter";
import { CountingTokens, ScriptedServer, empty, hang, json, later, raw, rejectionOf, reset } from "./apiTestServer";
import { buildRequest } from "../../src/core/api/catalogue";

const TRAINING = {
  employer: { enterpriseNumber: "0203430576" },
  worker: { ssin: "85073003328" },
  title: "Forklift safety",
  period: { startDate: "2024-03-04", endDate: "2024-03-05" },
  nature: "FORMAL",
  duration: { value: 14, unit: "HOURS" },
};
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 40 };

describe("core/api FlaApiClient against a real HTTP server", () => {
  const server = new ScriptedServer();
  let tokens: CountingTokens;
  let client: FlaApiClient;

  before(async () => {
    await server.start();
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    tokens = new CountingTokens();
    client = new FlaApiClient({ apiUrl: server.url, tokens, timeoutMs: 2000, retry: FAST_RETRY });
  });
  afterEach(() => client.destroy());

  it("sends the bearer token to the catalogue path and returns the parsed answer", async () => {
    server.plan(json(200, { items: [], total: 0 }));
    const response = await client.send(
      buildRequest("trainings", { enterpriseNumber: "0203430576", ssin: "85073003328", page: 2 }),
    );
    assert.equal(response.httpStatus, 200);
    assert.deepEqual(response.data, { items: [], total: 0 });
    assert.equal(response.attempts, 1);
    assert.equal(server.seen[0].method, "GET");
    assert.equal(
      server.seen[0].url,
      "/REST/federalLearningAccount/v1/trainings?enterpriseNumber=0203430576&ssin=85073003328&page=2",
    );
    assert.equal(server.seen[0].authorization, "Bearer token-1");
  });

  it("sends the body as JSON and returns 4xx answers to the caller instead of throwing", async () => {
    server.plan(
      json(400, {
        type: "urn:problem-type:belgif:badRequest",
        issues: [{ code: "X", name: "title", detail: "too long" }],
      }),
    );
    const response = await client.send(buildRequest("createTraining", {}, TRAINING));
    assert.equal(response.httpStatus, 400);
    assert.deepEqual(JSON.parse(server.seen[0].body), TRAINING);
    assert.equal((response.data as { issues: unknown[] }).issues.length, 1);
  });

  it("returns an empty 204 answer with null data", async () => {
    server.plan(empty(204));
    const response = await client.send(buildRequest("cancelTraining", { trainingId: "T-1" }));
    assert.equal(response.httpStatus, 204);
    assert.equal(response.data, null);
    assert.equal(server.seen[0].method, "DELETE");
  });

  it("honours Retry-After (in seconds) on 503, then succeeds", async () => {
    server.plan(
      json(503, { type: "urn:problem-type:belgif:serviceUnavailable" }, { "Retry-After": "1" }),
      json(200, { ok: true }),
    );
    const response = await client.send(buildRequest("training", { trainingId: "T-1" }));
    assert.equal(response.httpStatus, 200);
    assert.equal(response.attempts, 2);
    assert.ok(server.seen[1].at - server.seen[0].at >= 900, "the second try waited for the Retry-After");
  });

  it("caps a long Retry-After at maxRetryAfterMs", async () => {
    client = new FlaApiClient({
      apiUrl: server.url,
      tokens,
      timeoutMs: 2000,
      retry: { ...FAST_RETRY, maxRetryAfterMs: 20 },
    });
    server.plan(json(429, {}, { "Retry-After": "3600" }), json(200, { ok: true }));
    const response = await client.send(buildRequest("training", { trainingId: "T-1" }));
    assert.equal(response.attempts, 2);
  });

  it("retries 5xx with backoff up to the number of attempts, then fails with FLA_HTTP and the problem detail", async () => {
    server.otherwise(json(500, { title: "Internal Server Error", detail: "database down" }));
    const error = await rejectionOf(client.send(buildRequest("training", { trainingId: "T-1" })));
    assert.equal(error.code, "FLA_HTTP");
    assert.equal(error.httpStatus, 500);
    assert.match(error.message, /database down/);
    assert.equal(server.seen.length, 3);
    assert.equal(attemptsOf(error), 3);
  });

  it("recovers when a 5xx passes before the attempts are spent", async () => {
    server.plan(json(502, {}), json(500, {}), json(200, { ok: 1 }));
    const response = await client.send(buildRequest("training", { trainingId: "T-1" }));
    assert.equal(response.attempts, 3);
  });

  it("on 401 drops the token and retries once with a new one", async () => {
    server.plan(json(401, { type: "urn:problem-type:belgif:expiredAccessToken" }), json(200, { ok: 1 }));
    const response = await client.send(buildRequest("training", { trainingId: "T-1" }));
    assert.equal(response.httpStatus, 200);
    assert.equal(tokens.invalidated, 1);
    assert.deepEqual(
      server.seen.map((r) => r.authorization),
      ["Bearer token-1", "Bearer token-2"],
    );
  });

  it("fails with FLA_AUTH when the fresh token is refused too", async () => {
    server.otherwise(json(401, { type: "urn:problem-type:belgif:invalidAccessToken" }));
    const error = await rejectionOf(client.send(buildRequest("training", { trainingId: "T-1" })));
    assert.equal(error.code, "FLA_AUTH");
    assert.equal(server.seen.length, 2);
    assert.doesNotMatch(error.message, /token-\d/, "no token in the message");
  });

  it("does not retry a POST without externalReference whose connection was reset after sending: FLA_UNCERTAIN", async () => {
    server.plan(reset);
    const error = await rejectionOf(client.send(buildRequest("createTraining", {}, TRAINING)));
    assert.equal(error.code, "FLA_UNCERTAIN");
    assert.match(error.message, /query the trainings of this worker/);
    assert.equal(server.seen.length, 1, "sent once only");
  });

  it("does not retry a POST without externalReference after a 500 either", async () => {
    server.plan(json(500, {}));
    const error = await rejectionOf(client.send(buildRequest("createTraining", {}, TRAINING)));
    assert.equal(error.code, "FLA_UNCERTAIN");
    assert.equal(error.httpStatus, 500);
    assert.equal(server.seen.length, 1);
  });

  it("retries a POST with externalReference after a reset (a duplicate is answered 409)", async () => {
    server.plan(reset, json(409, { type: "urn:problem-type:fla:duplicateDeclaration", trainingId: "T-9" }));
    const response = await client.send(buildRequest("createTraining", {}, { ...TRAINING, externalReference: "HR-1" }));
    assert.equal(response.httpStatus, 409);
    assert.equal(response.attempts, 2);
  });

  it("retries a POST without externalReference after a 429 (rate limited before it was looked at)", async () => {
    server.plan(json(429, {}, { "Retry-After": "0" }), json(201, { trainingId: "T-1", status: "ACCEPTED" }));
    const response = await client.send(buildRequest("createTraining", {}, TRAINING));
    assert.equal(response.httpStatus, 201);
    assert.equal(response.attempts, 2);
  });

  it("retries a POST without externalReference after a 503 (the service did not handle it)", async () => {
    server.plan(json(503, {}, { "Retry-After": "0" }), json(201, { trainingId: "T-1", status: "ACCEPTED" }));
    const response = await client.send(buildRequest("createTraining", {}, TRAINING));
    assert.equal(response.httpStatus, 201);
    assert.equal(server.seen.length, 2);
  });

  it("a 502 or 504 on a POST without externalReference is uncertain", async () => {
    for (const status of [502, 504]) {
      server.reset();
      server.plan(json(status, {}));
      const error = await rejectionOf(client.send(buildRequest("createTraining", {}, TRAINING)));
      assert.equal(error.code, "FLA_UNCERTAIN");
      assert.equal(server.seen.length, 1);
    }
  });

  it("retries PUT and DELETE after a reset (idempotent)", async () => {
    server.plan(reset, json(200, { status: "ACCEPTED" }), reset, empty(204));
    assert.equal((await client.send(buildRequest("updateTraining", { trainingId: "T-1" }, TRAINING))).httpStatus, 200);
    assert.equal((await client.send(buildRequest("cancelTraining", { trainingId: "T-1" }))).httpStatus, 204);
    assert.equal(server.seen.length, 4);
  });

  it("retries a POST when the connection was refused (nothing reached the server), then FLA_NETWORK", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = new FlaApiClient({
      apiUrl: `http://127.0.0.1:${port}/v1`,
      tokens,
      timeoutMs: 1000,
      retry: FAST_RETRY,
    });
    const error = await rejectionOf(refused.send(buildRequest("createTraining", {}, TRAINING)));
    assert.equal(error.code, "FLA_NETWORK");
    assert.equal(error.reason, "ECONNREFUSED");
    assert.equal(attemptsOf(error), 3);
    refused.destroy();
  });

  it("times out a request that never answers: FLA_TIMEOUT after the attempts for a GET", async () => {
    client = new FlaApiClient({ apiUrl: server.url, tokens, timeoutMs: 150, retry: FAST_RETRY });
    server.otherwise(hang);
    const error = await rejectionOf(client.send(buildRequest("training", { trainingId: "T-1" })));
    assert.equal(error.code, "FLA_TIMEOUT");
    assert.equal(server.seen.length, 3);
  });

  it("a timed-out POST without externalReference is uncertain and sent once", async () => {
    client = new FlaApiClient({ apiUrl: server.url, tokens, timeoutMs: 150, retry: FAST_RETRY });
    server.otherwise(hang);
    const error = await rejectionOf(client.send(buildRequest("createTraining", {}, TRAINING)));
    assert.equal(error.code, "FLA_UNCERTAIN");
    assert.equal(server.seen.length, 1);
  });

  it("retries a malformed JSON answer to a read, then fails with FLA_RESPONSE", async () => {
    server.plan(raw(200, "{not json"), json(200, { ok: 1 }));
    assert.equal((await client.send(buildRequest("training", { trainingId: "T-1" }))).attempts, 2);
    server.reset();
    server.otherwise(raw(200, "<html>gateway</html>", "text/html"));
    const error = await rejectionOf(client.send(buildRequest("training", { trainingId: "T-1" })));
    assert.equal(error.code, "FLA_RESPONSE");
  });

  it("retries when the token request failed for a passing reason, without calling the API meanwhile", async () => {
    tokens.failNext(new FlaError("FLA_NETWORK", "token endpoint unreachable", { retryable: true }));
    server.plan(json(201, { trainingId: "T-1" }));
    const response = await client.send(buildRequest("createTraining", {}, TRAINING));
    assert.equal(response.httpStatus, 201);
    assert.equal(server.seen.length, 1);
  });

  it("does not retry when the token endpoint refuses the client (FLA_AUTH)", async () => {
    tokens.failNext(new FlaError("FLA_AUTH", "invalid_client"));
    const error = await rejectionOf(client.send(buildRequest("training", { trainingId: "T-1" })));
    assert.equal(error.code, "FLA_AUTH");
    assert.equal(server.seen.length, 0);
  });

  it("stops waiting when the signal aborts (FLA_ABORTED)", async () => {
    server.plan(json(503, {}, { "Retry-After": "60" }));
    const controller = new AbortController();
    const pending = client.send(buildRequest("training", { trainingId: "T-1" }, undefined), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(pending);
    assert.equal(error.code, "FLA_ABORTED");
  });

  it("aborts a request in flight", async () => {
    server.plan(hang);
    const controller = new AbortController();
    const pending = client.send(buildRequest("training", { trainingId: "T-1" }, undefined), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    assert.equal((await rejectionOf(pending)).code, "FLA_ABORTED");
  });

  it("goes through the limiter: never more requests in flight than maxConcurrent", async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 2 });
    const limited = new FlaApiClient({ apiUrl: server.url, tokens, timeoutMs: 2000, retry: FAST_RETRY, limiter });
    server.otherwise(later(20, json(200, { ok: 1 })));
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => limited.send(buildRequest("training", { trainingId: `T-${i}` }))),
    );
    assert.equal(server.seen.length, 8);
    assert.equal(server.maxInFlight, 2);
    limited.destroy();
  });
});
