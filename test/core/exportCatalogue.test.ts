/**
 * The export reads its collections as the catalogue describes them: the paging parameters are those the descriptor
 * names, and the page size at most its maxPageSize. A small real HTTP server on 127.0.0.1 honours only the renamed
 * paging parameters of a test catalogue (and refuses the built-in names), as another API version might.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { CATALOGUE, type OperationDescriptor } from "../../src/core/api/catalogue";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { runExport } from "../../src/core/export";
import { clientFor, ScriptedServer, type Responder } from "./apiTestServer";
import { exportOptions, readJsonl, tempFolder } from "./exportHelpers";

const EN = "0203430576";
const MAX_PAGE_SIZE = 2;
const TRAININGS = Array.from({ length: 5 }, (_, i) => ({
  trainingId: `T-${i + 1}`,
  worker: { ssin: "85073003328" },
  title: "Safety",
}));

/** The built-in trainings read, with its paging parameters renamed pageNumber/limit and pages of at most 2. */
const RENAMED_TRAININGS: OperationDescriptor = {
  ...CATALOGUE.spec("trainings"),
  params: [
    ...CATALOGUE.spec("trainings").params.filter((param) => param.format !== "page" && param.format !== "pageSize"),
    { name: "pageNumber", in: "query", format: "page" },
    { name: "limit", in: "query", format: "pageSize" },
  ],
  paging: { page: "pageNumber", pageSize: "limit", maxPageSize: MAX_PAGE_SIZE, next: "nextLinkOrTotal" },
};
const catalogue = CATALOGUE.with(RENAMED_TRAININGS);

function problem(res: Parameters<Responder>[1], status: number, title: string): void {
  res.writeHead(status, { "Content-Type": "application/problem+json" });
  res.end(JSON.stringify({ title }));
}

/** Trainings paged by pageNumber/limit only, without `next` links; no rights; no credit (404). */
const api: Responder = (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const send = (body: unknown): void => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (url.pathname.endsWith("/trainings")) {
    if (url.searchParams.has("page") || url.searchParams.has("pageSize")) return problem(res, 400, "Unknown parameter");
    const page = Number(url.searchParams.get("pageNumber") ?? "1");
    const pageSize = Number(url.searchParams.get("limit") ?? "1");
    if (pageSize > MAX_PAGE_SIZE) return problem(res, 400, "limit too large");
    if ((page - 1) * pageSize >= TRAININGS.length && page > 1) return problem(res, 404, "No such page");
    return send({ items: TRAININGS.slice((page - 1) * pageSize, page * pageSize), total: TRAININGS.length });
  }
  if (url.pathname.endsWith("/trainingRights")) return send({ items: [], total: 0, page: 1, pageSize: 100 });
  problem(res, 404, "Not found");
};

describe("core/export reads the paging of the catalogue's descriptors", () => {
  const server = new ScriptedServer();
  let client: FlaApiClient;
  let folder: string;

  before(async () => {
    await server.start();
    client = clientFor(server, { timeoutMs: 5000 });
    folder = await tempFolder();
  });
  after(async () => {
    await server.stop();
    await fs.rm(folder, { recursive: true, force: true });
  });

  it("renamed paging parameters and a smaller maxPageSize: every page read once, complete, and complete again on the next run", async () => {
    server.reset();
    server.otherwise(api);
    const dir = path.join(folder, "archive");
    const options = exportOptions(dir, [EN], { fromYear: 2025, toYear: 2025 });
    const manifest = await runExport(options, { client, packageId: "test", catalogue });
    const trainings = manifest.employers[EN].trainings!;
    assert.equal(trainings.complete, true, JSON.stringify(trainings));
    const records = (await readJsonl(path.join(dir, EN, "trainings.jsonl"))) as Record<string, unknown>[];
    assert.deepEqual(
      records.map((r) => r.trainingId),
      ["T-1", "T-2", "T-3", "T-4", "T-5"],
    );
    assert.equal(manifest.complete, true, JSON.stringify(manifest.employers[EN]));
    const asked = server.seen
      .filter((seen) => seen.url.includes("/trainings?"))
      .map((seen) => new URL(seen.url, "http://x").searchParams);
    assert.ok(
      asked.every((params) => params.get("limit") === String(MAX_PAGE_SIZE)),
      "every page of the download and of its verification at maxPageSize",
    );
    // Download and verification: pages 1 to 3 each.
    assert.deepEqual(
      asked.map((params) => params.get("pageNumber")),
      ["1", "2", "3", "1", "2", "3"],
    );

    server.reset();
    server.otherwise(api);
    const again = await runExport(options, { client, packageId: "test", catalogue });
    assert.equal(again.complete, true, JSON.stringify(again.employers[EN]));
    const checked = server.seen
      .filter((seen) => seen.url.includes("/trainings?"))
      .map((seen) => new URL(seen.url, "http://x").searchParams);
    assert.deepEqual(
      checked.map((params) => [params.get("pageNumber"), params.get("limit")]),
      [["1", "1"]],
      "the still-current check: page 1 of size 1",
    );
  });
});
