/** Calendar dates as YYYY-MM-DD strings, computed in UTC so that the time zone never shifts a day. */

const DAY_MS = 86_400_000;

/** True for a real calendar date written YYYY-MM-DD (2024-02-30 is not). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(value + "T00:00:00Z");
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export function toEpochDay(date: string): number {
  return Math.round(Date.parse(date + "T00:00:00Z") / DAY_MS);
}

export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days in a period, both ends included. */
export function daysInPeriod(startDate: string, endDate: string): number {
  return toEpochDay(endDate) - toEpochDay(startDate) + 1;
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

export function realToday(): string {
  return new Date().toISOString().slice(0, 10);
}

/** True when [aStart, aEnd] and [bStart, bEnd] share at least one day; an open end is the far future. */
export function overlaps(aStart: string, aEnd: string | undefined, bStart: string, bEnd: string | undefined): boolean {
  return aStart <= (bEnd ?? "9999-12-31") && bStart <= (aEnd ?? "9999-12-31");
}
