import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { SEED, startSimulator, type Simulator, type SimulatorData } from "../../src/simulator";
import { parseCliArguments, USAGE } from "../../src/simulator/cliOptions";
import { api, getToken, makeCertificate, training, type TestKeyPair } from "./helpers";

const TODAY = "2026-12-01";

/** Every page of a collection, by its next links: the items and the totals each page announced. */
async function walk(
  sim: Simulator,
  token: string,
  path: string,
): Promise<{ items: Array<Record<string, unknown>>; totals: Set<number>; pages: number; lastHasNext: boolean }> {
  const items: Array<Record<string, unknown>> = [];
  const totals = new Set<number>();
  let next: string | undefined = path;
  let pages = 0;
  let lastHasNext = false;
  while (next) {
    const page = await api(sim, token, "GET", next);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    totals.add(page.body.total);
    items.push(...page.body.items);
    pages += 1;
    lastHasNext = page.body.next !== undefined;
    next = page.body.next ? (page.body.next as string).slice(sim.apiUrl.length) : undefined;
  }
  return { items, totals, pages, lastHasNext };
}

/** employment × year from 2024 to today's year it overlaps: the rights a scaled data set must hold. */
function expectedRightKeys(data: SimulatorData, today: string): Set<string> {
  const keys = new Set<string>();
  for (const e of data.employments) {
    for (let year = 2024; year <= Number(today.slice(0, 4)); year++) {
      if ((e.to ?? "9999-12-31") >= `${year}-01-01` && e.from <= `${year}-12-31`)
        keys.add(`${e.enterpriseNumber}/${e.ssin}/${year}`);
    }
  }
  return keys;
}

describe("simulator: scaled data set (300 employers, 100,000 trainings)", function () {
  let sim: Simulator;
  let keys: TestKeyPair;
  let providerToken: string;
  let employers: string[];
  let bySize: string[];

  before(async function () {
    // Seeding takes seconds; on a loaded shared machine a few more.
    this.timeout(120_000);
    keys = makeCertificate();
    sim = await startSimulator({ port: 0, today: TODAY, scale: { employers: 300, trainings: 100_000 } });
    sim.registerClient({
      clientId: "prov",
      certificatePem: keys.certificatePem,
      role: "provider",
      enterpriseNumber: SEED.provider,
    });
    providerToken = await getToken(sim, "prov", keys.privateKey, "provider");
    employers = [...sim.data.employers.keys()];
    bySize = employers
      .filter((e) => sim.data.hasMandate(SEED.provider, e))
      .sort((a, b) => sim.data.trainingsOf(b).length - sim.data.trainingsOf(a).length);
  });
  after(async function () {
    await sim?.stop();
  });

  it("holds exactly the employers and trainings asked, every employer with workers, trainings from 2024 to today", function () {
    assert.equal(sim.data.employers.size, 300);
    assert.equal(sim.data.trainings.size, 100_000);
    assert.equal([...sim.data.trainings.values()].filter((t) => t.status !== "CANCELLED").length, 100_000);
    assert.equal(
      employers.reduce((sum, e) => sum + sim.data.trainingsOf(e).length, 0),
      100_000,
    );
    const employersWithWorkers = new Set(sim.data.employments.map((e) => e.enterpriseNumber));
    assert.equal(employersWithWorkers.size, 300);
    let first = "9999-12-31";
    let last = "0000-01-01";
    for (const t of sim.data.trainings.values()) {
      if (t.period.startDate < first) first = t.period.startDate;
      if (t.period.endDate > last) last = t.period.endDate;
      assert.ok(t.period.startDate <= t.period.endDate);
      assert.ok(
        sim.data.isEmployed(t.employer.enterpriseNumber, t.worker.ssin, t.period.startDate, t.period.endDate),
        `${t.trainingId} during an employment`,
      );
    }
    assert.ok(first >= "2024-01-01" && first < "2024-01-15", first);
    assert.ok(last <= TODAY && last > "2026-11-01", last);
    assert.deepEqual(sim.data.duplicateExternalReferences(), []);
  });

  it("keeps every SEED identifier, the demo mandates and the employer without mandate", function () {
    for (const e of SEED.employers) assert.ok(sim.data.employers.has(e), e);
    for (const p of SEED.providers) assert.ok(sim.data.providers.has(p), p);
    for (const [provider, list] of Object.entries(SEED.mandates))
      for (const e of list) assert.ok(sim.data.hasMandate(provider, e));
    assert.ok(
      SEED.employers.every((e) => !sim.data.hasMandate(SEED.providers[0], e) || SEED.employersWithMandate.includes(e)),
    );
    for (const p of SEED.providers) assert.ok(!sim.data.hasMandate(p, SEED.employerWithoutMandate));
    assert.ok(sim.data.isEmployed(SEED.demoEmployer, SEED.demoWorker, "2024-01-01", TODAY));
    assert.ok(sim.data.isEmployed(SEED.demoEmployer, SEED.demoWorkerBornAfter2000, "2024-01-01", TODAY));
    assert.ok(sim.data.isEmployed(SEED.employers[1], SEED.workerOfAnotherEmployer, "2024-01-01", TODAY));
    assert.ok(!sim.data.employments.some((e) => e.ssin === SEED.unemployedWorker));
  });

  it("holds a right for every worker and every year from 2024 to today's year, and no other", function () {
    const expected = expectedRightKeys(sim.data, TODAY);
    assert.ok(expected.size > 25_000 * 2, String(expected.size));
    assert.deepEqual(new Set(sim.data.rights.keys()), expected);
    assert.deepEqual(new Set([...sim.data.rights.values()].map((r) => r.year)), new Set([2024, 2025, 2026]));
    assert.equal(
      employers.reduce((sum, e) => sum + sim.data.rightsOf(e).length, 0),
      expected.size,
    );
  });

  it("gives the provider mandates for some employers and not others: 200 for the ones, 403 for the others", async function () {
    const added = employers.slice(SEED.employers.length);
    const mandated = added.filter((e) => sim.data.hasMandate(SEED.provider, e));
    assert.equal(mandated.length, added.length - Math.floor((added.length + 3) / 4));
    const refused = added.find((e) => !sim.data.hasMandate(SEED.provider, e)) as string;
    const no = await api(sim, providerToken, "GET", `/trainings?enterpriseNumber=${refused}`);
    assert.equal(no.status, 403);
    assert.equal(no.body.type, "urn:problem-type:fla:noMandate");
    const yes = await api(sim, providerToken, "GET", `/trainings?enterpriseNumber=${mandated[0]}`);
    assert.equal(yes.status, 200);
    assert.equal(yes.body.total, sim.data.trainingsOf(mandated[0]).length);
  });

  it("answers every mandated employer's first page with the right total and next link (trainings and rights)", async function () {
    let trainings = 0;
    let rights = 0;
    for (const e of bySize) {
      const t = await api(sim, providerToken, "GET", `/trainings?enterpriseNumber=${e}&pageSize=100`);
      const expected = sim.data.trainingsOf(e).length;
      assert.equal(t.body.total, expected, e);
      assert.equal(t.body.items.length, Math.min(100, expected));
      assert.equal(t.body.next !== undefined, expected > 100, e);
      trainings += t.body.total;
      const r = await api(sim, providerToken, "GET", `/trainingRights?enterpriseNumber=${e}&pageSize=100`);
      assert.equal(r.body.total, sim.data.rightsOf(e).length, e);
      assert.equal(r.body.next !== undefined, r.body.total > 100, e);
      rights += r.body.total;
    }
    assert.equal(
      trainings,
      bySize.reduce((sum, e) => sum + sim.data.trainingsOf(e).length, 0),
    );
    assert.equal(
      rights,
      bySize.reduce((sum, e) => sum + sim.data.rightsOf(e).length, 0),
    );
  });

  it("pages the largest employer's trainings and rights to the end: each record once, in order, the same total on every page", async function () {
    const largest = bySize[0];
    const expected = sim.data.trainingsOf(largest).map((t) => t.trainingId);
    assert.ok(expected.length > 500, String(expected.length));
    const t = await walk(sim, providerToken, `/trainings?enterpriseNumber=${largest}&pageSize=100`);
    assert.deepEqual([...t.totals], [expected.length]);
    assert.equal(t.pages, Math.ceil(expected.length / 100));
    assert.equal(t.lastHasNext, false);
    assert.deepEqual(
      t.items.map((i) => i.trainingId),
      expected,
    );

    const r = await walk(sim, providerToken, `/trainingRights?enterpriseNumber=${largest}&pageSize=37`);
    const rights = sim.data.rightsOf(largest);
    assert.deepEqual([...r.totals], [rights.length]);
    assert.equal(r.pages, Math.ceil(rights.length / 37));
    assert.deepEqual(r.items, rights);
    assert.equal(new Set(r.items.map((i) => `${String(i.ssin)}/${String(i.year)}`)).size, rights.length);
  });

  it("keeps the indexes right through a declaration, a correction, a cancellation and a new right", async function () {
    const employer = bySize[bySize.length - 1];
    const before = sim.data.trainingsOf(employer).map((t) => t.trainingId);
    const worker = sim.data.employments.find((e) => e.enterpriseNumber === employer && e.to === undefined)
      ?.ssin as string;
    const body = training({
      employer: { enterpriseNumber: employer },
      worker: { ssin: worker },
      period: { startDate: "2026-10-05", endDate: "2026-10-05" },
      duration: { value: 7, unit: "HOURS" },
    });
    const created = await api(sim, providerToken, "POST", "/trainings", body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.trainingId as string;
    const afterCreate = await walk(sim, providerToken, `/trainings?enterpriseNumber=${employer}&pageSize=100`);
    assert.deepEqual(
      afterCreate.items.map((i) => i.trainingId),
      [...before, id],
    );

    // A correction of an older training keeps its place in the list.
    const older = sim.data.trainingsOf(employer)[0];
    const corrected = await api(sim, providerToken, "PUT", `/trainings/${older.trainingId}`, {
      ...training(),
      ...older,
      title: "Corrected at scale",
      trainingId: undefined,
      declarationId: undefined,
      status: undefined,
      declaredAt: undefined,
      source: undefined,
      anomalies: undefined,
    });
    assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    const afterCorrection = await walk(sim, providerToken, `/trainings?enterpriseNumber=${employer}&pageSize=100`);
    assert.deepEqual(
      afterCorrection.items.map((i) => i.trainingId),
      [...before, id],
    );
    assert.equal(afterCorrection.items[0].title, "Corrected at scale");
    const ofWorker = await api(
      sim,
      providerToken,
      "GET",
      `/trainings?enterpriseNumber=${employer}&ssin=${older.worker.ssin}`,
    );
    assert.equal(
      ofWorker.body.items.find((i: { trainingId: string }) => i.trainingId === older.trainingId)?.title,
      "Corrected at scale",
    );

    assert.equal((await api(sim, providerToken, "DELETE", `/trainings/${id}`)).status, 204);
    const afterCancel = await walk(sim, providerToken, `/trainings?enterpriseNumber=${employer}&pageSize=100`);
    assert.deepEqual(
      afterCancel.items.map((i) => i.trainingId),
      before,
    );
    assert.deepEqual([...afterCancel.totals], [before.length]);

    const rightsBefore = sim.data.rightsOf(employer).length;
    const declared = await api(sim, providerToken, "PUT", `/trainingRights/${employer}/${worker}/2027`, {
      individualDays: 5,
    });
    assert.equal(declared.status, 200, JSON.stringify(declared.body));
    const rights = await walk(sim, providerToken, `/trainingRights?enterpriseNumber=${employer}&pageSize=100`);
    assert.deepEqual([...rights.totals], [rightsBefore + 1]);
    assert.deepEqual(rights.items[rights.items.length - 1], declared.body.trainingRight);
  });

  it("computes a credit from the worker's trainings with that employer in that year", async function () {
    const employer = bySize[0];
    const worker = sim.data.trainingsOf(employer)[0].worker.ssin;
    const theirs = sim.data
      .trainingsOf(employer)
      .filter((t) => t.worker.ssin === worker && t.period.startDate.startsWith("2025"));
    const credit = await api(sim, providerToken, "GET", `/trainingCredits/${employer}/${worker}/2025`);
    assert.equal(credit.status, 200, JSON.stringify(credit.body));
    assert.equal(credit.body.trainingCount, theirs.length);
  });
});

describe("simulator: scale option", function () {
  it("seeds the same data for the same sizes and today", async function () {
    this.timeout(60_000);
    const scale = { employers: 40, trainings: 4_000 };
    const a = await startSimulator({ port: 0, today: TODAY, scale });
    const b = await startSimulator({ port: 0, today: TODAY, scale });
    try {
      assert.equal(a.data.trainings.size, 4_000);
      assert.deepEqual([...a.data.employers.values()], [...b.data.employers.values()]);
      assert.deepEqual([...a.data.workers.values()], [...b.data.workers.values()]);
      assert.deepEqual(a.data.employments, b.data.employments);
      assert.deepEqual(a.data.mandates, b.data.mandates);
      assert.deepEqual([...a.data.trainings.values()], [...b.data.trainings.values()]);
      assert.deepEqual([...a.data.rights.values()], [...b.data.rights.values()]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("follows the sizes asked: workers, a larger scale keeps the smaller one's employers", async function () {
    this.timeout(60_000);
    const small = await startSimulator({ port: 0, today: TODAY, scale: { employers: 10, trainings: 50, workers: 30 } });
    const large = await startSimulator({ port: 0, today: TODAY, scale: { employers: 20, trainings: 0 } });
    try {
      assert.equal(small.data.workers.size, 30 + 1); // the unemployed SEED worker is a worker too
      assert.equal(small.data.trainings.size, 50);
      assert.equal(large.data.trainings.size, 0);
      assert.equal(large.data.workers.size, 40 + 1);
      assert.deepEqual([...large.data.employers.keys()].slice(0, 10), [...small.data.employers.keys()]);
      assert.ok(large.data.rights.size >= 40 * 3);
    } finally {
      await Promise.all([small.stop(), large.stop()]);
    }
  });

  it("refuses impossible sizes and a scale without seed, with a clear message", async function () {
    await assert.rejects(
      startSimulator({ port: 0, scale: { employers: 3, trainings: 10 } }),
      /employers from 6 to 100,000, not 3/,
    );
    await assert.rejects(startSimulator({ port: 0, scale: { employers: 10, trainings: -1 } }), /trainings from 0/);
    await assert.rejects(startSimulator({ port: 0, scale: { employers: 10, trainings: 1.5 } }), /trainings from 0/);
    await assert.rejects(
      startSimulator({ port: 0, scale: { employers: 10, trainings: 10, workers: 12 } }),
      /workers from 13/,
    );
    await assert.rejects(
      startSimulator({ port: 0, seed: false, scale: { employers: 10, trainings: 10 } }),
      /cannot go with seed: false/,
    );
    await assert.rejects(
      startSimulator({ port: 0, today: "2023-12-31", scale: { employers: 10, trainings: 10 } }),
      /today after 2024-01-01/,
    );
  });

  it("is on the command line: --employers, --trainings, --workers, listed by --help", function () {
    assert.match(USAGE, /--employers N/);
    assert.match(USAGE, /--trainings N/);
    assert.match(USAGE, /--workers N/);
    assert.deepEqual(parseCliArguments(["--employers", "300", "--trainings", "100000"]).options.scale, {
      employers: 300,
      trainings: 100_000,
      workers: undefined,
    });
    assert.deepEqual(parseCliArguments(["--trainings", "5000"]).options.scale, {
      employers: 300,
      trainings: 5_000,
      workers: undefined,
    });
    assert.deepEqual(parseCliArguments(["--employers", "20", "--workers", "99"]).options.scale, {
      employers: 20,
      trainings: 100_000,
      workers: 99,
    });
    assert.equal(parseCliArguments([]).options.scale, undefined);
    assert.throws(() => parseCliArguments(["--employers", "many"]), /--employers needs a whole number/);
    assert.throws(() => parseCliArguments(["--employers", "2"]), /employers from 6/);
    assert.throws(() => parseCliArguments(["--no-seed", "--trainings", "10"]), /cannot go with --no-seed/);
  });

  it("fla-simulator --employers 12 --trainings 345 starts with that data set and says which employers the provider may read", async function () {
    const child = spawn(
      process.execPath,
      [resolve(__dirname, "../../../bin/fla-simulator.js"), "--port", "0", "--employers", "12", "--trainings", "345"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const out = await new Promise<string>((done, fail) => {
        let text = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (/scaled: provider .*\n/.test(text)) done(text);
        });
        child.once("exit", (code) => fail(new Error(`fla-simulator exited (${code}): ${text}`)));
      });
      assert.match(out, /data: 12 employers, \d+ workers, 345 trainings, \d+ rights \(scaled\)/);
      assert.match(
        out,
        new RegExp(
          `scaled: provider ${SEED.provider} has mandates for \\d+ of 12 employers; not for ${SEED.employers[3]}`,
        ),
      );
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
