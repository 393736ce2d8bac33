import assert from "node:assert/strict";
import { SEED } from "../../src/simulator";
import { startTestSimulator, TEST_PROVIDER_CLIENT_ID, type TestSimulator } from "../support/simulator";
import { api, getToken, makeCertificate } from "./helpers";

describe("test/support/simulator: startTestSimulator", function () {
  let sim: TestSimulator | undefined;
  afterEach(async function () {
    await sim?.stop();
    sim = undefined;
  });

  it("starts on a random port with an employer client for the demo employer by default", async function () {
    const keys = makeCertificate();
    sim = await startTestSimulator(keys.certificatePem, {}, { seed: false });
    assert.notEqual(sim.port, 3010);
    assert.equal(sim.client.role, "employer");
    assert.equal(sim.client.enterpriseNumber, SEED.demoEmployer);
    const token = await getToken(sim, sim.client.clientId, keys.privateKey);
    assert.equal((await api(sim, token, "GET", "/trainings")).status, 200);
  });

  it("registers a provider with the seeded mandates", async function () {
    const keys = makeCertificate();
    sim = await startTestSimulator(keys.certificatePem, { role: "provider" }, { seed: false });
    assert.equal(sim.client.clientId, TEST_PROVIDER_CLIENT_ID);
    const token = await getToken(sim, sim.client.clientId, keys.privateKey, "provider");
    assert.equal(
      (await api(sim, token, "GET", `/trainings?enterpriseNumber=${SEED.employersWithMandate[0]}`)).status,
      200,
    );
  });

  it("fails with a clear error for a certificate it cannot read, and leaves no server behind", async function () {
    await assert.rejects(startTestSimulator("garbage"), /PEM certificate/);
  });
});
