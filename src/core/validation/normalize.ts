/**
 * Friendly input accepted before validation. Everything works on a deep copy: the caller's object is never changed.
 * The copy is recursive: it runs only on payloads that inspectPayload (inspect.ts) found shallow, acyclic and readable.
 *
 * - every string is trimmed (in known and unknown fields);
 * - SSIN: dots, dashes, slashes and spaces are removed, "85.07.30-033.28" → "85073003328"; a number is padded to 11 digits;
 * - enterprise number: "BE", dots and spaces are removed, "BE 0203.430.576" → "0203430576"; 9 digits get their leading 0;
 * - `employer: "0203430576"` → `employer: { enterpriseNumber: "0203430576" }`, `worker: "85073003328"` → `worker: { ssin }`;
 * - numbers given as text: "14" → 14, "14,5" → 14.5, "+3" → 3 (only in numeric fields: duration.value, days, year, page...);
 * - booleans given as text: "true"/"false" (any case) → true/false (countsForSectoralRight);
 * - enum values in any case: "formal" → "FORMAL", "hours" → "HOURS";
 * - dates: a Date object → its calendar date (UTC when it is exactly midnight UTC, as `new Date("2024-03-04")` is, else the
 *   local date); "2024-03-04T00:00:00Z" → "2024-03-04" (the date as written); "2024-3-4" → "2024-03-04";
 *   "04/03/2024" and "04.03.2024" (day first, the Belgian way) → "2024-03-04";
 * - an empty text for the employer's enterprise number counts as missing (so the config node's default fills it).
 */
import { normalizeEnterpriseNumber, normalizeSsin } from "../identifiers";

export type Json = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  // A Function node builds its objects in its own context, with another Object.prototype: accept any realm's.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Deep copy of plain objects and arrays with every string trimmed; Dates are copied, other objects kept as they are. */
export function copyTrimmed(value: unknown): unknown {
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value)) return value.map(copyTrimmed);
  if (value instanceof Date) return new Date(value.getTime());
  if (isPlainObject(value)) {
    const out: Json = {};
    for (const [key, item] of Object.entries(value)) {
      // An own "__proto__" key (JSON.parse makes one) assigned with `=` would replace the copy's prototype instead.
      if (key === "__proto__")
        Object.defineProperty(out, key, {
          value: copyTrimmed(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = copyTrimmed(item);
    }
    return out;
  }
  return value;
}

/** "14" → 14, "14,5" → 14.5; anything else is returned as it is, for the schema to report. */
export function toNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!/^[+-]?\d+([.,]\d+)?$/.test(text)) return value;
  const number = Number(text.replace(",", "."));
  // 400 digits read as Infinity, which JSON sends as null: left as text, for the schema to report.
  return Number.isFinite(number) ? number : value;
}

export function toBoolean(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim().toLowerCase();
  if (text === "true") return true;
  if (text === "false") return false;
  return value;
}

export function toEnum(value: unknown): unknown {
  return typeof value === "string" ? value.trim().toUpperCase() : value;
}

function pad(n: number | string): string {
  return String(n).padStart(2, "0");
}

/** Normalises the friendly date forms listed at the top; anything else is returned as it is, for the checks to report. */
export function toDate(value: unknown): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "Invalid Date";
    const utcMidnight =
      value.getUTCHours() === 0 &&
      value.getUTCMinutes() === 0 &&
      value.getUTCSeconds() === 0 &&
      value.getUTCMilliseconds() === 0;
    return utcMidnight
      ? `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`
      : `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (typeof value !== "string") return value;
  const text = value.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (iso) return `${iso[1]}-${pad(iso[2])}-${pad(iso[3])}`;
  const dayFirst = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (dayFirst) return `${dayFirst[3]}-${pad(dayFirst[2])}-${pad(dayFirst[1])}`;
  return text;
}

/** The SSIN's 11 digits when the input has that shape once separators are removed; otherwise the input, for the checks. */
export function toSsin(value: unknown): unknown {
  return normalizeSsin(value) ?? value;
}

export function toEnterpriseNumber(value: unknown): unknown {
  return normalizeEnterpriseNumber(value) ?? value;
}

/** "" counts as not given (TypedInputs and CSV columns send empty text for "nothing"). */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** Applies `fn` to `obj[key]` when the key is present. */
export function mapField(obj: unknown, key: string, fn: (value: unknown) => unknown): void {
  if (isPlainObject(obj) && key in obj && obj[key] !== undefined) obj[key] = fn(obj[key]);
}

/** `employer: "0203430576"` → `{ enterpriseNumber: "0203430576" }` (same for worker/ssin). */
export function wrapIdentifier(obj: Json, key: string, inner: string): void {
  const value = obj[key];
  if (typeof value === "string" || typeof value === "number") obj[key] = { [inner]: value };
}
