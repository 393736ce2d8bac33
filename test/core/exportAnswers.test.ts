/**
 * The export against answers the simulator never gives (a credit answered 200 without a credit object), from a small
 * real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { runExport } from "../../src/core/export";
import { clientFor, ScriptedServer, type Responder } from "./apiTestServer";
import { exportOptions, readJsonl, tempFolder } from "./exportHelpers";

const EN = "0203430576";
const WORKERS = ["85073003328", "90010100126"];

/**
 * Two trainings (one per worker), no rights; the credits as `credit` answers them. Like an API that gives no links,
 * the pages never carry `next`: only `items`, `total`, `page` and `pageSize`.
 */
function api(
  credit: (ssin: string, year: string) => { status: number; body?: string },
  claimedTotal?: number,
  pastLastPage = 404,
): Responder {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: string): void => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(body);
    };
    if (url.pathname.endsWith("/trainings")) {
      const all = WORKERS.map((ssin, i) => ({ trainingId: `T-${i + 1}`, worker: { ssin }, title: "Safety" }));
      const page = Number(url.searchParams.get("page") ?? "1");
      const pageSize = Number(url.searchParams.get("pageSize") ?? "100");
      if ((page - 1) * pageSize >= all.length && page > 1)
        return send(pastLastPage, JSON.stringify({ title: "No such page" }));
      return send(
        200,
        JSON.stringify({
          items: all.slice((page - 1) * pageSize, page * pageSize),
          total: claimedTotal ?? all.length,
          page,
          pageSize,
        }),
      );
    }
    if (url.pathname.endsWith("/trainingRights"))
      return send(200, JSON.stringify({ items: [], total: 0, page: 1, pageSize: 100 }));
    const match = /\/trainingCredits\/\d+\/(\d+)\/(\d+)$/.exec(url.pathname);
    if (match) {
      const answer = credit(match[1], match[2]);
      return send(answer.status, answer.body ?? "");
    }
    send(404, "{}");
  };
}

describe("core/export against answers the simulator cannot give", () => {
  const server = new ScriptedServer();
  let client: FlaApiClient;
  const folders: string[] = [];

  before(async () => {
    await server.start();
    client = clientFor(server, { timeoutMs: 5000 });
  });
  after(async () => {
    await server.stop();
    for (const folder of folders) await fs.rm(folder, { recursive: true, force: true });
  });

  async function folder(): Promise<string> {
    const created = await tempFolder();
    folders.push(created);
    return path.join(created, "archive");
  }

  it("a credit answered 200 with an empty body is recorded but does not count as covered: credits partial, with the count and the reason", async () => {
    server.reset();
    server.otherwise(
      api((ssin) =>
        ssin === WORKERS[0]
          ? { status: 200, body: "" }
          : { status: 200, body: JSON.stringify({ entitlement: 1.5, unit: "DAYS" }) },
      ),
    );
    const dir = await folder();
    const manifest = await runExport(exportOptions(dir, [EN], { fromYear: 2025, toYear: 2025 }), {
      client,
      packageId: "test",
    });
    const credits = manifest.employers[EN].trainingCredits!;
    assert.equal(credits.complete, false);
    assert.equal(credits.unreadable, 1);
    assert.match(credits.reason ?? "", /1 worker-year\(s\) without a usable answer/);
    assert.equal(manifest.employers[EN].status, "partial");
    assert.equal(manifest.complete, false);
    const records = (await readJsonl(path.join(dir, EN, "training-credits.jsonl"))) as Record<string, unknown>[];
    assert.equal(records.length, 2, "both recorded, none dropped");
    assert.deepEqual(
      records.find((r) => r.ssin === WORKERS[0]),
      {
        enterpriseNumber: EN,
        ssin: WORKERS[0],
        year: 2025,
        found: false,
        httpStatus: 200,
        detail: "The API answered 200 without a credit object.",
        value: null,
      },
    );
  });

  it("a credit answered 200 with a credit object or 404 is covered: complete", async () => {
    server.reset();
    server.otherwise(
      api((ssin) =>
        ssin === WORKERS[0]
          ? { status: 404, body: JSON.stringify({ title: "Not found" }) }
          : { status: 200, body: JSON.stringify({ entitlement: 2 }) },
      ),
    );
    const dir = await folder();
    const manifest = await runExport(exportOptions(dir, [EN], { fromYear: 2025, toYear: 2025 }), {
      client,
      packageId: "test",
    });
    assert.equal(manifest.complete, true, JSON.stringify(manifest.employers[EN]));
    assert.equal(manifest.employers[EN].trainingCredits!.notFound, 1);
  });

  it("pages without a `next` link are read on while fewer records than the total were written: complete, each record once", async () => {
    server.reset();
    server.otherwise(api(() => ({ status: 404, body: JSON.stringify({ title: "Not found" }) })));
    const dir = await folder();
    const manifest = await runExport(exportOptions(dir, [EN], { fromYear: 2025, toYear: 2025, pageSize: 1 }), {
      client,
      packageId: "test",
    });
    const trainings = manifest.employers[EN].trainings!;
    assert.equal(trainings.complete, true, JSON.stringify(trainings));
    const records = (await readJsonl(path.join(dir, EN, "trainings.jsonl"))) as Record<string, unknown>[];
    assert.deepEqual(
      records.map((r) => r.trainingId),
      ["T-1", "T-2"],
    );
    assert.equal(manifest.complete, true, JSON.stringify(manifest.employers[EN]));
  });

  it("a total larger than the records, with no `next` and a 404 past the last page: partial with the count, not a refusal", async () => {
    server.reset();
    server.otherwise(api(() => ({ status: 404, body: JSON.stringify({ title: "Not found" }) }), 3));
    const dir = await folder();
    const manifest = await runExport(exportOptions(dir, [EN], { fromYear: 2025, toYear: 2025, pageSize: 1 }), {
      client,
      packageId: "test",
    });
    const trainings = manifest.employers[EN].trainings!;
    assert.equal(trainings.complete, false);
    assert.equal(trainings.written, 2);
    assert.match(trainings.reason ?? "", /2 record\(s\) read where the API's total says 3/);
    assert.equal(manifest.employers[EN].status, "partial", JSON.stringify(manifest.employers[EN]));
    const records = (await readJsonl(path.join(dir, EN, "trainings.jsonl"))) as Record<string, unknown>[];
    assert.deepEqual(
      records.map((r) => r.trainingId),
      ["T-1", "T-2"],
    );
  });

  it("a 400 past the last page ends the read as a 404 does (partial, not a refusal); a 403 there refuses the employer", async () => {
    server.reset();
    server.otherwise(api(() => ({ status: 404, body: JSON.stringify({ title: "Not found" }) }), 3, 400));
    const dir = await folder();
    const manifest = await runExport(exportOptions(dir, [EN], { fromYear: 2025, toYear: 2025, pageSize: 1 }), {
      client,
      packageId: "test",
    });
    assert.equal(manifest.employers[EN].trainings!.written, 2);
    assert.equal(manifest.employers[EN].status, "partial", JSON.stringify(manifest.employers[EN]));

    server.reset();
    server.otherwise(api(() => ({ status: 404, body: JSON.stringify({ title: "Not found" }) }), 3, 403));
    const refusedDir = await folder();
    const refused = await runExport(exportOptions(refusedDir, [EN], { fromYear: 2025, toYear: 2025, pageSize: 1 }), {
      client,
      packageId: "test",
    });
    assert.equal(refused.employers[EN].status, "refused", JSON.stringify(refused.employers[EN]));
  });
});
