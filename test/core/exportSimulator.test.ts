import assert from "node:assert/strict";
import { mkdirSync, promises as fs, readFileSync } from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { spawn } from "node:child_process";
import ExcelJS from "exceljs";
import { buildRequest } from "../../src/core/api/catalogue";
import { FlaError } from "../../src/core/errors";
import {
  readManifest,
  runExport,
  type EmployerRefusal,
  type ExportProgress,
  type Manifest,
} from "../../src/core/export";
import { SEED } from "../../src/simulator";
import { getTestCertificates } from "../support/certificates";
import type { TestSimulator } from "../support/simulator";
import { startEmployerAndProvider, type EmployerAndProvider, type SimulatorConnection } from "./apiSimulatorSetup";
import { apiItems, assertFilesMatch, exportOptions, parseCsv, readJsonl, tempFolder } from "./exportHelpers";

const PACKAGE = "node-red-contrib-careerpro-fla@test";

function readFileSyncOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

interface Training {
  trainingId: string;
  title: string;
  worker: { ssin: string };
  period: { startDate: string };
  duration: { value: number };
}

describe("core/export against the simulator", function () {
  this.timeout(120_000);
  let setup: EmployerAndProvider | undefined;
  let sim: TestSimulator;
  let employer: SimulatorConnection;
  let provider: SimulatorConnection;
  const folders: string[] = [];

  before(async () => {
    setup = await startEmployerAndProvider();
    ({ sim, employer, provider } = setup);
  });
  after(async () => {
    await setup?.stop();
    for (const folder of folders) await fs.rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => sim.faults.clear());

  async function folder(): Promise<string> {
    const created = await tempFolder();
    folders.push(created);
    return path.join(created, "archive");
  }

  describe("a full export of the demo employer", () => {
    let dir: string;
    let manifest: Manifest;
    const progress: ExportProgress[] = [];
    const en = SEED.demoEmployer;

    before(async () => {
      dir = await folder();
      manifest = await runExport(exportOptions(dir, [en], { xlsx: true }), {
        client: employer.client,
        packageId: PACKAGE,
        onProgress: (p) => progress.push(p),
      });
    });

    it("is complete, and its manifest on disk is the one returned", async () => {
      assert.equal(manifest.complete, true, JSON.stringify(manifest.employers, null, 1));
      assert.equal(manifest.employers[en].status, "complete");
      assert.equal(manifest.package, PACKAGE);
      assert.ok(manifest.finishedAt);
      assert.deepEqual(await readManifest(dir), manifest);
      assert.deepEqual(JSON.parse(await fs.readFile(path.join(dir, "manifest.json"), "utf8")), manifest);
    });

    it("trainings: the JSON lines are the API's items, in order, and match its total", async () => {
      const api = await apiItems(employer.client, "trainings", { enterpriseNumber: en });
      assert.ok(api.total > 100, "more than one page");
      assert.deepEqual(await readJsonl(path.join(dir, en, "trainings.jsonl")), api.items);
      const state = manifest.employers[en].trainings!;
      assert.deepEqual(
        { ...state, resume: undefined, verifiedAt: undefined },
        { written: api.total, total: api.total, complete: true, resume: undefined, verifiedAt: undefined },
      );
      assert.ok(
        typeof state.verifiedAt === "string" && !Number.isNaN(Date.parse(state.verifiedAt)),
        "verified against the API",
      );
    });

    it("training rights: every year of the range, matching the API's totals", async () => {
      const y2024 = await apiItems(employer.client, "trainingRights", { enterpriseNumber: en, year: 2024 });
      const y2025 = await apiItems(employer.client, "trainingRights", { enterpriseNumber: en, year: 2025 });
      assert.ok(y2024.total > 0 && y2025.total > 0);
      assert.deepEqual(await readJsonl(path.join(dir, en, "training-rights.jsonl")), [...y2024.items, ...y2025.items]);
      const state = manifest.employers[en].trainingRights;
      assert.equal(state?.written, y2024.total + y2025.total);
      assert.equal(state?.total, y2024.total + y2025.total);
      assert.equal(state?.complete, true);
    });

    it("credits: one per worker of the trainings and rights and per year, with its identifiers; a worker-year without credit is recorded as such", async () => {
      const trainings = (await readJsonl(path.join(dir, en, "trainings.jsonl"))) as { worker: { ssin: string } }[];
      const rights = (await readJsonl(path.join(dir, en, "training-rights.jsonl"))) as { ssin: string }[];
      const workers = new Set([...trainings.map((t) => t.worker.ssin), ...rights.map((r) => r.ssin)]);
      const credits = (await readJsonl(path.join(dir, en, "training-credits.jsonl"))) as {
        enterpriseNumber: string;
        ssin: string;
        year: number;
        found?: boolean;
      }[];
      assert.equal(credits.length, workers.size * 2);
      const keys = new Set(credits.map((c) => `${c.ssin}/${c.year}`));
      assert.equal(keys.size, credits.length, "no worker-year twice");
      for (const ssin of workers) for (const year of [2024, 2025]) assert.ok(keys.has(`${ssin}/${year}`));
      assert.ok(credits.every((c) => c.enterpriseNumber === en));
      const demo = credits.find((c) => c.ssin === SEED.demoWorker && c.year === 2025) as Record<string, unknown>;
      const api = await employer.client.send(
        buildRequest("trainingCredit", { enterpriseNumber: en, ssin: SEED.demoWorker, year: 2025 }),
      );
      assert.deepEqual(demo, { enterpriseNumber: en, ssin: SEED.demoWorker, year: 2025, ...(api.data as object) });
      const state = manifest.employers[en].trainingCredits;
      assert.equal(state?.complete, true);
      assert.equal(state?.total, workers.size * 2);
      const notFound = credits.filter((c) => c.found === false);
      assert.ok(notFound.length > 0, "the seed has workers who left the employer");
      assert.equal(state?.notFound, notFound.length);
      assert.deepEqual(Object.keys(notFound[0]), [
        "enterpriseNumber",
        "ssin",
        "year",
        "found",
        "httpStatus",
        "detail",
        "problem",
      ]);
      assert.equal((notFound[0] as unknown as { httpStatus: number }).httpStatus, 404);
    });

    it("CSV: BOM, ';' separator, one header, identifiers kept as text for Excel, nested fields in named columns", async () => {
      const text = await fs.readFile(path.join(dir, en, "trainings.csv"), "utf8");
      assert.ok(text.startsWith("\uFEFF"));
      const rows = parseCsv(text.slice(1));
      const header = rows[0];
      assert.equal(header[0], "trainingId");
      assert.ok(
        header.includes("worker.ssin") &&
          header.includes("period.startDate") &&
          header.includes("employer.enterpriseNumber"),
      );
      assert.equal(header[header.length - 1], "otherFields");
      const trainings = (await readJsonl(path.join(dir, en, "trainings.jsonl"))) as Training[];
      assert.equal(rows.length, trainings.length + 1);
      const col = (name: string): number => header.indexOf(name);
      rows.slice(1).forEach((row, i) => {
        const t = trainings[i];
        assert.equal(row.length, header.length);
        assert.equal(row[col("employer.enterpriseNumber")], `="${en}"`);
        assert.equal(row[col("worker.ssin")], `="${t.worker.ssin}"`);
        assert.equal(row[col("trainingId")], `="${t.trainingId}"`);
        assert.equal(row[col("period.startDate")], t.period.startDate);
        assert.match(row[col("period.startDate")], /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(row[col("title")], t.title);
        assert.equal(row[col("duration.value")], String(t.duration.value));
      });
      const rights = parseCsv((await fs.readFile(path.join(dir, en, "training-rights.csv"), "utf8")).slice(1));
      assert.deepEqual(rights[0], [
        "enterpriseNumber",
        "ssin",
        "year",
        "individualDays",
        "sectoralDays",
        "carriedOverDays",
        "unit",
        "declaredAt",
        "otherFields",
      ]);
      assert.equal(rights[1][0], `="${en}"`);
    });

    it("XLSX: the four sheets, identifiers as text cells, the summary", async () => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(path.join(dir, en, `${en}.xlsx`));
      assert.deepEqual(
        workbook.worksheets.map((s) => s.name),
        ["Trainings", "Training rights", "Training credits", "Summary"],
      );
      const trainings = (await readJsonl(path.join(dir, en, "trainings.jsonl"))) as Training[];
      const sheet = workbook.getWorksheet("Trainings")!;
      assert.equal(sheet.actualRowCount, trainings.length + 1);
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const cell = (row: number, name: string): unknown => sheet.getRow(row).getCell(header.indexOf(name) + 1).value;
      assert.equal(cell(2, "employer.enterpriseNumber"), en);
      assert.equal(typeof cell(2, "employer.enterpriseNumber"), "string");
      assert.equal(cell(2, "worker.ssin"), trainings[0].worker.ssin);
      assert.equal(cell(2, "duration.value"), trainings[0].duration.value);
      const summary = workbook.getWorksheet("Summary")!;
      assert.deepEqual((summary.getRow(1).values as unknown[]).slice(1), [
        "collection",
        "written",
        "total",
        "complete",
        "generatedAt",
      ]);
      assert.deepEqual((summary.getRow(2).values as unknown[]).slice(1, 5), [
        "trainings",
        trainings.length,
        trainings.length,
        true,
      ]);
    });

    it("files: sizes and SHA-256 of the manifest are those of the files; owner-only modes", async () => {
      const names = ["trainings", "training-rights", "training-credits"].flatMap((stem) => [
        `${en}/${stem}.jsonl`,
        `${en}/${stem}.csv`,
      ]);
      assert.deepEqual(Object.keys(manifest.files).sort(), [...names, `${en}/${en}.xlsx`].sort());
      await assertFilesMatch(dir, manifest);
      if (process.platform !== "win32") {
        assert.equal((await fs.stat(path.join(dir, en))).mode & 0o777, 0o700);
        for (const name of [...Object.keys(manifest.files), "manifest.json"])
          assert.equal((await fs.stat(path.join(dir, name))).mode & 0o777, 0o600, name);
      }
      assert.deepEqual((await fs.readdir(dir)).sort(), [en, "manifest.json"], "no lock or temporary file left");
    });

    it("progress: employer, collection, page, written", () => {
      assert.ok(
        progress.some(
          (p) => p.collection === "trainings" && p.page === 2 && p.employerIndex === 1 && p.employerCount === 1,
        ),
      );
      const last = progress.filter((p) => p.collection === "trainings").pop();
      assert.equal(last?.written, manifest.employers[en].trainings?.total);
    });

    it("a second run changes nothing: a complete employer is not downloaded again, only checked (page 1 of pageSize 1 per read)", async () => {
      const before = sim.stats.requests;
      const again = await runExport(exportOptions(dir, [en], { xlsx: true }), {
        client: employer.client,
        packageId: PACKAGE,
      });
      // One request for the trainings and one per year of rights: their totals against what was written.
      assert.equal(sim.stats.requests, before + 1 + 2);
      assert.equal(again.complete, true);
      assert.deepEqual(again.files, manifest.files);
    });
  });

  describe("interrupted and resumed", () => {
    const en = SEED.demoEmployer;

    async function assertSameAsApi(dir: string): Promise<void> {
      const trainings = await apiItems(employer.client, "trainings", { enterpriseNumber: en });
      const onDisk = (await readJsonl(path.join(dir, en, "trainings.jsonl"))) as Training[];
      assert.equal(new Set(onDisk.map((t) => t.trainingId)).size, onDisk.length, "no training twice");
      assert.deepEqual(onDisk, trainings.items, "no gap, no duplicate, same order");
      const rights = await apiItems(employer.client, "trainingRights", { enterpriseNumber: en, year: 2025 });
      assert.deepEqual(await readJsonl(path.join(dir, en, "training-rights.jsonl")), rights.items);
      const csvRows = parseCsv((await fs.readFile(path.join(dir, en, "trainings.csv"), "utf8")).slice(1));
      assert.equal(csvRows.length, trainings.items.length + 1, "the CSV has one row per record too");
      assert.deepEqual(
        csvRows.slice(1).map((row) => row[0]),
        trainings.items.map((t) => `="${(t as Training).trainingId}"`),
      );
    }

    it("a simulator failure in the middle of the trainings: the run rejects after saving its place, the next run completes without duplicate or gap", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [en], {
        collections: ["trainings", "trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const failed = await runExport(options, {
        client: employer.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.collection === "trainings" && p.page === 3)
            sim.faults.add({ route: "GET /trainings", kind: "status", status: 503 });
        },
      }).then(
        () => assert.fail("the run should fail"),
        (error: unknown) => error,
      );
      assert.ok(failed instanceof FlaError, String(failed));
      assert.equal(failed.code, "FLA_HTTP");
      // Page 4 is asked for while page 3 is written: it may have been answered before the fault was planned.
      const stoppedAt = Number(/trainings of 0203430576 stopped at page (\d+)/.exec(failed.message)?.[1]);
      assert.ok(stoppedAt === 4 || stoppedAt === 5, failed.message);
      sim.faults.clear();
      const saved = (await readManifest(dir))!;
      assert.equal(saved.complete, false);
      assert.equal(saved.finishedAt, null);
      assert.equal(saved.error?.code, "FLA_HTTP");
      assert.equal(saved.employers[en].trainings?.written, (stoppedAt - 1) * 100);
      assert.equal(saved.employers[en].trainings?.complete, false);
      assert.deepEqual(saved.files, {}, "no file is recorded as finished");
      assert.equal(
        (await fs.stat(path.join(dir, en, "trainings.jsonl"))).size,
        saved.employers[en].trainings?.resume?.bytes.jsonl,
      );

      const before = sim.stats.requests;
      const resumed = await runExport(options, { client: employer.client, packageId: PACKAGE });
      const requests = sim.stats.requests - before;
      assert.equal(resumed.complete, true, JSON.stringify(resumed.employers[en]));
      assert.equal(resumed.error, null);
      await assertSameAsApi(dir);
      await assertFilesMatch(dir, resumed);
      const total = resumed.employers[en].trainings!.total!;
      const rightsPages = Math.ceil(resumed.employers[en].trainingRights!.total! / 100);
      // Plus the verification: every page read again (keys only) before the collection is marked complete.
      assert.equal(
        requests,
        Math.ceil(total / 100) - (stoppedAt - 1) + rightsPages + Math.ceil(total / 100) + rightsPages,
        "the pages on disk were not asked again",
      );
    });

    it("aborted in the middle of a collection, then resumed: complete, each record once", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [en], {
        collections: ["trainings", "trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const controller = new AbortController();
      const aborted = await runExport(options, {
        client: employer.client,
        packageId: PACKAGE,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.collection === "trainings" && p.page === 2) controller.abort();
        },
      }).catch((error: unknown) => error);
      assert.ok(aborted instanceof FlaError);
      assert.equal(aborted.code, "FLA_ABORTED");
      assert.equal((await readManifest(dir))?.employers[en].trainings?.written, 200);
      const resumed = await runExport(options, { client: employer.client, packageId: PACKAGE });
      assert.equal(resumed.complete, true);
      await assertSameAsApi(dir);
      await assertFilesMatch(dir, resumed);
    });

    it("a torn last line and records written after the last manifest save are cut on resume", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [en], {
        collections: ["trainings", "trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const controller = new AbortController();
      await runExport(options, {
        client: employer.client,
        packageId: PACKAGE,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.collection === "trainings" && p.page === 2) controller.abort();
        },
      }).catch(() => undefined);
      const jsonl = path.join(dir, en, "trainings.jsonl");
      const onDisk = (await readJsonl(jsonl)) as Training[];
      // As a crash would leave them: a whole record of a page the manifest never recorded, then half a line.
      await fs.appendFile(jsonl, JSON.stringify(onDisk[0]) + "\n" + '{"trainingId":"T-0');
      await fs.appendFile(path.join(dir, en, "trainings.csv"), '="T-000001";="0203430576";tor');
      const resumed = await runExport(options, { client: employer.client, packageId: PACKAGE });
      assert.equal(resumed.complete, true);
      await assertSameAsApi(dir);
      await assertFilesMatch(dir, resumed);
    });

    it("the disk refuses the manifest in the middle of a collection: FLA_FILE, and the next run resumes without duplicate or gap", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [en], {
        collections: ["trainings", "trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const failed = await runExport(options, {
        client: employer.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.collection === "trainings" && p.page === 2) mkdirSync(path.join(dir, "manifest.json.tmp"));
        },
        // Progress saved after every page, so that the failing save is the one after page 2.
        progressSaveMs: 0,
      }).catch((error: unknown) => error);
      assert.ok(failed instanceof FlaError, String(failed));
      assert.equal(failed.code, "FLA_FILE");
      assert.equal((await readManifest(dir))?.employers[en].trainings?.written, 200, "the manifest of page 2 stays");
      await fs.rmdir(path.join(dir, "manifest.json.tmp"));
      const resumed = await runExport(options, { client: employer.client, packageId: PACKAGE });
      assert.equal(resumed.complete, true);
      await assertSameAsApi(dir);
      await assertFilesMatch(dir, resumed);
    });

    /** Kills a child export three times at random moments, then resumes in this process. */
    async function killThreeTimesThenResume(progressSaveMs: number | undefined): Promise<number[]> {
      const dir = await folder();
      const options = exportOptions(dir, [en], {
        collections: ["trainings", "trainingRights"],
        fromYear: 2025,
        toYear: 2025,
        pageSize: 7,
      });
      const certs = await getTestCertificates();
      const settingsFile = path.join(path.dirname(dir), "child.json");
      await fs.writeFile(
        settingsFile,
        JSON.stringify({
          sim: { tokenUrl: sim.tokenUrl, apiUrl: sim.apiUrl },
          client: sim.client,
          keys: certs.client,
          options,
          progressSaveMs,
        }),
        { mode: 0o600 },
      );
      let killedAt: number[] = [];
      for (let kill = 0; kill < 3; kill++) {
        const child = spawn(process.execPath, [path.join(__dirname, "exportChild.js"), settingsFile], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
        // Kill after a random number of pages (counted from the start of this life), in the middle of whatever it does.
        const pages = 2 + Math.floor(Math.random() * 6);
        let seen = 0;
        let buffer = "";
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (chunk: Buffer) => {
            buffer += chunk.toString();
            const lines = buffer.split("\n");
            buffer = lines.pop() ?? "";
            for (const line of lines) {
              if (line === "done") return reject(new Error("the child finished before it was killed"));
              if (++seen === pages) {
                // Let it run on for a random instant, so that the kill lands anywhere in the next page's work.
                setTimeout(() => {
                  child.kill("SIGKILL");
                  resolve();
                }, Math.random() * 15);
              }
            }
          });
          child.on("exit", (code) =>
            code === 0 ? reject(new Error("the child ended before it was killed")) : resolve(),
          );
        });
        await exited;
        killedAt = [...killedAt, (await readManifest(dir))?.employers[en].trainings?.written ?? 0];
      }
      // The lock the killed process left behind names a dead process: the next run takes it over.
      const resumed = await runExport(options, { client: employer.client, packageId: PACKAGE });
      assert.equal(resumed.complete, true);
      await assertSameAsApi(dir);
      await assertFilesMatch(dir, resumed);
      return killedAt;
    }

    it("killed with SIGKILL three times at random moments, then resumed: complete, each record once", async function () {
      // Progress saved after every page: the kills land after a recorded page, in the middle of the collection.
      const killedAt = await killThreeTimesThenResume(0);
      assert.ok(
        killedAt[2] > 0 && killedAt[2] < (await apiItems(employer.client, "trainings", { enterpriseNumber: en })).total,
        `killed in the middle (${killedAt.join(", ")})`,
      );
    });

    it("killed with SIGKILL three times with progress saved every PROGRESS_SAVE_MS, then resumed: complete, each record once", async function () {
      // The default group commit: pages written after the last save are on disk but not in the manifest; a resume cuts them off.
      await killThreeTimesThenResume(undefined);
    });

    it("pages read several at once, answered out of order: written in page order, never more requests at once than readConcurrency", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [en], {
        collections: ["trainings", "trainingRights"],
        fromYear: 2025,
        toYear: 2025,
        pageSize: 7,
      });
      let inFlight = 0;
      let most = 0;
      const pagesOf = (request: Parameters<typeof employer.client.send>[0]): number =>
        Number(/[?&]page=(\d+)/.exec(request.path)?.[1] ?? 0);
      const scrambling = {
        send: async (
          request: Parameters<typeof employer.client.send>[0],
          sendOptions?: Parameters<typeof employer.client.send>[1],
        ) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          try {
            // Every third page answers late, so the pages after it arrive first.
            if (pagesOf(request) % 3 === 1) await new Promise((resolve) => setTimeout(resolve, 30));
            return await employer.client.send(request, sendOptions);
          } finally {
            inFlight -= 1;
          }
        },
      } as unknown as typeof employer.client;
      const manifest = await runExport(options, { client: scrambling, packageId: PACKAGE, readConcurrency: 3 });
      assert.equal(manifest.complete, true);
      assert.equal(most, 3, "three pages asked for at once, not more");
      await assertSameAsApi(dir);
      await assertFilesMatch(dir, manifest);
    });

    it("a failure in the middle of the credits, then resumed: one credit per worker-year, none twice", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [en], { collections: ["trainingCredits"], fromYear: 2025, toYear: 2025 });
      const failed = await runExport(options, {
        client: employer.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.collection === "trainingCredits" && p.page === 1)
            sim.faults.add({ route: "GET /trainingCredits/{enterpriseNumber}/{ssin}/{year}", kind: "reset" });
        },
      }).catch((error: unknown) => error);
      assert.ok(failed instanceof FlaError, String(failed));
      for (let error: unknown = failed; error; error = (error as { cause?: unknown }).cause) {
        assert.doesNotMatch(String((error as Error).message), /\d{11}/, "no SSIN in the error");
        assert.doesNotMatch(inspect(error, { depth: 6 }), /\d{11}/, "no SSIN in the error's fields");
      }
      sim.faults.clear();
      const saved = (await readManifest(dir))!;
      assert.equal(saved.employers[en].trainingCredits?.written, 100);
      assert.equal(
        await fs.access(path.join(dir, en, "trainings.jsonl")).then(
          () => true,
          () => false,
        ),
        false,
        "workers read without writing the trainings",
      );
      const resumed = await runExport(options, { client: employer.client, packageId: PACKAGE });
      const state = resumed.employers[en].trainingCredits!;
      assert.equal(resumed.complete, true);
      const credits = (await readJsonl(path.join(dir, en, "training-credits.jsonl"))) as {
        ssin: string;
        year: number;
      }[];
      assert.equal(credits.length, state.total);
      assert.equal(new Set(credits.map((c) => c.ssin)).size, credits.length);
      const trainings = await apiItems(employer.client, "trainings", { enterpriseNumber: en });
      const rights = await apiItems(employer.client, "trainingRights", { enterpriseNumber: en, year: 2025 });
      const workers = new Set([
        ...(trainings.items as Training[]).map((t) => t.worker.ssin),
        ...(rights.items as { ssin: string }[]).map((r) => r.ssin),
      ]);
      assert.deepEqual(new Set(credits.map((c) => c.ssin)), workers);
      const before = sim.stats.requests;
      assert.equal((await runExport(options, { client: employer.client, packageId: PACKAGE })).complete, true);
      assert.equal(sim.stats.requests, before, "a complete credits collection is not read again, nor its workers");
    });
  });

  describe("provider, refusals, restart, concurrent runs", () => {
    it("a provider: the employer without mandate is refused and reported, the others complete, the archive is not complete", async () => {
      const dir = await folder();
      const allowed = [SEED.employersWithMandate[1], SEED.employersWithMandate[2]];
      const refusals: EmployerRefusal[] = [];
      const manifest = await runExport(
        exportOptions(dir, [allowed[0], SEED.employerWithoutMandate, allowed[1]], { fromYear: 2025, toYear: 2025 }),
        {
          client: provider.client,
          packageId: PACKAGE,
          onRefused: (r) => void refusals.push(r),
        },
      );
      assert.equal(manifest.complete, false);
      assert.deepEqual(Object.keys(manifest.employers), [allowed[0], SEED.employerWithoutMandate, allowed[1]]);
      for (const en of allowed) assert.equal(manifest.employers[en].status, "complete", en);
      const refused = manifest.employers[SEED.employerWithoutMandate];
      assert.equal(refused.status, "refused");
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0].enterpriseNumber, SEED.employerWithoutMandate);
      assert.equal(refusals[0].collection, "trainings");
      assert.equal(refusals[0].fla.status, "FORBIDDEN");
      assert.equal(refusals[0].fla.httpStatus, 403);
      assert.equal(refusals[0].fla.anomalies[0].code, "FLA-E-0031");
      assert.deepEqual(refused.anomalies, refusals[0].fla.anomalies);
      assert.ok(manifest.finishedAt);
      await assertFilesMatch(dir, manifest);
      for (const en of allowed) assert.ok(manifest.files[`${en}/trainings.jsonl`]);
    });

    it("a refused employer gets no empty data files; a new run without it drops it (no data) and can be complete", async () => {
      const dir = await folder();
      const allowed = SEED.employersWithMandate[1];
      const options = exportOptions(dir, [SEED.employerWithoutMandate, allowed], { fromYear: 2025, toYear: 2025 });
      const first = await runExport(options, { client: provider.client, packageId: PACKAGE });
      assert.equal(first.employers[SEED.employerWithoutMandate].status, "refused");
      assert.deepEqual(
        await fs.readdir(path.join(dir, SEED.employerWithoutMandate)).catch(() => []),
        [],
        "no empty data files",
      );
      const second = await runExport(
        { ...options, employers: [allowed] },
        { client: provider.client, packageId: PACKAGE },
      );
      assert.deepEqual(Object.keys(second.employers), [allowed]);
      assert.deepEqual(second.order, [allowed]);
      assert.equal(second.complete, true);
      await assert.rejects(fs.stat(path.join(dir, SEED.employerWithoutMandate)), "its empty folder went with it");
    });

    it("an employer with data on disk stays in the archive when a new run leaves it out", async () => {
      const dir = await folder();
      const [kept, next] = [SEED.employersWithMandate[1], SEED.employersWithMandate[2]];
      const options = exportOptions(dir, [kept], { collections: ["trainings"] });
      await runExport(options, { client: provider.client, packageId: PACKAGE });
      const second = await runExport(
        { ...options, employers: [next] },
        { client: provider.client, packageId: PACKAGE },
      );
      assert.deepEqual(second.order, [next, kept]);
      assert.equal(second.employers[kept].status, "complete");
      assert.equal(second.complete, true);
    });

    it("the manifest keeps the input order in `order` (a number starting with 1 before one starting with 0 stays after it)", async () => {
      const dir = await folder();
      // A valid enterprise number starting with 1 that the simulator does not know: refused, but listed.
      const first8 = 10_000_000;
      const startsWith1 = `${first8}${String(97 - (first8 % 97)).padStart(2, "0")}`;
      const employers = [SEED.employersWithMandate[1], startsWith1];
      const manifest = await runExport(exportOptions(dir, employers, { collections: ["trainings"] }), {
        client: provider.client,
        packageId: PACKAGE,
      });
      assert.deepEqual(
        Object.keys(manifest.employers),
        [startsWith1, SEED.employersWithMandate[1]],
        "what JavaScript does with the keys",
      );
      assert.deepEqual(manifest.order, employers);
      const onDisk = (await readManifest(dir))!;
      assert.deepEqual(onDisk.order, employers);
    });

    it("a mandate withdrawn in the middle of the trainings: refused where it stopped, and resumed from there once given back", async () => {
      const dir = await folder();
      const en = SEED.demoEmployer;
      const mandates = (sim.data as unknown as { mandateKeys: Set<string> }).mandateKeys;
      const key = `${SEED.provider}>${en}`;
      assert.ok(mandates.has(key));
      const options = exportOptions(dir, [en], { collections: ["trainings"], pageSize: 50 });
      const refusals: EmployerRefusal[] = [];
      const refused = await runExport(options, {
        client: provider.client,
        packageId: PACKAGE,
        onRefused: (r) => void refusals.push(r),
        onProgress: (p) => {
          if (p.page === 2) mandates.delete(key);
        },
      });
      sim.addMandate(SEED.provider, en);
      assert.equal(refused.complete, false);
      assert.equal(refused.employers[en].status, "refused");
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0].fla.status, "FORBIDDEN");
      assert.deepEqual(
        refusals[0].fla.anomalies.map((a) => a.code),
        ["FLA-E-0031", "CLIENT-PAGE-FAILED"],
      );
      const written = refused.employers[en].trainings!.written;
      assert.ok(written === 100 || written === 150, String(written));
      const before = sim.stats.requests;
      const resumed = await runExport(options, { client: provider.client, packageId: PACKAGE });
      const requests = sim.stats.requests - before;
      assert.equal(resumed.complete, true);
      assert.equal(resumed.employers[en].status, "complete");
      assert.equal(resumed.employers[en].anomalies, undefined);
      // Plus the verification: every page read again (keys only).
      assert.equal(
        requests,
        Math.ceil(resumed.employers[en].trainings!.total! / 50) -
          written / 50 +
          Math.ceil(resumed.employers[en].trainings!.total! / 50),
        "resumed from where it stopped",
      );
      assert.deepEqual(
        await readJsonl(path.join(dir, en, "trainings.jsonl")),
        (await apiItems(provider.client, "trainings", { enterpriseNumber: en })).items,
      );
    });

    it("restart: a complete employer is downloaded again, its files rewritten", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [SEED.demoEmployer], {
        collections: ["trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const first = await runExport(options, { client: employer.client, packageId: PACKAGE });
      const file = path.join(dir, SEED.demoEmployer, "training-rights.jsonl");
      await fs.appendFile(file, "not a record\n");
      const before = sim.stats.requests;
      const again = await runExport({ ...options, restart: true }, { client: employer.client, packageId: PACKAGE });
      assert.ok(sim.stats.requests > before);
      assert.equal(again.complete, true);
      assert.deepEqual(again.files, first.files);
      await assertFilesMatch(dir, again);
    });

    it("a complete file changed on disk is detected and downloaded again", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [SEED.demoEmployer], {
        collections: ["trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const first = await runExport(options, { client: employer.client, packageId: PACKAGE });
      const file = path.join(dir, SEED.demoEmployer, "training-rights.jsonl");
      const text = await fs.readFile(file, "utf8");
      await fs.writeFile(file, text.replace(/"DAYS"/, '"HOURS"'));
      const again = await runExport(options, { client: employer.client, packageId: PACKAGE });
      assert.deepEqual(again.files, first.files);
      assert.equal(await fs.readFile(file, "utf8"), text);
    });

    it("a resume with more collections and years keeps what is complete and fetches the rest", async () => {
      const dir = await folder();
      const en = SEED.demoEmployer;
      await runExport(
        exportOptions(dir, [en], { collections: ["trainingRights"], fromYear: 2025, toYear: 2025, csv: false }),
        { client: employer.client, packageId: PACKAGE },
      );
      const before = sim.stats.requests;
      const grown = await runExport(
        exportOptions(dir, [en], { collections: ["trainings"], fromYear: 2024, toYear: 2024 }),
        { client: employer.client, packageId: PACKAGE },
      );
      const requests = sim.stats.requests - before;
      assert.deepEqual(grown.options, {
        collections: ["trainings", "trainingRights"],
        fromYear: 2024,
        toYear: 2025,
        csv: true,
        xlsx: false,
      });
      assert.equal(grown.complete, true, JSON.stringify(grown.employers[en]));
      const trainingsPages = Math.ceil(grown.employers[en].trainings!.total! / 100);
      const rights2024 = await apiItems(employer.client, "trainingRights", { enterpriseNumber: en, year: 2024 });
      const rights2025 = await apiItems(employer.client, "trainingRights", { enterpriseNumber: en, year: 2025 });
      // Trainings read and verified; 2025's rights checked (1 request), 2024's read, then both years verified.
      const verification = trainingsPages + Math.ceil(rights2024.total / 100) + Math.ceil(rights2025.total / 100);
      assert.equal(
        requests,
        trainingsPages + 1 + Math.ceil(rights2024.total / 100) + verification,
        "2025's rights were not read again",
      );
      const onDisk = await readJsonl(path.join(dir, en, "training-rights.jsonl"));
      assert.deepEqual(
        new Set(onDisk.map((r) => JSON.stringify(r))),
        new Set([...rights2024.items, ...rights2025.items].map((r) => JSON.stringify(r))),
      );
      assert.equal(onDisk.length, rights2024.total + rights2025.total);
      assert.ok(grown.files[`${en}/training-rights.csv`], "the CSV, turned on later, is built from the JSON lines");
      await assertFilesMatch(dir, grown);
    });

    it("a second run into the same folder at the same time is refused (FLA_LOCKED) and the first completes", async () => {
      const dir = await folder();
      const options = exportOptions(dir, [SEED.demoEmployer], {
        collections: ["trainingRights"],
        fromYear: 2025,
        toYear: 2025,
      });
      const [a, b] = await Promise.allSettled([
        runExport(options, { client: employer.client, packageId: PACKAGE }),
        runExport(options, { client: employer.client, packageId: PACKAGE }),
      ]);
      const outcomes = [a, b].map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as FlaError).code)).sort();
      assert.deepEqual(outcomes, ["FLA_LOCKED", "ok"]);
      const manifest = (await readManifest(dir))!;
      assert.equal(manifest.complete, true);
      await assertFilesMatch(dir, manifest);
    });

    it("a lock left by a dead process is taken over", async () => {
      const dir = await folder();
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(
        path.join(dir, ".lock"),
        JSON.stringify({
          pid: 2 ** 22 + 12345,
          host: (await import("node:os")).hostname(),
          startedAt: "2026-01-01T00:00:00Z",
        }),
      );
      const manifest = await runExport(
        exportOptions(dir, [SEED.demoEmployer], { collections: ["trainingRights"], fromYear: 2025, toYear: 2025 }),
        {
          client: employer.client,
          packageId: PACKAGE,
        },
      );
      assert.equal(manifest.complete, true);
    });

    it("a file system failure (a file where the employer's folder goes) rejects with FLA_FILE, the manifest saved; fixed, the run completes", async () => {
      const dir = await folder();
      const en = SEED.demoEmployer;
      const options = exportOptions(dir, [en], { collections: ["trainingRights"], fromYear: 2025, toYear: 2025 });
      // An archive (of no employer yet): a folder with other files and no manifest would be refused as not an export folder.
      await runExport({ ...options, employers: [] }, { client: employer.client, packageId: PACKAGE });
      await fs.writeFile(path.join(dir, en), "in the way");
      const failed = await runExport(options, { client: employer.client, packageId: PACKAGE }).catch(
        (error: unknown) => error,
      );
      assert.ok(failed instanceof FlaError);
      assert.equal(failed.code, "FLA_FILE");
      assert.match(failed.message, /in the way/);
      assert.equal((await readManifest(dir))?.error?.code, "FLA_FILE");
      await fs.rm(path.join(dir, en));
      assert.equal((await runExport(options, { client: employer.client, packageId: PACKAGE })).complete, true);
    });

    it("no employer at all: the archive is not complete", async () => {
      const dir = await folder();
      const manifest = await runExport(exportOptions(dir, []), { client: employer.client, packageId: PACKAGE });
      assert.equal(manifest.complete, false);
      assert.ok(manifest.finishedAt);
    });

    it("readManifest: undefined without an archive, FLA_FILE for a damaged manifest", async () => {
      const dir = await folder();
      assert.equal(await readManifest(dir), undefined);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, "manifest.json"), '{"complete": tr');
      await assert.rejects(
        readManifest(dir),
        (error: FlaError) => error.code === "FLA_FILE" && /damaged/.test(error.message),
      );
      await assert.rejects(
        runExport(exportOptions(dir, [SEED.demoEmployer]), { client: employer.client, packageId: PACKAGE }),
        { code: "FLA_FILE" },
      );
    });
  });

  describe("odd data", () => {
    it("a worker-year the API refuses as invalid (400) is recorded and counted, the other credits go on, and the credits are not complete", async () => {
      const dir = await folder();
      const en = SEED.employersWithMandate[2];
      const store = sim.data as unknown as {
        insertTraining(t: unknown): void;
        nextTrainingId(): string;
        trainingsOf(en: string): Record<string, unknown>[];
      };
      const base = store.trainingsOf(en)[0];
      // A training declared by a third party for a worker whose SSIN has wrong check digits.
      store.insertTraining({
        ...base,
        trainingId: store.nextTrainingId(),
        externalReference: undefined,
        worker: { ssin: "85073003399" },
      });
      const manifest = await runExport(exportOptions(dir, [en], { fromYear: 2025, toYear: 2025 }), {
        client: provider.client,
        packageId: PACKAGE,
      });
      const state = manifest.employers[en].trainingCredits!;
      assert.equal(manifest.employers[en].status, "partial");
      assert.equal(state.complete, false);
      assert.equal(state.rejected, 1);
      assert.match(state.reason ?? "", /1 refused by the API \(400\)/);
      const credits = (await readJsonl(path.join(dir, en, "training-credits.jsonl"))) as Record<string, unknown>[];
      const rejected = credits.find((c) => c.ssin === "85073003399");
      assert.deepEqual(
        { ...rejected, detail: undefined, problem: undefined },
        {
          enterpriseNumber: en,
          ssin: "85073003399",
          year: 2025,
          found: false,
          httpStatus: 400,
          detail: undefined,
          problem: undefined,
        },
      );
      assert.equal(credits.length, state.total);
    });

    it("pages that shift while read (a training back on page 1, another gone at the end: same total) are not taken as complete: downloaded again in the same run", async () => {
      const dir = await folder();
      const en = SEED.demoEmployer;
      const store = sim.data as unknown as {
        trainings: Map<string, Record<string, unknown>>;
        trainingsOf(en: string): { trainingId: string }[];
        cancelTraining(id: string, when: string): void;
      };
      const active = store.trainingsOf(en);
      const early = active[5].trainingId;
      const last = active[active.length - 1].trainingId;
      store.cancelTraining(early, "2026-11-30T10:00:00Z");
      const options = exportOptions(dir, [en], { collections: ["trainings"] });
      const shifted = await runExport(options, {
        client: employer.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.page !== 2) return;
          // The early training comes back (its place in the list is kept: every later one moves one place on) and
          // the last one is cancelled: the total stays the same.
          store.trainings.set(early, { ...store.trainings.get(early), status: "ACCEPTED", cancelledAt: undefined });
          store.cancelTraining(last, "2026-11-30T10:00:00Z");
        },
      });
      assert.equal(shifted.complete, true, JSON.stringify(shifted.employers[en].trainings));
      const api = await apiItems(employer.client, "trainings", { enterpriseNumber: en });
      assert.deepEqual(await readJsonl(path.join(dir, en, "trainings.jsonl")), api.items);
    });

    type Store = {
      trainingsOf(en: string): Record<string, unknown>[];
      cancelTraining(id: string, when: string): void;
      insertTraining(t: unknown): void;
      nextTrainingId(): string;
    };
    /** Cancels a training of page 1 and declares a new one (at the end): the total stays, every later page moves one place. */
    function cancelEarlyDeclareNew(en: string): void {
      const store = sim.data as unknown as Store;
      const active = store.trainingsOf(en);
      store.cancelTraining(String(active[3].trainingId), "2026-11-30T10:00:00Z");
      store.insertTraining({ ...active[0], trainingId: store.nextTrainingId(), externalReference: undefined });
    }

    it("one training cancelled on an earlier page and another declared during the read (same total, nothing twice, one skipped): verified, found different, downloaded again, complete and equal to the API", async () => {
      const dir = await folder();
      const en = SEED.employersWithMandate[0];
      const options = exportOptions(dir, [en], { collections: ["trainings"], pageSize: 50 });
      let changed = false;
      const before = sim.stats.requests;
      const manifest = await runExport(options, {
        client: provider.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.page !== 2 || changed) return;
          changed = true;
          cancelEarlyDeclareNew(en);
        },
      });
      const requests = sim.stats.requests - before;
      const api = await apiItems(provider.client, "trainings", { enterpriseNumber: en });
      assert.ok(api.total > 100, "more than two pages");
      const state = manifest.employers[en].trainings!;
      assert.equal(manifest.complete, true, JSON.stringify(state));
      assert.ok(state.verifiedAt);
      assert.deepEqual(await readJsonl(path.join(dir, en, "trainings.jsonl")), api.items);
      // Two downloads, each read a second time for the verification: 4× the pages (the cost of verifying is 2×).
      assert.equal(requests, 4 * Math.ceil(api.total / 50));
    });

    it("data changed between a failure and the resume (one cancelled on an earlier page, one declared): the resumed collection is verified, downloaded again, complete and equal to the API", async () => {
      const dir = await folder();
      const en = SEED.employersWithMandate[2];
      const options = exportOptions(dir, [en], { collections: ["trainings"], pageSize: 50 });
      const failed = await runExport(options, {
        client: provider.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.page === 2) sim.faults.add({ route: "GET /trainings", kind: "status", status: 503 });
        },
      }).catch((error: unknown) => error);
      assert.ok(failed instanceof FlaError, String(failed));
      sim.faults.clear();
      cancelEarlyDeclareNew(en);
      const resumed = await runExport(options, { client: provider.client, packageId: PACKAGE });
      assert.equal(resumed.complete, true, JSON.stringify(resumed.employers[en].trainings));
      assert.deepEqual(
        await readJsonl(path.join(dir, en, "trainings.jsonl")),
        (await apiItems(provider.client, "trainings", { enterpriseNumber: en })).items,
      );
    });

    it("while the verification reads, the manifest on disk does not say complete (a run cut short there verifies again)", async () => {
      const dir = await folder();
      const en = SEED.employersWithMandate[1];
      const seen: unknown[] = [];
      const watching = {
        send: (
          request: Parameters<typeof provider.client.send>[0],
          options?: Parameters<typeof provider.client.send>[1],
        ) => {
          const manifest = readFileSyncOrUndefined(path.join(dir, "manifest.json"));
          if (manifest) seen.push((JSON.parse(manifest) as Manifest).employers[en]?.trainings?.complete);
          return provider.client.send(request, options);
        },
      } as unknown as typeof provider.client;
      const manifest = await runExport(exportOptions(dir, [en], { collections: ["trainings"], pageSize: 50 }), {
        client: watching,
        packageId: PACKAGE,
      });
      assert.equal(manifest.complete, true);
      assert.ok(seen.length > 4);
      assert.ok(!seen.includes(true), JSON.stringify(seen));
    });

    it("data that changes during every download: partial after 3 downloads, with the reason", async () => {
      const dir = await folder();
      const en = SEED.employersWithMandate[1];
      const manifest = await runExport(exportOptions(dir, [en], { collections: ["trainings"], pageSize: 50 }), {
        client: provider.client,
        packageId: PACKAGE,
        onProgress: (p) => {
          if (p.page === 2) cancelEarlyDeclareNew(en);
        },
      });
      const state = manifest.employers[en].trainings!;
      assert.equal(manifest.complete, false);
      assert.equal(state.complete, false);
      assert.equal(manifest.employers[en].status, "partial");
      assert.match(
        state.reason ?? "",
        /^Not verified after 3 download\(s\): 1 record\(s\) the API lists are not in the file/,
      );
      assert.equal(state.verifiedAt, undefined);
    });

    it("a collection complete in an earlier run whose total changed since is downloaded again", async () => {
      const dir = await folder();
      const en = SEED.employersWithMandate[0];
      const options = exportOptions(dir, [en], { collections: ["trainings"] });
      assert.equal((await runExport(options, { client: provider.client, packageId: PACKAGE })).complete, true);
      const store = sim.data as unknown as Store;
      const base = store.trainingsOf(en)[0];
      store.insertTraining({ ...base, trainingId: store.nextTrainingId(), externalReference: undefined });
      const later = await runExport(options, { client: provider.client, packageId: PACKAGE });
      assert.equal(later.complete, true);
      const api = await apiItems(provider.client, "trainings", { enterpriseNumber: en });
      assert.equal(later.employers[en].trainings!.written, api.total);
      assert.deepEqual(await readJsonl(path.join(dir, en, "trainings.jsonl")), api.items);
    });
  });
});
