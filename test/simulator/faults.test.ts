import assert from "node:assert/strict";
import { SEED, parseFaultSpec, startSimulator, type Simulator } from "../../src/simulator";
import {
  api,
  getToken,
  makeCertificate,
  requestToken,
  signAssertion,
  tokenForm,
  training,
  type TestKeyPair,
} from "./helpers";

describe("simulator: fault injection", function () {
  let sim: Simulator;
  let keys: TestKeyPair;
  let token: string;

  before(async function () {
    keys = makeCertificate();
    sim = await startSimulator({ port: 0, seed: false, today: "2025-06-30" });
    sim.registerClient({
      clientId: "emp",
      certificatePem: keys.certificatePem,
      role: "employer",
      enterpriseNumber: SEED.demoEmployer,
    });
    token = await getToken(sim, "emp", keys.privateKey);
  });
  beforeEach(function () {
    sim.faults.clear();
    sim.stats.reset();
  });
  after(async function () {
    await sim.stop();
  });

  it("status: 503 with Retry-After for `times` requests, then normal answers; nothing is recorded", async function () {
    sim.faults.add({ route: "POST /trainings", kind: "status", status: 503, retryAfter: 2, times: 2 });
    const before = sim.data.trainings.size;
    for (let i = 0; i < 2; i++) {
      const answer = await api(sim, token, "POST", "/trainings", training());
      assert.equal(answer.status, 503);
      assert.equal(answer.headers.get("retry-after"), "2");
      assert.equal(answer.body.type, "urn:problem-type:belgif:serviceUnavailable");
    }
    assert.equal(sim.data.trainings.size, before);
    assert.equal((await api(sim, token, "POST", "/trainings", training())).status, 201);
    assert.equal(sim.stats.faultsInjected, 2);
    assert.equal(sim.stats.faultsByKind.status, 2);
    assert.equal(sim.stats.byStatus["503"], 2);
    assert.equal(sim.faults.list()[0].applied, 2);
  });

  it("status 429 and 500 only on the named route", async function () {
    sim.faults.add({ route: "GET /trainings", kind: "status", status: 429, retryAfter: 1, times: 1 });
    sim.faults.add({ route: "GET /trainings/{id}", kind: "status", status: 500, times: 1 });
    assert.equal((await api(sim, token, "GET", "/declarations/D-999999")).status, 404);
    const limited = await api(sim, token, "GET", "/trainings");
    assert.equal(limited.status, 429);
    assert.equal(limited.body.type, "urn:problem-type:belgif:tooManyRequests");
    const failed = await api(sim, token, "GET", "/trainings/T-000001");
    assert.equal(failed.status, 500);
    assert.equal(failed.body.type, "urn:problem-type:belgif:internalServerError");
    assert.equal((await api(sim, token, "GET", "/trainings")).status, 200);
  });

  it("reset: the connection is cut without an answer", async function () {
    sim.faults.add({ route: "*", kind: "reset", times: 1 });
    await assert.rejects(api(sim, token, "GET", "/trainings"));
    assert.equal((await api(sim, token, "GET", "/trainings")).status, 200);
    assert.equal(sim.stats.faultsByKind.reset, 1);
  });

  it("malformed: a truncated JSON body with status 200", async function () {
    sim.faults.add({ route: "GET /trainings", kind: "malformed", times: 1 });
    const res = await fetch(`${sim.apiUrl}/trainings`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const text = await res.text();
    assert.throws(() => JSON.parse(text));
  });

  it("hang: no answer ever (the client gives up), and stop() still ends the server", async function () {
    const other = await startSimulator({ port: 0, seed: false });
    other.registerClient({
      clientId: "emp",
      certificatePem: keys.certificatePem,
      role: "employer",
      enterpriseNumber: SEED.demoEmployer,
    });
    const otherToken = await getToken(other, "emp", keys.privateKey);
    other.faults.add({ route: "GET /trainings", kind: "hang" });
    const pending = fetch(`${other.apiUrl}/trainings`, {
      headers: { Authorization: `Bearer ${otherToken}` },
      signal: AbortSignal.timeout(300),
    });
    await assert.rejects(pending, (err: Error) => err.name === "TimeoutError" || err.name === "AbortError");
    const hanging = fetch(`${other.apiUrl}/trainings`, { headers: { Authorization: `Bearer ${otherToken}` } });
    const outcome = hanging.then(
      () => "answered",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.stop();
    assert.equal(await outcome, "cut");
    assert.equal(other.stats.faultsByKind.hang, 2);
  });

  it("slow: the answer comes, late (a client with a short timeout gives up)", async function () {
    sim.faults.add({ route: "GET /trainings", kind: "slow", delayMs: 1500, times: 1 });
    await assert.rejects(
      fetch(`${sim.apiUrl}/trainings`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(100),
      }),
    );
    sim.faults.add({ route: "GET /trainings", kind: "slow", delayMs: 100, times: 1 });
    const late = await api(sim, token, "GET", "/trainings");
    assert.equal(late.status, 200);
    assert.equal(sim.stats.faultsByKind.slow, 2);
  });

  it("expireToken: the token in use expires (401 expiredAccessToken) and stays expired; a new one works", async function () {
    const own = await getToken(sim, "emp", keys.privateKey);
    sim.faults.add({ route: "*", kind: "expireToken", times: 1 });
    const first = await api(sim, own, "GET", "/trainings");
    assert.equal(first.status, 401);
    assert.equal(first.body.type, "urn:problem-type:belgif:expiredAccessToken");
    assert.equal((await api(sim, own, "GET", "/trainings")).status, 401);
    const renewed = await getToken(sim, "emp", keys.privateKey);
    assert.equal((await api(sim, renewed, "GET", "/trainings")).status, 200);
    assert.equal(sim.stats.unauthorized, 2);
  });

  it('phase "after": the declaration IS recorded, the answer is lost; the retry gets 409 with the trainingId', async function () {
    sim.faults.add({ route: "POST /trainings", kind: "reset", phase: "after", times: 1 });
    const body = training();
    const before = sim.data.trainings.size;
    await assert.rejects(api(sim, token, "POST", "/trainings", body));
    assert.equal(sim.data.trainings.size, before + 1);
    const recorded = sim.data.findByExternalReference(SEED.demoEmployer, body.externalReference as string);
    assert.ok(recorded);
    const retry = await api(sim, token, "POST", "/trainings", body);
    assert.equal(retry.status, 409);
    assert.equal(retry.body.trainingId, recorded);
    assert.deepEqual(sim.data.duplicateExternalReferences(), []);
  });

  it('phase "after" with a status: processed, then 503 instead of 201', async function () {
    sim.faults.add({ route: "POST /trainings", kind: "status", status: 503, phase: "after", times: 1 });
    const body = training();
    const answer = await api(sim, token, "POST", "/trainings", body);
    assert.equal(answer.status, 503);
    assert.ok(sim.data.findByExternalReference(SEED.demoEmployer, body.externalReference as string));
  });

  it("probability: a seeded share of the requests fails", async function () {
    sim.faults.add({ route: "GET /trainings", kind: "status", status: 503, probability: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await api(sim, token, "GET", "/trainings?pageSize=1")).status);
    const failed = statuses.filter((s) => s === 503).length;
    assert.ok(failed > 0 && failed < 40, `failed ${failed} of 40`);
    assert.equal(statuses.filter((s) => s === 200).length, 40 - failed);
    assert.equal(sim.stats.faultsInjected, failed);
  });

  it('the token endpoint is touched only by "token" (or "all"), not by "*"', async function () {
    sim.faults.add({ route: "*", kind: "status", status: 503 });
    const fresh = await signAssertion({ clientId: "emp", key: keys.privateKey, audience: sim.tokenUrl });
    assert.equal((await requestToken(sim, tokenForm(fresh))).status, 200);
    sim.faults.clear();
    sim.faults.add({ route: "token", kind: "status", status: 500, times: 1 });
    const again = await signAssertion({ clientId: "emp", key: keys.privateKey, audience: sim.tokenUrl });
    assert.equal((await requestToken(sim, tokenForm(again))).status, 500);
    assert.equal((await api(sim, token, "GET", "/trainings")).status, 200);
  });

  it("refuses an impossible fault, and remove() takes one away", function () {
    assert.throws(() => sim.faults.add({ kind: "explode" as "reset" }), /Unknown fault kind/);
    assert.throws(() => sim.faults.add({ kind: "status", probability: 2 }), /probability/);
    const id = sim.faults.add({ kind: "reset" });
    sim.faults.remove(id);
    assert.equal(sim.faults.list().length, 0);
  });

  it("reads the command-line form of a fault", function () {
    assert.deepEqual(parseFaultSpec("POST /trainings:status=503:retryAfter=1:probability=0.1"), {
      route: "POST /trainings",
      kind: "status",
      status: 503,
      retryAfter: 1,
      probability: 0.1,
    });
    assert.deepEqual(parseFaultSpec("GET /trainings:slow=2000:times=3"), {
      route: "GET /trainings",
      kind: "slow",
      delayMs: 2000,
      times: 3,
    });
    assert.deepEqual(parseFaultSpec("*:reset:phase=after"), { route: "*", kind: "reset", phase: "after" });
    assert.throws(() => parseFaultSpec("POST /trainings"), /ROUTE:KIND/);
    assert.throws(() => parseFaultSpec("POST /trainings:status=503:colour=red"), /unknown option/);
  });
});
