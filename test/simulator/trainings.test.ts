import assert from "node:assert/strict";
import { SEED, startSimulator, type Simulator } from "../../src/simulator";
import { api, getToken, makeCertificate, sleep, training, type TestKeyPair } from "./helpers";

describe("simulator: declaring, correcting, cancelling and reading trainings", function () {
  let sim: Simulator;
  let keys: TestKeyPair;
  let employerToken: string;
  let providerToken: string;
  let otherEmployerToken: string;

  before(async function () {
    keys = makeCertificate();
    sim = await startSimulator({ port: 0, today: "2025-06-30" });
    sim.registerClient({
      clientId: "emp",
      certificatePem: keys.certificatePem,
      role: "employer",
      enterpriseNumber: SEED.demoEmployer,
    });
    sim.registerClient({
      clientId: "prov",
      certificatePem: keys.certificatePem,
      role: "provider",
      enterpriseNumber: SEED.provider,
    });
    sim.registerClient({
      clientId: "emp2",
      certificatePem: keys.certificatePem,
      role: "employer",
      enterpriseNumber: SEED.employers[1],
    });
    employerToken = await getToken(sim, "emp", keys.privateKey);
    providerToken = await getToken(sim, "prov", keys.privateKey, "provider");
    otherEmployerToken = await getToken(sim, "emp2", keys.privateKey);
  });
  after(async function () {
    await sim.stop();
  });
  afterEach(function () {
    sim.setAsyncDeclarations(false);
  });

  function issueCodes(body: { issues?: { code: string; name: string }[] }): string[] {
    return (body.issues ?? []).map((i) => `${i.code} ${i.name}`).sort();
  }

  it("POST /trainings: 201, Location of the training, ACCEPTED, then GET /trainings/{id} returns it", async function () {
    const body = training();
    const created = await api(sim, employerToken, "POST", "/trainings", body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, "ACCEPTED");
    assert.deepEqual(created.body.anomalies, []);
    assert.match(created.body.trainingId, /^T-\d{6}$/);
    assert.match(created.body.declarationId, /^D-\d{6}$/);
    assert.equal(created.headers.get("location"), `${sim.apiUrl}/trainings/${created.body.trainingId}`);
    const read = await api(sim, employerToken, "GET", `/trainings/${created.body.trainingId}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.trainingId, created.body.trainingId);
    assert.equal(read.body.title, body.title);
    assert.deepEqual(read.body.period, body.period);
    assert.equal(read.body.status, "ACCEPTED");
    assert.equal(read.body.source, "EMPLOYER");
    assert.ok(!Number.isNaN(Date.parse(read.body.declaredAt)));
    const declaration = await api(sim, employerToken, "GET", `/declarations/${created.body.declarationId}`);
    assert.equal(declaration.status, 200);
    assert.deepEqual(declaration.body, {
      declarationId: created.body.declarationId,
      status: "ACCEPTED",
      anomalies: [],
      trainingId: created.body.trainingId,
    });
  });

  it("a provider with a mandate declares for that employer; without a mandate it gets 403 noMandate", async function () {
    const ok = await api(sim, providerToken, "POST", "/trainings", training());
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    sim.addEmployment(SEED.employerWithoutMandate, SEED.demoWorker, "2020-01-01");
    const refused = await api(
      sim,
      providerToken,
      "POST",
      "/trainings",
      training({ employer: { enterpriseNumber: SEED.employerWithoutMandate } }),
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get("content-type"), "application/problem+json; charset=utf-8");
    assert.equal(refused.body.type, "urn:problem-type:fla:noMandate");
    assert.deepEqual(issueCodes(refused.body), ["FLA-E-0031 employer.enterpriseNumber"]);
    sim.addMandate(SEED.provider, SEED.employerWithoutMandate);
    const later = await api(
      sim,
      providerToken,
      "POST",
      "/trainings",
      training({ employer: { enterpriseNumber: SEED.employerWithoutMandate } }),
    );
    assert.equal(later.status, 201);
  });

  it("an employer token for another company number gets 403 missingScope, on writes and reads", async function () {
    const refused = await api(sim, otherEmployerToken, "POST", "/trainings", training());
    assert.equal(refused.status, 403);
    assert.equal(refused.body.type, "urn:problem-type:belgif:missingScope");
    assert.equal(refused.body.issues[0].code, "FLA-E-0030");
    const created = await api(sim, employerToken, "POST", "/trainings", training());
    const read = await api(sim, otherEmployerToken, "GET", `/trainings/${created.body.trainingId}`);
    assert.equal(read.status, 403);
    const del = await api(sim, otherEmployerToken, "DELETE", `/trainings/${created.body.trainingId}`);
    assert.equal(del.status, 403);
    const decl = await api(sim, otherEmployerToken, "GET", `/declarations/${created.body.declarationId}`);
    assert.equal(decl.status, 403);
    assert.equal(sim.data.trainings.get(created.body.trainingId)?.status, "ACCEPTED");
  });

  it("401 problems: no token, unknown token, revoked tokens", async function () {
    const none = await api(sim, undefined, "GET", "/trainings");
    assert.equal(none.status, 401);
    assert.equal(none.body.type, "urn:problem-type:belgif:noAccessToken");
    assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
    const bad = await api(sim, "not-a-token", "GET", "/trainings");
    assert.equal(bad.body.type, "urn:problem-type:belgif:invalidAccessToken");
    const token = await getToken(sim, "emp", keys.privateKey);
    sim.revokeTokens();
    const revoked = await api(sim, token, "POST", "/trainings", training());
    assert.equal(revoked.status, 401);
    assert.equal(revoked.body.type, "urn:problem-type:belgif:invalidAccessToken");
    employerToken = await getToken(sim, "emp", keys.privateKey);
    providerToken = await getToken(sim, "prov", keys.privateKey, "provider");
    otherEmployerToken = await getToken(sim, "emp2", keys.privateKey);
  });

  it("401 expiredAccessToken once the token lifetime is over", async function () {
    const short = await startSimulator({ port: 0, seed: false, tokenLifetimeSeconds: 1 });
    try {
      short.registerClient({
        clientId: "emp",
        certificatePem: keys.certificatePem,
        role: "employer",
        enterpriseNumber: SEED.demoEmployer,
      });
      const token = await getToken(short, "emp", keys.privateKey);
      assert.equal((await api(short, token, "GET", "/trainings")).status, 200);
      await sleep(1100);
      const expired = await api(short, token, "GET", "/trainings");
      assert.equal(expired.status, 401);
      assert.equal(expired.body.type, "urn:problem-type:belgif:expiredAccessToken");
      assert.equal(short.stats.unauthorized, 1);
    } finally {
      await short.stop();
    }
  });

  it("404 for an unknown training, declaration and route", async function () {
    for (const path of ["/trainings/T-999999", "/declarations/D-999999", "/nothing"]) {
      const answer = await api(sim, employerToken, "GET", path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.type, "urn:problem-type:belgif:resourceNotFound");
    }
    assert.equal((await api(sim, employerToken, "PUT", "/trainings/T-999999", training())).status, 404);
    assert.equal((await api(sim, employerToken, "DELETE", "/trainings/T-999999")).status, 404);
  });

  it("409 duplicateDeclaration with the existing trainingId for a second externalReference, and nothing stored twice", async function () {
    const body = training();
    const first = await api(sim, employerToken, "POST", "/trainings", body);
    const count = sim.data.trainings.size;
    const second = await api(sim, employerToken, "POST", "/trainings", { ...body, title: "Something else" });
    assert.equal(second.status, 409);
    assert.equal(second.body.type, "urn:problem-type:fla:duplicateDeclaration");
    assert.equal(second.body.trainingId, first.body.trainingId);
    assert.equal(second.body.issues[0].code, "FLA-E-0032");
    assert.equal(sim.data.trainings.size, count);
    assert.deepEqual(sim.data.duplicateExternalReferences(), []);
  });

  it("an identical training (same worker, title and period) is accepted with warning FLA-W-0001", async function () {
    const body = training();
    await api(sim, employerToken, "POST", "/trainings", body);
    const again = await api(sim, employerToken, "POST", "/trainings", {
      ...body,
      externalReference: `${String(body.externalReference)}-bis`,
    });
    assert.equal(again.status, 201);
    assert.equal(again.body.status, "ACCEPTED_WITH_WARNINGS");
    assert.equal(again.body.anomalies.length, 1);
    const anomaly = again.body.anomalies[0];
    assert.equal(anomaly.code, "FLA-W-0001");
    assert.equal(anomaly.severity, "WARNING");
    assert.ok(anomaly.description.fr && anomaly.description.nl && anomaly.description.en);
  });

  it("warns (FLA-W-0003) when the hours exceed 8 a day but fit in 24", async function () {
    const answer = await api(
      sim,
      employerToken,
      "POST",
      "/trainings",
      training({ duration: { value: 20, unit: "HOURS" } }),
    );
    assert.equal(answer.status, 201);
    assert.deepEqual(
      answer.body.anomalies.map((a: { code: string; field: string }) => `${a.code} ${a.field}`),
      ["FLA-W-0003 duration.value"],
    );
  });

  describe("business rules and schema: 400 badRequest with every issue", function () {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ["invalid SSIN check digits", { worker: { ssin: "85073003329" } }, ["FLA-E-0010 worker.ssin"]],
      [
        "invalid enterprise number check digits",
        { employer: { enterpriseNumber: "0203430577" } },
        ["FLA-E-0011 employer.enterpriseNumber"],
      ],
      [
        "end before start",
        { period: { startDate: "2024-03-05", endDate: "2024-03-04" } },
        ["FLA-E-0012 period.endDate"],
      ],
      [
        "period before 2024",
        { period: { startDate: "2023-12-30", endDate: "2023-12-31" }, duration: { value: 1, unit: "DAYS" } },
        ["FLA-E-0013 period.startDate"],
      ],
      [
        "period in the future",
        { period: { startDate: "2025-06-30", endDate: "2025-07-01" } },
        ["FLA-E-0014 period.endDate"],
      ],
      ["duration not positive", { duration: { value: 0, unit: "HOURS" } }, ["FLA-E-0015 duration.value"]],
      ["more hours than the period has", { duration: { value: 49, unit: "HOURS" } }, ["FLA-E-0016 duration.value"]],
      ["more days than the period has", { duration: { value: 3, unit: "DAYS" } }, ["FLA-E-0016 duration.value"]],
      [
        "unknown enum values",
        { nature: "ONLINE", outcome: "PASSED", funding: { type: "BANK" } },
        ["FLA-E-0003 funding.type", "FLA-E-0003 nature", "FLA-E-0003 outcome"],
      ],
      ["title too long", { title: "x".repeat(201) }, ["FLA-E-0004 title"]],
      ["externalReference too long", { externalReference: "x".repeat(51) }, ["FLA-E-0004 externalReference"]],
      [
        "not a calendar date",
        { period: { startDate: "2024-02-30", endDate: "2024-03-01" } },
        ["FLA-E-0002 period.startDate"],
      ],
      [
        "worker not employed by the employer",
        { worker: { ssin: SEED.workerOfAnotherEmployer } },
        ["FLA-E-0017 worker.ssin"],
      ],
      ["SSIN not normalised", { worker: { ssin: "85.07.30-033.28" } }, ["FLA-E-0002 worker.ssin"]],
    ];
    for (const [name, overrides, expected] of cases) {
      it(name, async function () {
        const before = sim.data.trainings.size;
        const answer = await api(sim, employerToken, "POST", "/trainings", training(overrides));
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.type, "urn:problem-type:belgif:badRequest");
        assert.deepEqual(issueCodes(answer.body), expected);
        for (const issue of answer.body.issues) {
          assert.equal(issue.severity, "BLOCKING");
          assert.equal(issue.in, "body");
          assert.ok(issue.description.fr && issue.description.nl && issue.description.en && issue.detail);
        }
        assert.equal(sim.data.trainings.size, before);
      });
    }

    it("reports every missing required field at once", async function () {
      const answer = await api(sim, employerToken, "POST", "/trainings", {
        employer: { enterpriseNumber: SEED.demoEmployer },
      });
      assert.equal(answer.status, 400);
      assert.deepEqual(issueCodes(answer.body), [
        "FLA-E-0001 duration",
        "FLA-E-0001 nature",
        "FLA-E-0001 period",
        "FLA-E-0001 title",
        "FLA-E-0001 worker",
      ]);
    });

    it("refuses a body that is not JSON", async function () {
      const answer = await api(sim, employerToken, "POST", "/trainings", "{not json");
      assert.equal(answer.status, 400);
      assert.equal(answer.body.issues[0].code, "FLA-E-0002");
    });

    it("accepts a worker born in 2000 or later (the 2000+ check digits rule)", async function () {
      const answer = await api(
        sim,
        employerToken,
        "POST",
        "/trainings",
        training({ worker: { ssin: SEED.demoWorkerBornAfter2000 } }),
      );
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
    });
  });

  it("PUT /trainings/{id}: 200 with the correction, then GET shows it; externalReference of another → 409", async function () {
    const created = await api(sim, employerToken, "POST", "/trainings", training());
    const other = await api(sim, employerToken, "POST", "/trainings", training());
    const corrected = training({
      title: "Corrected title",
      externalReference: undefined,
      duration: { value: 1, unit: "DAYS" },
    });
    const put = await api(sim, employerToken, "PUT", `/trainings/${created.body.trainingId}`, corrected);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.trainingId, created.body.trainingId);
    assert.equal(put.body.status, "ACCEPTED");
    assert.notEqual(put.body.declarationId, created.body.declarationId);
    const read = await api(sim, employerToken, "GET", `/trainings/${created.body.trainingId}`);
    assert.equal(read.body.title, "Corrected title");
    assert.deepEqual(read.body.duration, { value: 1, unit: "DAYS" });
    assert.ok(read.body.updatedAt);
    const clash = await api(
      sim,
      employerToken,
      "PUT",
      `/trainings/${created.body.trainingId}`,
      training({ externalReference: sim.data.trainings.get(other.body.trainingId)?.externalReference }),
    );
    assert.equal(clash.status, 409);
    assert.equal(clash.body.trainingId, other.body.trainingId);
  });

  it("PUT refuses a change of employer (FLA-E-0019) and a business-rule violation", async function () {
    const created = await api(sim, providerToken, "POST", "/trainings", training());
    sim.addEmployment(SEED.employers[1], SEED.demoWorker, "2020-01-01");
    const moved = await api(
      sim,
      providerToken,
      "PUT",
      `/trainings/${created.body.trainingId}`,
      training({ employer: { enterpriseNumber: SEED.employers[1] } }),
    );
    assert.equal(moved.status, 400);
    assert.deepEqual(issueCodes(moved.body), ["FLA-E-0019 employer.enterpriseNumber"]);
    const bad = await api(
      sim,
      providerToken,
      "PUT",
      `/trainings/${created.body.trainingId}`,
      training({ duration: { value: -1, unit: "HOURS" } }),
    );
    assert.equal(bad.status, 400);
    assert.equal(sim.data.trainings.get(created.body.trainingId)?.duration.value, 14);
  });

  it("DELETE /trainings/{id}: 204, the training is CANCELLED, a second DELETE is 204 too, a correction is refused", async function () {
    const created = await api(sim, employerToken, "POST", "/trainings", training());
    const del = await api(sim, employerToken, "DELETE", `/trainings/${created.body.trainingId}`);
    assert.equal(del.status, 204);
    assert.equal(del.body, undefined);
    const read = await api(sim, employerToken, "GET", `/trainings/${created.body.trainingId}`);
    assert.equal(read.body.status, "CANCELLED");
    assert.ok(read.body.cancelledAt);
    assert.equal((await api(sim, employerToken, "DELETE", `/trainings/${created.body.trainingId}`)).status, 204);
    const put = await api(sim, employerToken, "PUT", `/trainings/${created.body.trainingId}`, training());
    assert.equal(put.status, 400);
    assert.ok(issueCodes(put.body).includes("FLA-E-0018 trainingId"));
  });

  it("the externalReference of a cancelled training can be declared again", async function () {
    const body = training();
    const first = await api(sim, employerToken, "POST", "/trainings", body);
    await api(sim, employerToken, "DELETE", `/trainings/${first.body.trainingId}`);
    const again = await api(sim, employerToken, "POST", "/trainings", body);
    assert.equal(again.status, 201);
    assert.notEqual(again.body.trainingId, first.body.trainingId);
  });

  describe("asynchronous mode", function () {
    it("POST answers 202 + Location of the declaration, PENDING until the delay is over, then ACCEPTED", async function () {
      const slow = await startSimulator({
        port: 0,
        seed: false,
        asyncDeclarations: true,
        asyncDelayMs: 400,
        today: "2025-06-30",
      });
      try {
        slow.registerClient({
          clientId: "emp",
          certificatePem: keys.certificatePem,
          role: "employer",
          enterpriseNumber: SEED.demoEmployer,
        });
        const token = await getToken(slow, "emp", keys.privateKey);
        const posted = await api(slow, token, "POST", "/trainings", training());
        assert.equal(posted.status, 202);
        assert.equal(posted.body.status, "PENDING");
        const location = posted.headers.get("location") ?? "";
        assert.equal(location, `${slow.apiUrl}/declarations/${posted.body.declarationId}`);
        const path = location.slice(slow.apiUrl.length);
        const pending = await api(slow, token, "GET", path);
        assert.equal(pending.status, 200);
        assert.equal(pending.body.status, "PENDING");
        assert.equal(pending.body.trainingId, undefined);
        let final = pending;
        for (let i = 0; i < 50 && final.body.status === "PENDING"; i++) {
          await sleep(50);
          final = await api(slow, token, "GET", path);
        }
        assert.equal(final.body.status, "ACCEPTED");
        assert.match(final.body.trainingId, /^T-/);
        assert.equal((await api(slow, token, "GET", `/trainings/${final.body.trainingId}`)).status, 200);
      } finally {
        await slow.stop();
      }
    });

    it("a business-rule violation ends REJECTED with BLOCKING anomalies; a schema violation is 400 at once", async function () {
      sim.setAsyncDeclarations(true);
      const posted = await api(
        sim,
        employerToken,
        "POST",
        "/trainings",
        training({ worker: { ssin: SEED.workerOfAnotherEmployer } }),
      );
      assert.equal(posted.status, 202);
      let final = await api(sim, employerToken, "GET", `/declarations/${posted.body.declarationId}`);
      for (let i = 0; i < 50 && final.body.status === "PENDING"; i++) {
        await sleep(50);
        final = await api(sim, employerToken, "GET", `/declarations/${posted.body.declarationId}`);
      }
      assert.equal(final.body.status, "REJECTED");
      assert.equal(final.body.anomalies[0].code, "FLA-E-0017");
      assert.equal(final.body.anomalies[0].severity, "BLOCKING");
      const schema = await api(sim, employerToken, "POST", "/trainings", training({ nature: "ONLINE" }));
      assert.equal(schema.status, 400);
    });

    it("PUT answers 202 too, and a duplicate POST is still 409 at once", async function () {
      const created = await api(sim, employerToken, "POST", "/trainings", training());
      sim.setAsyncDeclarations(true);
      const put = await api(
        sim,
        employerToken,
        "PUT",
        `/trainings/${created.body.trainingId}`,
        training({ title: "Async correction" }),
      );
      assert.equal(put.status, 202);
      assert.match(put.headers.get("location") ?? "", /\/declarations\/D-\d+$/);
      const body = training();
      const first = await api(sim, employerToken, "POST", "/trainings", body);
      const second = await api(sim, employerToken, "POST", "/trainings", body);
      assert.equal(first.status, 202);
      assert.equal(second.status, 409);
    });
  });
});
