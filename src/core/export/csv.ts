/**
 * CSV as Belgian Excel opens it by a double click: UTF-8 with a byte-order mark (accents), `;` separators (the
 * separator of the fr-BE and nl-BE locales), one header line, RFC 4180 quoting. Written by hand: it is a few lines, a
 * library would buy nothing here and would not know the `="…"` form below.
 *
 * Identifiers are written `="0203430576"`: the one form Excel keeps as text on a double click (a plain or quoted
 * 0203430576 loses its leading zero, and an 11-digit SSIN turns into a number in scientific notation). Any other text
 * Excel would read as a number with a leading zero, or as a formula (`=`, `+`, `-`, `@`), gets the same form, so that
 * the cell shows exactly what the API returned. Decimals get a comma. Dates stay ISO (YYYY-MM-DD), as the API returns them.
 */
import { COLUMNS, flatten, headerOf } from "./columns";
import type { CollectionName } from "./types";

export const CSV_SEPARATOR = ";";
export const BOM = "\uFEFF";
const LINE_END = "\r\n";
/** Excel's limit for a text literal inside a formula. */
const MAX_FORMULA_TEXT = 255;

export function csvHeader(collection: CollectionName): string {
  return BOM + headerOf(collection).map(quote).join(CSV_SEPARATOR) + LINE_END;
}

export function csvLine(collection: CollectionName, record: unknown): string {
  const columns = COLUMNS[collection];
  const cells = flatten(collection, record);
  return cells.map((value, index) => cell(value, columns[index]?.id === true)).join(CSV_SEPARATOR) + LINE_END;
}

function cell(value: unknown, isIdentifier: boolean): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "bigint")
    return isIdentifier ? asExcelText(String(value)) : number(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (isIdentifier || needsTextForm(text)) return asExcelText(text);
  return quote(text);
}

/**
 * The fr-BE and nl-BE locales, whose `;` separator this CSV uses, read a decimal comma: `1.5` would stay text (or turn
 * into a date). The JSON lines keep the API's numbers.
 */
function number(value: number | bigint): string {
  return String(value).replace(".", ",");
}

/** Text Excel would otherwise change: digits with a leading zero, long digit runs, or a formula start. */
function needsTextForm(text: string): boolean {
  return /^0\d/.test(text) || /^\d{12,}$/.test(text) || (/^[=+\-@]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text));
}

function asExcelText(text: string): string {
  if (text === "") return "";
  if (text.length > MAX_FORMULA_TEXT || /[\r\n]/.test(text)) return quote(text);
  return quote(`="${text.replace(/"/g, '""')}"`);
}

/** RFC 4180: a field with a separator, a quote, a line break (or any leading/trailing space) is quoted, quotes doubled. */
function quote(text: string): string {
  return /[";\r\n,]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
