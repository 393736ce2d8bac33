import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { buildRequest } from "../../src/core/api/catalogue";
import { FlaError } from "../../src/core/errors";
import { readManifest, runExport, type EmployerRefusal, type ExportProgress, type Manifest } from "../../src/core/export";
import { SEED } from "../../src/simulator";
import type { TestSimulator } from "../support/simulator";
import { startEmployerAndProvider, type EmployerAndProvider, type SimulatorConnection } from "./apiSimulatorSetup";
import { apiItems, assertFilesMatch, exportOptions, parseCsv, readJsonl, tempFolder } from "./exportHelpers";

const PACKAGE = "node-red-contrib-careerpro-fla@test";

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
  void FlaError;
  void (null as unknown as EmployerRefusal);
  void (() => provider);

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
      assert.deepEqual({ ...manifest.employers[en].trainings, resume: undefined }, { written: api.total, total: api.total, complete: true, resume: undefined });
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
      const credits = (await readJsonl(path.join(dir, en, "training-credits.jsonl"))) as { enterpriseNumber: string; ssin: string; year: number; found?: boolean }[];
      assert.equal(credits.length, workers.size * 2);
      const keys = new Set(credits.map((c) => `${c.ssin}/${c.year}`));
      assert.equal(keys.size, credits.length, "no worker-year twice");
      for (const ssin of workers) for (const year of [2024, 2025]) assert.ok(keys.has(`${ssin}/${year}`));
      assert.ok(credits.every((c) => c.enterpriseNumber === en));
      const demo = credits.find((c) => c.ssin === SEED.demoWorker && c.year === 2025) as Record<string, unknown>;
      const api = await employer.client.send(buildRequest("trainingCredit", { enterpriseNumber: en, ssin: SEED.demoWorker, year: 2025 }));
      assert.deepEqual(demo, { enterpriseNumber: en, ssin: SEED.demoWorker, year: 2025, ...(api.data as object) });
      const state = manifest.employers[en].trainingCredits;
      assert.equal(state?.complete, true);
      assert.equal(state?.total, workers.size * 2);
      assert.equal(state?.notFound, credits.filter((c) => c.found === false).length);
    });

    it("CSV: BOM, ';' separator, one header, identifiers kept as text for Excel, nested fields in named columns", async () => {
      const text = await fs.readFile(path.join(dir, en, "trainings.csv"), "utf8");
      assert.ok(text.startsWith("\uFEFF"));
      const rows = parseCsv(text.slice(1));
      const header = rows[0];
      assert.equal(header[0], "trainingId");
      assert.ok(header.includes("worker.ssin") && header.includes("period.startDate") && header.includes("employer.enterpriseNumber"));
      assert.equal(header[header.length - 1], "otherFields");
      const trainings = (await readJsonl(path.join(dir, en, "trainings.jsonl"))) as Record<string, any>[];
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
      assert.deepEqual(rights[0], ["enterpriseNumber", "ssin", "year", "individualDays", "sectoralDays", "carriedOverDays", "unit", "declaredAt", "otherFields"]);
      assert.equal(rights[1][0], `="${en}"`);
    });

    it("XLSX: the four sheets, identifiers as text cells, the summary", async () => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(path.join(dir, en, `${en}.xlsx`));
      assert.deepEqual(workbook.worksheets.map((s) => s.name), ["Trainings", "Training rights", "Training credits", "Summary"]);
      const trainings = (await readJsonl(path.join(dir, en, "trainings.jsonl"))) as Record<string, any>[];
      const sheet = workbook.getWorksheet("Trainings")!;
      assert.equal(sheet.actualRowCount, trainings.length + 1);
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const cell = (row: number, name: string): unknown => sheet.getRow(row).getCell(header.indexOf(name) + 1).value;
      assert.equal(cell(2, "employer.enterpriseNumber"), en);
      assert.equal(typeof cell(2, "employer.enterpriseNumber"), "string");
      assert.equal(cell(2, "worker.ssin"), trainings[0].worker.ssin);
      assert.equal(cell(2, "duration.value"), trainings[0].duration.value);
      const summary = workbook.getWorksheet("Summary")!;
      assert.deepEqual((summary.getRow(1).values as unknown[]).slice(1), ["collection", "written", "total", "complete", "generatedAt"]);
      assert.deepEqual((summary.getRow(2).values as unknown[]).slice(1, 5), ["trainings", trainings.length, trainings.length, true]);
    });

    it("files: sizes and SHA-256 of the manifest are those of the files; owner-only modes", async () => {
      const names = ["trainings", "training-rights", "training-credits"].flatMap((stem) => [`${en}/${stem}.jsonl`, `${en}/${stem}.csv`]);
      assert.deepEqual(Object.keys(manifest.files).sort(), [...names, `${en}/${en}.xlsx`].sort());
      await assertFilesMatch(dir, manifest);
      if (process.platform !== "win32") {
        assert.equal((await fs.stat(path.join(dir, en))).mode & 0o777, 0o700);
        for (const name of [...Object.keys(manifest.files), "manifest.json"]) assert.equal((await fs.stat(path.join(dir, name))).mode & 0o777, 0o600, name);
      }
      assert.deepEqual((await fs.readdir(dir)).sort(), [en, "manifest.json"], "no lock or temporary file left");
    });

    it("progress: employer, collection, page, written", () => {
      assert.ok(progress.some((p) => p.collection === "trainings" && p.page === 2 && p.employerIndex === 1 && p.employerCount === 1));
      const last = progress.filter((p) => p.collection === "trainings").pop();
      assert.equal(last?.written, manifest.employers[en].trainings?.total);
    });

    it("a second run changes nothing: a complete employer is not downloaded again", async () => {
      const before = sim.stats.requests;
      const again = await runExport(exportOptions(dir, [en], { xlsx: true }), { client: employer.client, packageId: PACKAGE });
      assert.equal(sim.stats.requests, before);
      assert.equal(again.complete, true);
      assert.deepEqual(again.files, manifest.files);
    });
  });
});

