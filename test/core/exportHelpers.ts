/** Shared helpers of the export tests: temp folders, raw reads of the API, archive readers. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildRequest, readCollection, type OperationParams } from "../../src/core/api/catalogue";
import type { FlaApiClient } from "../../src/core/api/httpClient";
import type { ExportOptions, Manifest } from "../../src/core/export";

export async function tempFolder(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "fla-export-test-"));
}

export function exportOptions(folder: string, employers: string[], extra: Partial<ExportOptions> = {}): ExportOptions {
  return {
    folder,
    employers,
    collections: ["trainings", "trainingRights", "trainingCredits"],
    fromYear: 2024,
    toYear: 2025,
    csv: true,
    xlsx: false,
    restart: false,
    ...extra,
  };
}

/** Every item of a collection read straight from the API, page after page. */
export async function apiItems(
  client: FlaApiClient,
  operation: "trainings" | "trainingRights",
  params: OperationParams,
): Promise<{ items: unknown[]; total: number }> {
  const items: unknown[] = [];
  let total = 0;
  for (let page = 1; ; page++) {
    const response = await client.send(buildRequest(operation, { ...params, page, pageSize: 100 }));
    assert.equal(response.httpStatus, 200, JSON.stringify(response.data));
    const collection = readCollection(response.data);
    assert.ok(collection);
    total = collection.total ?? 0;
    items.push(...collection.items);
    if (!collection.next || collection.items.length === 0) break;
  }
  return { items, total };
}

export async function readJsonl(file: string): Promise<unknown[]> {
  const text = await fs.readFile(file, "utf8");
  assert.ok(text === "" || text.endsWith("\n"), "the file ends with a complete line");
  return text === ""
    ? []
    : text
        .slice(0, -1)
        .split("\n")
        .map((line) => JSON.parse(line) as unknown);
}

/** RFC 4180 reader (`;` separated), for checking what the export writes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ";") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export async function sha256(file: string): Promise<string> {
  return createHash("sha256")
    .update(await fs.readFile(file))
    .digest("hex");
}

/** Every file entry of the manifest matches the file on disk. */
export async function assertFilesMatch(folder: string, manifest: Manifest): Promise<void> {
  for (const [relative, entry] of Object.entries(manifest.files)) {
    assert.ok(!relative.includes("\\") && !path.isAbsolute(relative), relative);
    const file = path.join(folder, ...relative.split("/"));
    const stat = await fs.stat(file);
    assert.equal(stat.size, entry.bytes, relative);
    assert.equal(await sha256(file), entry.sha256, relative);
  }
}

export async function lineCount(file: string): Promise<number> {
  return (await readJsonl(file)).length;
}
