/**
 * `<enterpriseNumber>/<enterpriseNumber>.xlsx`: one sheet per exported collection (same columns as the CSV) and a
 * Summary, written with exceljs's streaming writer from the JSON lines on disk, line by line, so that memory stays flat
 * whatever the size of the employer. Identifiers are text cells (leading zeros kept), numbers are numbers, dates stay
 * ISO text as the API returns them. Written to a temporary file and renamed: a crash never leaves a half workbook.
 */
import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { once } from "node:events";
import type ExcelJSModule from "exceljs";
import { COLUMNS, flatten, headerOf } from "./columns";
import { dataFiles } from "./collectionFiles";
import { FILE_MODE, forEachLine, onDisk, parseLine } from "./files";
import { COLLECTIONS, type CollectionName, type EmployerState } from "./types";

export const SHEET_NAMES: Readonly<Record<CollectionName, string>> = {
  trainings: "Trainings",
  trainingRights: "Training rights",
  trainingCredits: "Training credits",
};

/** Excel's limit of characters in a cell. */
const MAX_CELL_TEXT = 32_767;

export function workbookPath(folder: string, enterpriseNumber: string): string {
  return path.join(folder, enterpriseNumber, `${enterpriseNumber}.xlsx`);
}

export async function writeWorkbook(
  folder: string,
  enterpriseNumber: string,
  state: EmployerState,
  collections: readonly CollectionName[],
  generatedAt: string,
): Promise<void> {
  const file = workbookPath(folder, enterpriseNumber);
  const temp = `${file}.tmp`;
  // Loaded on first use: exceljs takes a good half second to load, which a Node-RED start without XLSX need not pay.
  const ExcelJS = ((await import("exceljs")) as unknown as { default: typeof ExcelJSModule }).default;
  await onDisk("writing", temp, async () => {
    const stream = createWriteStream(temp, { mode: FILE_MODE });
    const closed = once(stream, "close");
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
    for (const collection of COLLECTIONS) {
      if (!collections.includes(collection)) continue;
      const sheet = workbook.addWorksheet(SHEET_NAMES[collection]);
      sheet.addRow(headerOf(collection)).commit();
      const ids = COLUMNS[collection].map((column) => column.id === true);
      const files = dataFiles(folder, enterpriseNumber, collection);
      const bytes = state[collection]?.resume?.bytes.jsonl ?? (await fs.stat(files.jsonl)).size;
      let rows = 0;
      await forEachLine(files.jsonl, bytes, async (line) => {
        const cells = flatten(collection, parseLine(line, files.jsonl)).map((value, index) =>
          cellValue(value, ids[index] === true),
        );
        sheet.addRow(cells).commit();
        // Let the zip stream drain now and then, so that rows do not pile up in memory.
        if (++rows % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      });
      sheet.commit();
    }
    const summary = workbook.addWorksheet("Summary");
    summary.addRow(["collection", "written", "total", "complete", "generatedAt"]).commit();
    for (const collection of COLLECTIONS) {
      const entry = state[collection];
      if (!collections.includes(collection))
        summary.addRow([collection, null, null, "not exported", generatedAt]).commit();
      else
        summary
          .addRow([collection, entry?.written ?? 0, entry?.total ?? null, entry?.complete === true, generatedAt])
          .commit();
    }
    summary.addRow([]).commit();
    summary.addRow(["enterpriseNumber", enterpriseNumber]).commit();
    summary.commit();
    await workbook.commit();
    await closed;
    await fs.chmod(temp, FILE_MODE);
    const handle = await fs.open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
  await onDisk("renaming", temp, () => fs.rename(temp, file));
}

function cellValue(value: unknown, isIdentifier: boolean): ExcelJSModule.CellValue {
  if (value === undefined || value === null) return null;
  if (isIdentifier) return String(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT) : text;
}
