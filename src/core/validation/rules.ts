/** The checks a JSON schema cannot express: check digits, real calendar dates, periods, durations, years. */
import { isValidEnterpriseNumber, isValidSsin } from "../identifiers";
import { anomaly, AnomalyList, show } from "./anomalies";
import { isAbsent } from "./normalize";

export const FLA_START = "2024-01-01";

/** Today's local calendar date as YYYY-MM-DD. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Number of calendar days from start to end, both included. */
export function daysInPeriod(start: string, end: string): number {
  return Math.round((Date.parse(end + "T00:00:00Z") - Date.parse(start + "T00:00:00Z")) / 86_400_000) + 1;
}

/** Checks a present SSIN (absence is the schema's business); a value of another type is left to the schema. */
export function checkSsin(value: unknown, field: string, list: AnomalyList): void {
  if (isAbsent(value) || list.failed(field)) return;
  if (typeof value !== "string" || !/^\d{11}$/.test(value))
    list.add(anomaly("LOCAL-SSIN-FORMAT", field, { v: show(value) }));
  else if (!isValidSsin(value)) list.add(anomaly("LOCAL-SSIN-CHECKSUM", field, { v: show(value) }));
}

export function checkEnterpriseNumber(value: unknown, field: string, list: AnomalyList): void {
  if (isAbsent(value) || list.failed(field)) return;
  if (typeof value !== "string" || !/^[01]\d{9}$/.test(value))
    list.add(anomaly("LOCAL-ENTERPRISE-FORMAT", field, { v: show(value) }));
  else if (!isValidEnterpriseNumber(value)) list.add(anomaly("LOCAL-ENTERPRISE-CHECKSUM", field, { v: show(value) }));
}

/** Returns the date when it is a real calendar date, after reporting it otherwise. */
export function checkDate(value: unknown, field: string, list: AnomalyList): string | undefined {
  if (isAbsent(value) || list.failed(field)) return undefined;
  if (isCalendarDate(value)) return value;
  list.add(anomaly("LOCAL-DATE-INVALID", field, { v: show(value) }));
  return undefined;
}

/** End not before start; returns true when both dates are valid and in order. */
export function checkOrder(
  start: string | undefined,
  end: string | undefined,
  endField: string,
  list: AnomalyList,
): boolean {
  if (!start || !end) return false;
  if (end < start) {
    list.add(anomaly("LOCAL-PERIOD-ORDER", endField, { start, end, v: show(end) }));
    return false;
  }
  return true;
}

/** A declared period: from 2024-01-01 and not in the future. */
export function checkDeclaredPeriod(
  start: string,
  end: string,
  prefix: string,
  today: string,
  list: AnomalyList,
): void {
  if (start < FLA_START) list.add(anomaly("LOCAL-PERIOD-BEFORE-FLA", `${prefix}startDate`, { v: start }));
  if (start > today) list.add(anomaly("LOCAL-PERIOD-FUTURE", `${prefix}startDate`, { v: start, today }));
  else if (end > today) list.add(anomaly("LOCAL-PERIOD-FUTURE", `${prefix}endDate`, { v: end, today }));
}

/** HOURS ≤ 24 × days of the period, DAYS ≤ days of the period. */
export function checkDuration(
  value: unknown,
  unit: unknown,
  start: string,
  end: string,
  field: string,
  list: AnomalyList,
): void {
  if (typeof value !== "number" || (unit !== "HOURS" && unit !== "DAYS") || list.failed(field)) return;
  const days = daysInPeriod(start, end);
  const max = unit === "HOURS" ? 24 * days : days;
  if (value > max)
    list.add(anomaly("LOCAL-DURATION-TOO-LONG", field, { v: String(value), unit, days, max, start, end }));
}

export function checkYear(value: unknown, field: string, today: string, list: AnomalyList): void {
  if (typeof value !== "number" || !Number.isInteger(value) || list.failed(field)) return;
  const max = Number(today.slice(0, 4));
  if (value < 2024 || value > max) list.add(anomaly("LOCAL-YEAR-RANGE", field, { v: String(value), max }));
}

/**
 * Training and declaration ids go into a URL path, and must stay one segment there whatever the URL parser or a server
 * behind makes of it: printable ASCII only (no control character, no unicode a server could normalise into "/" or "."),
 * no separator or escape ("/", "\\", "?", "#", "%"), and not only dots ("." and ".." are path navigation).
 */
export function checkId(value: unknown, field: string, list: AnomalyList): void {
  if (isAbsent(value) || list.failed(field)) return;
  if (typeof value !== "string" || !/^[!-~]{1,100}$/.test(value) || /[/?#%\\]/.test(value) || /^\.+$/.test(value)) {
    list.add(anomaly("LOCAL-ID-FORMAT", field, { v: show(value) }));
  }
}

/** Characters that show nothing: white space, control and format characters, and the other default-ignorable ones
 * (zero-width space and joiners, bidi marks, BOM, soft hyphen, Hangul fillers, variation selectors), and the blank braille. */
const INVISIBLE = /^[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** C0 and C1 control characters other than tab and line breaks. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** A free text (title, name, reference) must have something readable and no control character. */
export function checkFreeText(value: unknown, field: string, list: AnomalyList): void {
  if (typeof value !== "string" || value === "" || list.failed(field)) return;
  if (INVISIBLE.test(value)) list.add(anomaly("LOCAL-TEXT-BLANK", field, { v: show(value) }));
  else if (hasControl(value)) list.add(anomaly("LOCAL-TEXT-CONTROL", field, { v: show(value) }));
}
