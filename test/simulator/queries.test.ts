import assert from "node:assert/strict";
import { SEED, startSimulator, type Simulator } from "../../src/simulator";
import { api, getToken, makeCertificate, training, type TestKeyPair } from "./helpers";

describe("simulator: searches, paging, training rights and credit", function () {
  let sim: Simulator;
  let keys: TestKeyPair;
  let employerToken: string;
  let providerToken: string;

  before(async function () {
    keys = makeCertificate();
    sim = await startSimulator({ port: 0, today: "2026-02-15" });
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
    employerToken = await getToken(sim, "emp", keys.privateKey);
    providerToken = await getToken(sim, "prov", keys.privateKey, "provider");
  });
  after(async function () {
    await sim.stop();
  });

  it("is seeded with a data set big enough for real paging", function () {
    assert.ok(sim.data.employers.size >= 5);
    assert.ok(sim.data.workers.size >= 300);
    assert.ok(sim.data.trainings.size > 1000);
    assert.ok([...sim.data.workers.values()].some((w) => w.birthDate >= "2000"));
    assert.ok(sim.data.employers.has("0203430576"));
    assert.ok(sim.data.providers.size >= 2);
    assert.ok(sim.data.isEmployed(SEED.demoEmployer, SEED.demoWorker, "2024-01-01", "2025-12-31"));
    assert.ok(!sim.data.hasMandate(SEED.provider, SEED.employerWithoutMandate));
    assert.ok(SEED.employersWithMandate.every((e) => sim.data.hasMandate(SEED.provider, e)));
    const years = new Set([...sim.data.trainings.values()].map((t) => t.period.startDate.slice(0, 4)));
    assert.deepEqual([...years].sort(), ["2024", "2025"]);
  });

  it("seeds the same data every time", async function () {
    const twin = await startSimulator({ port: 0, today: "2026-02-15" });
    try {
      assert.deepEqual([...twin.data.trainings.values()].slice(0, 50), [...sim.data.trainings.values()].slice(0, 50));
      assert.equal(twin.data.trainings.size, sim.data.trainings.size);
    } finally {
      await twin.stop();
    }
  });

  it("GET /trainings pages through every active training of the employer, in a stable order, with next links", async function () {
    const expected = sim.data.trainingsOf(SEED.demoEmployer).map((t) => t.trainingId);
    assert.ok(expected.length > 250);
    const seen: string[] = [];
    let path: string | undefined = "/trainings?pageSize=100";
    let pages = 0;
    while (path) {
      const page = await api(sim, employerToken, "GET", path);
      assert.equal(page.status, 200);
      assert.equal(page.body.total, expected.length);
      assert.equal(page.body.pageSize, 100);
      assert.equal(page.body.page, pages + 1);
      assert.ok(page.body.items.length <= 100);
      assert.ok(page.body.self.startsWith(`${sim.apiUrl}/trainings?`));
      seen.push(...page.body.items.map((t: { trainingId: string }) => t.trainingId));
      pages += 1;
      path = page.body.next ? (page.body.next as string).slice(sim.apiUrl.length) : undefined;
    }
    assert.equal(pages, Math.ceil(expected.length / 100));
    assert.deepEqual(seen, expected);
  });

  it("the last page has no next; a page past the end is empty", async function () {
    const total = sim.data.trainingsOf(SEED.demoEmployer).length;
    const last = Math.ceil(total / 50);
    const page = await api(
      sim,
      employerToken,
      "GET",
      `/trainings?enterpriseNumber=${SEED.demoEmployer}&pageSize=50&page=${last}`,
    );
    assert.equal(page.body.next, undefined);
    assert.equal(page.body.items.length, total - (last - 1) * 50);
    const beyond = await api(sim, employerToken, "GET", `/trainings?pageSize=50&page=${last + 1}`);
    assert.deepEqual(beyond.body.items, []);
    assert.equal(beyond.body.total, total);
  });

  it("filters by ssin and period (overlap), keeping the filters in the links", async function () {
    const all = sim.data.trainingsOf(SEED.demoEmployer).filter((t) => t.worker.ssin === SEED.demoWorker);
    const bySsin = await api(sim, employerToken, "GET", `/trainings?ssin=${SEED.demoWorker}&pageSize=2`);
    assert.equal(bySsin.body.total, all.length);
    assert.match(bySsin.body.next, new RegExp(`ssin=${SEED.demoWorker}`));
    const inPeriod = sim.data
      .trainingsOf(SEED.demoEmployer)
      .filter((t) => t.period.endDate >= "2024-06-01" && t.period.startDate <= "2024-06-30");
    const byPeriod = await api(sim, employerToken, "GET", "/trainings?startDate=2024-06-01&endDate=2024-06-30");
    assert.equal(byPeriod.body.total, inPeriod.length);
    assert.ok(
      byPeriod.body.items.every(
        (t: { period: { startDate: string; endDate: string } }) =>
          t.period.endDate >= "2024-06-01" && t.period.startDate <= "2024-06-30",
      ),
    );
  });

  it("leaves cancelled trainings out of the search", async function () {
    const before = (await api(sim, employerToken, "GET", "/trainings?pageSize=1")).body.total;
    const created = await api(sim, employerToken, "POST", "/trainings", training());
    assert.equal((await api(sim, employerToken, "GET", "/trainings?pageSize=1")).body.total, before + 1);
    await api(sim, employerToken, "DELETE", `/trainings/${created.body.trainingId}`);
    assert.equal((await api(sim, employerToken, "GET", "/trainings?pageSize=1")).body.total, before);
  });

  it("400 for pageSize over 100, page 0, a bad ssin or date in the query", async function () {
    const cases: [string, string][] = [
      ["/trainings?pageSize=101", "FLA-E-0022 pageSize"],
      ["/trainings?page=0", "FLA-E-0022 page"],
      ["/trainings?ssin=85073003329", "FLA-E-0010 ssin"],
      ["/trainings?startDate=2024-13-01", "FLA-E-0002 startDate"],
      ["/trainingRights?pageSize=500", "FLA-E-0022 pageSize"],
    ];
    for (const [path, issue] of cases) {
      const answer = await api(sim, employerToken, "GET", path);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.issues[0].in, "query");
      assert.equal(`${answer.body.issues[0].code} ${answer.body.issues[0].name}`, issue);
    }
  });

  it("a provider must name the employer, and only one that gave it a mandate", async function () {
    const missing = await api(sim, providerToken, "GET", "/trainings");
    assert.equal(missing.status, 400);
    assert.equal(`${missing.body.issues[0].code} ${missing.body.issues[0].name}`, "FLA-E-0001 enterpriseNumber");
    const refused = await api(sim, providerToken, "GET", `/trainings?enterpriseNumber=${SEED.employerWithoutMandate}`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.type, "urn:problem-type:fla:noMandate");
    const ok = await api(sim, providerToken, "GET", `/trainings?enterpriseNumber=${SEED.employersWithMandate[1]}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.total, sim.data.trainingsOf(SEED.employersWithMandate[1]).length);
    const employerElsewhere = await api(sim, employerToken, "GET", `/trainings?enterpriseNumber=${SEED.employers[1]}`);
    assert.equal(employerElsewhere.status, 403);
    assert.equal(employerElsewhere.body.type, "urn:problem-type:belgif:missingScope");
  });

  it("GET /trainingRights lists the seeded rights with filters and paging", async function () {
    const all = [...sim.data.rights.values()].filter((r) => r.enterpriseNumber === SEED.demoEmployer);
    const page = await api(sim, employerToken, "GET", "/trainingRights?pageSize=100");
    assert.equal(page.status, 200);
    assert.equal(page.body.total, all.length);
    assert.ok(page.body.next);
    const one = await api(sim, employerToken, "GET", `/trainingRights?ssin=${SEED.demoWorker}&year=2024`);
    assert.equal(one.body.total, 1);
    assert.equal(one.body.items[0].individualDays, 5);
    assert.equal(one.body.items[0].unit, "DAYS");
    const byYear = await api(
      sim,
      providerToken,
      "GET",
      `/trainingRights?enterpriseNumber=${SEED.demoEmployer}&year=2025`,
    );
    assert.equal(byYear.body.total, all.filter((r) => r.year === 2025).length);
    const badYear = await api(sim, employerToken, "GET", "/trainingRights?year=2019");
    assert.equal(badYear.status, 400);
    assert.equal(badYear.body.issues[0].code, "FLA-E-0021");
  });

  it("PUT /trainingRights declares or corrects a right (200), checks path, body and employment", async function () {
    const path = `/trainingRights/${SEED.demoEmployer}/${SEED.demoWorker}/2026`;
    const put = await api(sim, employerToken, "PUT", path, {
      individualDays: 5,
      sectoralDays: 2,
      carriedOverDays: 1,
      unit: "DAYS",
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.status, "ACCEPTED");
    assert.match(put.body.declarationId, /^D-/);
    assert.equal(sim.data.rights.get(`${SEED.demoEmployer}/${SEED.demoWorker}/2026`)?.sectoralDays, 2);
    const again = await api(sim, employerToken, "PUT", path, { individualDays: 4, unit: "DAYS" });
    assert.equal(again.status, 200);
    assert.equal(sim.data.rights.get(`${SEED.demoEmployer}/${SEED.demoWorker}/2026`)?.individualDays, 4);

    const bad = await api(sim, employerToken, "PUT", `/trainingRights/${SEED.demoEmployer}/85073003329/2023`, {
      individualDays: -1,
      unit: "WEEKS",
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { code: string; name: string }) => `${i.code} ${i.name}`).sort(), [
      "FLA-E-0003 unit",
      "FLA-E-0010 ssin",
      "FLA-E-0020 individualDays",
      "FLA-E-0021 year",
    ]);
    const missing = await api(sim, employerToken, "PUT", path, { unit: "DAYS" });
    assert.equal(missing.body.issues[0].code, "FLA-E-0001");
    const notEmployed = await api(
      sim,
      employerToken,
      "PUT",
      `/trainingRights/${SEED.demoEmployer}/${SEED.unemployedWorker}/2025`,
      { individualDays: 5 },
    );
    assert.equal(notEmployed.status, 400);
    assert.equal(notEmployed.body.issues[0].code, "FLA-E-0017");
    const foreign = await api(
      sim,
      employerToken,
      "PUT",
      `/trainingRights/${SEED.employers[1]}/${SEED.workerOfAnotherEmployer}/2025`,
      { individualDays: 5 },
    );
    assert.equal(foreign.status, 403);
    const noMandate = await api(
      sim,
      providerToken,
      "PUT",
      `/trainingRights/${SEED.employerWithoutMandate}/${SEED.demoWorker}/2025`,
      { individualDays: 5 },
    );
    assert.equal(noMandate.status, 403);
    assert.equal(noMandate.body.type, "urn:problem-type:fla:noMandate");
  });

  it("GET /trainingCredits computes entitlement, attended, remaining and carried-over days", async function () {
    const year = 2025;
    const right = sim.data.rights.get(`${SEED.demoEmployer}/${SEED.demoWorker}/${year}`);
    assert.ok(right);
    const attended = sim.data
      .trainingsOf(SEED.demoEmployer)
      .filter((t) => t.worker.ssin === SEED.demoWorker && t.period.startDate.startsWith(String(year)))
      .reduce((sum, t) => sum + (t.duration.unit === "DAYS" ? t.duration.value : t.duration.value / 8), 0);
    const credit = await api(
      sim,
      employerToken,
      "GET",
      `/trainingCredits/${SEED.demoEmployer}/${SEED.demoWorker}/${year}`,
    );
    assert.equal(credit.status, 200);
    assert.equal(credit.body.unit, "DAYS");
    assert.equal(credit.body.entitlement, right.individualDays + right.sectoralDays);
    assert.equal(credit.body.carriedOver, right.carriedOverDays);
    assert.equal(credit.body.attended, Math.round(attended * 100) / 100);
    assert.equal(
      credit.body.remaining,
      Math.max(
        0,
        Math.round((right.individualDays + right.sectoralDays + right.carriedOverDays - attended) * 100) / 100,
      ),
    );

    const declared = await api(
      sim,
      employerToken,
      "POST",
      "/trainings",
      training({ period: { startDate: "2025-11-03", endDate: "2025-11-03" }, duration: { value: 1, unit: "DAYS" } }),
    );
    assert.equal(declared.status, 201);
    const after = await api(
      sim,
      employerToken,
      "GET",
      `/trainingCredits/${SEED.demoEmployer}/${SEED.demoWorker}/${year}`,
    );
    assert.equal(after.body.attended, Math.round((attended + 1) * 100) / 100);
  });

  it("GET /trainingCredits: 404 for a worker without right nor employment, 400 for a bad path, 403 for another employer", async function () {
    assert.equal(
      (await api(sim, employerToken, "GET", `/trainingCredits/${SEED.demoEmployer}/${SEED.unemployedWorker}/2025`))
        .status,
      404,
    );
    const bad = await api(sim, employerToken, "GET", `/trainingCredits/${SEED.demoEmployer}/123/2025`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues[0].in, "path");
    assert.equal(
      (
        await api(
          sim,
          employerToken,
          "GET",
          `/trainingCredits/${SEED.employers[1]}/${SEED.workerOfAnotherEmployer}/2025`,
        )
      ).status,
      403,
    );
  });
});
