/** The fla-export node's settings (as the editor saves them) turned into the core's options, checked at deploy. */
import {
  COLLECTIONS,
  FIRST_FLA_YEAR,
  YEAR_PATTERN,
  YEARS_AFTER_CURRENT,
  type CollectionName,
} from "../../core/export/types";

export interface ExportNodeSettings {
  trainings?: boolean | string;
  trainingRights?: boolean | string;
  trainingCredits?: boolean | string;
  fromYear?: number | string;
  toYear?: number | string;
  csv?: boolean | string;
  xlsx?: boolean | string;
}

export interface ExportChoices {
  collections: CollectionName[];
  fromYear: number;
  toYear: number;
  csv: boolean;
  xlsx: boolean;
}

/** A checkbox saved by the editor; absent means the default (flows written before the setting existed, or by hand). */
function flag(value: boolean | string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return value === true || value === "true";
}

function year(value: number | string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === null || String(value).trim() === "") return fallback;
  const text = String(value).trim();
  return new RegExp(YEAR_PATTERN).test(text) ? Number(text) : undefined;
}

/** The choices, or a sentence saying what to fix. `now` gives the current year, the default end of the range. */
export function exportChoices(def: ExportNodeSettings, now: Date = new Date()): ExportChoices | { problem: string } {
  const currentYear = now.getFullYear();
  const collections = COLLECTIONS.filter((name) => flag(def[name], true));
  if (collections.length === 0)
    return { problem: "Choose at least one collection to export (trainings, training rights, training credits)." };
  const fromYear = year(def.fromYear, FIRST_FLA_YEAR);
  const toYear = year(def.toYear, currentYear);
  if (fromYear === undefined || toYear === undefined)
    return { problem: `The years must be written with four digits, e.g. ${FIRST_FLA_YEAR}.` };
  if (fromYear < FIRST_FLA_YEAR)
    return {
      problem: `The FLA holds nothing before ${FIRST_FLA_YEAR}: start the years at ${FIRST_FLA_YEAR} or later.`,
    };
  if (toYear < fromYear)
    return { problem: `The years run from ${fromYear} to ${toYear}: the last year comes before the first.` };
  if (toYear > currentYear + YEARS_AFTER_CURRENT)
    return { problem: `The last year (${toYear}) is after the current year (${currentYear}).` };
  return { collections, fromYear, toYear, csv: flag(def.csv, true), xlsx: flag(def.xlsx, false) };
}
