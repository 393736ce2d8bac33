/**
 * Replayed and expired client assertions are refused by the simulator's token endpoint, and the connection a node uses
 * recovers from a revoked token with a fresh assertion (new jti), never by sending an old one again.
 */
import assert from "node:assert/strict";
import { signClientAssertion } from "../../src/core/auth/clientAssertion";
import { requestToken } from "../../src/core/auth/tokenClient";
import { loadCertificate } from "../../src/core/certificate";
import { FlaConnection } from "../../src/core/connection";
import { isFlaError } from "../../src/core/errors";
import { SEED } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { buildRequest } from "../../src/core/api/catalogue";

describe("security: client assertions against the simulator", function () {
  this.timeout(20_000);
  let certs: TestCertificates;
  let sim: TestSimulator;

  before(async () => {
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem, {}, { seed: false });
  });
  after(async () => {
    await sim.stop();
  });

  const privateKey = () =>
    loadCertificate({
      format: "pfx",
      pfx: certs.pfx.openSslDefault.base64,
      passphrase: certs.pfx.openSslDefault.password,
    }).privateKey;
  const ask = (assertion: string) =>
    requestToken({
      tokenUrl: sim.tokenUrl,
      scope: "scope:sigedis:gestion:careerpro-federal-learning-account:employer",
      assertion,
      timeoutMs: 5_000,
    });
  const refusedAsInvalidClient = (err: unknown): boolean =>
    isFlaError(err) && err.code === "FLA_AUTH" && /invalid_client/.test(err.message);

  it("refuses an assertion sent a second time (jti replay)", async () => {
    const assertion = await signClientAssertion({
      clientId: sim.client.clientId,
      audience: sim.tokenUrl,
      privateKey: privateKey(),
    });
    const first = await ask(assertion);
    assert.ok(first.accessToken);
    const rejectedBefore = sim.stats.rejectedAssertions;
    await assert.rejects(ask(assertion), refusedAsInvalidClient);
    assert.equal(sim.stats.rejectedAssertions, rejectedBefore + 1);
  });

  it("refuses an expired assertion, and the error holds no assertion", async () => {
    const assertion = await signClientAssertion({
      clientId: sim.client.clientId,
      audience: sim.tokenUrl,
      privateKey: privateKey(),
      now: Date.now() - 10 * 60_000,
    });
    await assert.rejects(ask(assertion), (err: unknown) => {
      assert.ok(refusedAsInvalidClient(err), String(err));
      assert.doesNotMatch(
        JSON.stringify({ message: (err as Error).message, stack: (err as Error).stack }),
        /eyJ[\w-]+\.[\w-]+\.[\w-]+/,
      );
      assert.ok(!(err as Error).message.includes(assertion.slice(-20)));
      return true;
    });
  });

  it("after a revocation, the connection gets a new token with a fresh assertion and the request succeeds", async () => {
    const connection = FlaConnection.open(
      {
        environment: "custom",
        tokenUrl: sim.tokenUrl,
        audience: sim.tokenUrl,
        apiUrl: sim.apiUrl,
        clientId: sim.client.clientId,
        role: "employer",
        certificateFormat: "pfx",
      },
      { pfx: certs.pfx.openSslDefault.base64, passphrase: certs.pfx.openSslDefault.password },
    );
    assert.equal(connection.problem, undefined);
    const client = connection.requireClient();
    const first = await client.send(buildRequest("trainings", { enterpriseNumber: SEED.demoEmployer }));
    assert.equal(first.httpStatus, 200);
    const issuedBefore = sim.stats.tokensIssued;
    const rejectedBefore = sim.stats.rejectedAssertions;
    const unauthorizedBefore = sim.stats.unauthorized;

    sim.revokeTokens();
    const again = await client.send(buildRequest("trainings", { enterpriseNumber: SEED.demoEmployer }));
    assert.equal(again.httpStatus, 200);
    assert.equal(again.attempts, 2, "one 401, then the retry with the new token");
    assert.equal(sim.stats.unauthorized, unauthorizedBefore + 1);
    assert.equal(sim.stats.tokensIssued, issuedBefore + 1, "one new token");
    assert.equal(sim.stats.rejectedAssertions, rejectedBefore, "the new assertion was fresh: not refused as a replay");
    assert.equal(connection.tokenStats?.tokenRequests, 2);
    await connection.close();
    client.destroy();
  });
});
