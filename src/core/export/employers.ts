/** The employers of an export's input: one enterprise number, a list, or a CSV column; normalised, checked, deduplicated. */
import { normalizeEnterpriseNumber } from "../identifiers";
import type { Role } from "../settings";
import { anomaly, AnomalyList, show } from "../validation/anomalies";
import { checkEnterpriseNumber } from "../validation/rules";
import type { RefusedInput } from "./types";

/** One candidate of the input, with where it came from (for the anomaly's field). */
interface Candidate {
  value: unknown;
  field: string;
  /** The input as the user wrote it, for RefusedInput.input. */
  raw: string;
}

const MAX_RAW = 200;

/**
 * Never throws: any value (null, deep objects, huge text, a Buffer from a file-in node) gives a list of employers and
 * a list of refused inputs.
 */
export function parseEmployerList(
  payload: unknown,
  context: { role: Role; defaultEnterpriseNumber?: string },
): { employers: string[]; refused: RefusedInput[] } {
  const employers: string[] = [];
  const refused: RefusedInput[] = [];
  let candidates: Candidate[];
  try {
    candidates = candidatesOf(payload);
  } catch {
    candidates = [{ value: payload, field: "payload", raw: safeShow(payload) }];
  }
  const kept = new Set<string>();
  for (const candidate of candidates) {
    const checked = checkCandidate(candidate);
    if (typeof checked === "string") {
      if (!kept.has(checked)) employers.push(checked);
      kept.add(checked);
    } else {
      refused.push(checked);
    }
  }
  if (candidates.length === 0 && !isEmptyInput(payload)) {
    // Something was given ("abc", a CSV with only its header line, [""]) but no number in it: refused, never taken
    // for "nothing given" (that would export the config node's own employer instead of what was meant).
    const raw = Buffer.isBuffer(payload)
      ? clip(payload.toString("utf8").trim())
      : typeof payload === "string"
        ? clip(payload.trim())
        : safeShow(payload);
    refused.push({
      input: raw,
      anomalies: [anomaly("LOCAL-ENTERPRISE-FORMAT", "payload", { v: raw === "" ? safeShow(payload) : raw })],
    });
  } else if (candidates.length === 0) {
    if (context.role === "provider") {
      refused.push({ input: "", anomalies: [anomaly("LOCAL-EMPLOYER-REQUIRED", "payload")] });
    } else if (context.defaultEnterpriseNumber) {
      const checked = checkCandidate({
        value: context.defaultEnterpriseNumber,
        field: "enterpriseNumber",
        raw: context.defaultEnterpriseNumber,
      });
      if (typeof checked === "string") employers.push(checked);
      else refused.push(checked);
    } else {
      refused.push({ input: "", anomalies: [anomaly("LOCAL-EMPLOYER-MISSING", "payload")] });
    }
  }
  return { employers, refused };
}

/** Nothing given at all: no payload, an empty text or an empty list (in the employer role: the config node's own employer). */
function isEmptyInput(payload: unknown): boolean {
  if (payload === undefined || payload === null) return true;
  if (typeof payload === "string") return payload.replace(/^\uFEFF/, "").trim() === "";
  if (Buffer.isBuffer(payload))
    return (
      payload
        .toString("utf8")
        .replace(/^\uFEFF/, "")
        .trim() === ""
    );
  return Array.isArray(payload) && payload.length === 0;
}

function checkCandidate(candidate: Candidate): string | RefusedInput {
  const normalized =
    typeof candidate.value === "string" || typeof candidate.value === "number"
      ? normalizeEnterpriseNumber(candidate.value)
      : undefined;
  const list = new AnomalyList();
  if (normalized === undefined)
    list.add(anomaly("LOCAL-ENTERPRISE-FORMAT", candidate.field, { v: safeShow(candidate.value) }));
  else checkEnterpriseNumber(normalized, candidate.field, list);
  if (list.items.length === 0 && normalized !== undefined) return normalized;
  return { input: candidate.raw, anomalies: list.items };
}

function candidatesOf(payload: unknown): Candidate[] {
  if (payload === undefined || payload === null) return [];
  if (Buffer.isBuffer(payload)) return linesOf(payload.toString("utf8"));
  if (typeof payload === "string") return linesOf(payload);
  if (Array.isArray(payload)) return payload.flatMap((item, index) => itemCandidates(item, `payload[${index}]`));
  return itemCandidates(payload, "payload");
}

/** One element of a list: a number, a text (one number, possibly a CSV line), or a row object with `enterpriseNumber`. */
function itemCandidates(item: unknown, field: string): Candidate[] {
  if (item === undefined || item === null || item === "") return [];
  if (typeof item === "number") return [{ value: item, field, raw: String(item) }];
  if (typeof item === "string") {
    if (isBlankLine(item)) return [];
    return [{ value: firstField(item), field, raw: clip(item.trim()) }];
  }
  if (typeof item === "object" && !Array.isArray(item) && !Buffer.isBuffer(item)) {
    const row = item as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(row, "enterpriseNumber"))
      return itemCandidates(row.enterpriseNumber, `${field}.enterpriseNumber`);
  }
  return [{ value: item, field, raw: safeShow(item) }];
}

/** Text with one number per line: a CSV column pasted or read from a file (BOM, header line, quotes, blank lines). */
function linesOf(text: string): Candidate[] {
  const candidates: Candidate[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let seenContent = false;
  lines.forEach((line, index) => {
    if (isBlankLine(line)) return;
    const value = firstField(line);
    // The first line of a CSV file names its column ("enterpriseNumber", "Ondernemingsnummer"): no digit in it.
    const isHeader = !seenContent && !/\d/.test(value);
    seenContent = true;
    if (isHeader) return;
    candidates.push({
      value,
      field: lines.length === 1 ? "payload" : `payload line ${index + 1}`,
      raw: clip(line.trim()),
    });
  });
  return candidates;
}

/** A line with nothing but spaces and separators (an empty CSV row). */
function isBlankLine(line: string): boolean {
  return /^[\s;,\t"\uFEFF]*$/.test(line);
}

/** The first field of a CSV line (`;`, `,` or tab separated, RFC 4180 quotes), without the `="…"` form Excel keeps as text. */
function firstField(line: string): string {
  const text = line.replace(/^\uFEFF/, "").trim();
  let value = "";
  if (text.startsWith('"')) {
    for (let i = 1; i < text.length; i++) {
      if (text[i] === '"') {
        if (text[i + 1] !== '"') break;
        i++;
      }
      value += text[i];
    }
  } else {
    value = text.split(/[;,\t]/, 1)[0];
  }
  value = value.trim();
  const excelText = /^="(.*)"$/.exec(value);
  return (excelText ? excelText[1] : value).trim();
}

function clip(text: string): string {
  return text.length > MAX_RAW ? text.slice(0, MAX_RAW - 3) + "..." : text;
}

function safeShow(value: unknown): string {
  try {
    return show(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
