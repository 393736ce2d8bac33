import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import { loadJose } from "../../src/core/auth/jose";
import { SCOPES } from "../../src/core/settings";
import { SEED, startSimulator, type Simulator } from "../../src/simulator";
import { api, handMadeJwt, makeCertificate, requestToken, signAssertion, tokenForm, type TestKeyPair } from "./helpers";

describe("simulator: OAuth v5 token endpoint", function () {
  let sim: Simulator;
  let employer: TestKeyPair;
  let other: TestKeyPair;
  const clientId = "self_service_chaman_test_token";
  const providerId = "self_service_chaman_test_token_provider";

  before(async function () {
    employer = makeCertificate();
    other = makeCertificate();
    sim = await startSimulator({ port: 0, seed: false, tokenLifetimeSeconds: 120 });
    sim.registerClient({
      clientId,
      certificatePem: employer.certificatePem,
      role: "employer",
      enterpriseNumber: SEED.demoEmployer,
    });
    sim.registerClient({
      clientId: providerId,
      certificatePem: other.certificatePem,
      role: "provider",
      enterpriseNumber: SEED.provider,
    });
  });
  after(async function () {
    await sim.stop();
  });

  async function refused(
    form: Record<string, string>,
    status: number,
    error: string,
    descriptionPart?: RegExp,
  ): Promise<void> {
    const before = sim.stats.rejectedAssertions;
    const answer = await requestToken(sim, form);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error, error);
    assert.equal(typeof answer.body.error_description, "string");
    if (descriptionPart) assert.match(answer.body.error_description as string, descriptionPart);
    assert.equal(answer.body.access_token, undefined);
    assert.equal(sim.stats.rejectedAssertions, before + 1);
  }

  it("issues an opaque bearer token for a good assertion, usable on the API", async function () {
    const assertion = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    const answer = await requestToken(sim, { ...tokenForm(assertion), client_id: clientId });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_type, "Bearer");
    assert.equal(answer.body.expires_in, 120);
    assert.equal(answer.body.scope, SCOPES.employer);
    const token = answer.body.access_token as string;
    assert.ok(token.length >= 32);
    assert.equal(token.split(".").length, 1, "the access token is opaque, not a JWT");
    const read = await api(sim, token, "GET", "/trainings?pageSize=1");
    assert.equal(read.status, 200);
  });

  it("accepts an aud given as an array that contains the token URL, and the provider scope for a provider", async function () {
    const assertion = await signAssertion({
      clientId: providerId,
      key: other.privateKey,
      audience: ["https://elsewhere.example", sim.tokenUrl],
    });
    const answer = await requestToken(sim, tokenForm(assertion, "provider"));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.scope, SCOPES.provider);
  });

  it("refuses an assertion signed with another key (wrong signature)", async function () {
    const assertion = await signAssertion({ clientId, key: other.privateKey, audience: sim.tokenUrl });
    await refused(tokenForm(assertion), 401, "invalid_client", /signature/);
  });

  it("refuses a wrong audience", async function () {
    const assertion = await signAssertion({
      clientId,
      key: employer.privateKey,
      audience: "https://services.socialsecurity.be/REST/oauth/v5/token",
    });
    await refused(tokenForm(assertion), 401, "invalid_client", /aud/);
  });

  it("refuses an expired assertion", async function () {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await signAssertion({
      clientId,
      key: employer.privateKey,
      audience: sim.tokenUrl,
      iat: now - 900,
      exp: now - 600,
    });
    await refused(tokenForm(assertion), 401, "invalid_client", /expired/);
  });

  it("refuses an exp more than 10 minutes ahead", async function () {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await signAssertion({
      clientId,
      key: employer.privateKey,
      audience: sim.tokenUrl,
      iat: now,
      exp: now + 3600,
    });
    await refused(tokenForm(assertion), 401, "invalid_client", /too far/);
  });

  it("refuses a replayed jti", async function () {
    const assertion = await signAssertion({
      clientId,
      key: employer.privateKey,
      audience: sim.tokenUrl,
      jti: "fixed-jti-1",
    });
    assert.equal((await requestToken(sim, tokenForm(assertion))).status, 200);
    await refused(tokenForm(assertion), 401, "invalid_client", /replay/);
    const again = await signAssertion({
      clientId,
      key: employer.privateKey,
      audience: sim.tokenUrl,
      jti: "fixed-jti-1",
    });
    await refused(tokenForm(again), 401, "invalid_client", /replay/);
  });

  it("refuses HS256 (even keyed with the certificate) and alg none", async function () {
    const { SignJWT } = await loadJose();
    const hmacKey = createSecretKey(Buffer.from(employer.certificatePem));
    const now = Math.floor(Date.now() / 1000);
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(sim.tokenUrl)
      .setJti("hs-1")
      .setIssuedAt()
      .setExpirationTime(now + 300)
      .sign(hmacKey);
    await refused(tokenForm(hs), 401, "invalid_client", /RS256/);
    const none = handMadeJwt(
      { alg: "none", typ: "JWT" },
      { iss: clientId, sub: clientId, aud: sim.tokenUrl, jti: "none-1", iat: now, exp: now + 300 },
    );
    await refused(tokenForm(none), 401, "invalid_client", /RS256/);
  });

  it("refuses an RS256 header over a forged claims part (signature no longer matches)", async function () {
    const good = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    const [header, , signature] = good.split(".");
    const claims = Buffer.from(
      JSON.stringify({
        iss: clientId,
        sub: clientId,
        aud: sim.tokenUrl,
        jti: "forged",
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString("base64url");
    await refused(tokenForm(`${header}.${claims}.${signature}`), 401, "invalid_client", /signature/);
  });

  it("refuses the scope of the other role, and a missing scope", async function () {
    const a1 = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    await refused(tokenForm(a1, "provider"), 400, "invalid_scope", /employer role/);
    const a2 = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    const form = tokenForm(a2);
    delete form.scope;
    await refused(form, 400, "invalid_scope");
  });

  it("refuses an unknown client id, and a client_id field that differs from iss", async function () {
    const a1 = await signAssertion({
      clientId: "self_service_unknown",
      key: employer.privateKey,
      audience: sim.tokenUrl,
    });
    await refused(tokenForm(a1), 401, "invalid_client", /Unknown client id/);
    const a2 = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    await refused({ ...tokenForm(a2), client_id: providerId }, 401, "invalid_client", /client_id/);
  });

  it("refuses iss different from sub", async function () {
    const assertion = await signAssertion({
      clientId,
      key: employer.privateKey,
      audience: sim.tokenUrl,
      sub: "someone_else",
    });
    await refused(tokenForm(assertion), 401, "invalid_client", /iss and sub/);
  });

  it("refuses another grant type, another assertion type, no assertion and a JSON body", async function () {
    const assertion = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    await refused({ ...tokenForm(assertion), grant_type: "password" }, 400, "unsupported_grant_type");
    await refused({ ...tokenForm(assertion), client_assertion_type: "urn:other" }, 400, "invalid_request");
    const form = tokenForm(assertion);
    delete form.client_assertion;
    await refused(form, 401, "invalid_client");
    const res = await fetch(sim.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(tokenForm(assertion)),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, "invalid_request");
  });

  it("refuses a client whose registered certificate has expired", async function () {
    const expired = makeCertificate({
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    sim.registerClient({
      clientId: "self_service_expired",
      certificatePem: expired.certificatePem,
      role: "employer",
      enterpriseNumber: SEED.demoEmployer,
    });
    const assertion = await signAssertion({
      clientId: "self_service_expired",
      key: expired.privateKey,
      audience: sim.tokenUrl,
    });
    await refused(tokenForm(assertion), 401, "invalid_client", /expired/);
  });

  it("refuses to register a client with an invalid enterprise number or no certificate", function () {
    assert.throws(
      () =>
        sim.registerClient({
          clientId: "x",
          certificatePem: employer.certificatePem,
          role: "employer",
          enterpriseNumber: "0203430577",
        }),
      /enterprise number/,
    );
    assert.throws(
      () =>
        sim.registerClient({
          clientId: "x",
          certificatePem: "not a certificate",
          role: "employer",
          enterpriseNumber: SEED.demoEmployer,
        }),
      /PEM certificate/,
    );
  });

  it("never echoes the assertion in an error", async function () {
    const assertion = await signAssertion({ clientId, key: other.privateKey, audience: sim.tokenUrl });
    const answer = await requestToken(sim, tokenForm(assertion));
    assert.ok(!JSON.stringify(answer.body).includes(assertion.split(".")[2]));
  });

  it("counts token requests and issued tokens", async function () {
    sim.stats.reset();
    const ok = await signAssertion({ clientId, key: employer.privateKey, audience: sim.tokenUrl });
    await requestToken(sim, tokenForm(ok));
    await requestToken(sim, tokenForm(ok));
    assert.equal(sim.stats.tokenRequests, 2);
    assert.equal(sim.stats.tokensIssued, 1);
    assert.equal(sim.stats.rejectedAssertions, 1);
    assert.equal(sim.stats.byRoute.token, 2);
  });
});
