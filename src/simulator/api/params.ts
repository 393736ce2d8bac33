/** Checks of identifiers, dates and years given in a path or a query string. */
import { isValidEnterpriseNumber, isValidSsin } from "../../core/identifiers";
import type { Finding } from "../anomalies";
import { isIsoDate } from "../dates";

type Where = "path" | "query";

export function enterpriseNumberParam(
  value: string | null | undefined,
  where: Where,
  name: string,
  findings: Finding[],
  required: boolean,
): string | undefined {
  if (value === null || value === undefined || value === "") {
    if (required) findings.push({ code: "FLA-E-0001", in: where, name, detail: `${name} is required.` });
    return undefined;
  }
  if (!/^\d{10}$/.test(value)) {
    findings.push({ code: "FLA-E-0002", in: where, name, value, detail: `${name} must be 10 digits.` });
    return undefined;
  }
  if (!isValidEnterpriseNumber(value)) {
    findings.push({ code: "FLA-E-0011", in: where, name, value, detail: `${name} ${value} has wrong check digits.` });
    return undefined;
  }
  return value;
}

export function ssinParam(
  value: string | null | undefined,
  where: Where,
  name: string,
  findings: Finding[],
  required: boolean,
): string | undefined {
  if (value === null || value === undefined || value === "") {
    if (required) findings.push({ code: "FLA-E-0001", in: where, name, detail: `${name} is required.` });
    return undefined;
  }
  if (!/^\d{11}$/.test(value)) {
    findings.push({ code: "FLA-E-0002", in: where, name, value, detail: `${name} must be 11 digits.` });
    return undefined;
  }
  if (!isValidSsin(value)) {
    findings.push({ code: "FLA-E-0010", in: where, name, value, detail: `${name} ${value} has wrong check digits.` });
    return undefined;
  }
  return value;
}

export function dateParam(value: string | null, name: string, findings: Finding[]): string | undefined {
  if (value === null || value === "") return undefined;
  if (!isIsoDate(value)) {
    findings.push({
      code: "FLA-E-0002",
      in: "query",
      name,
      value,
      detail: `${name} must be a calendar date written YYYY-MM-DD.`,
    });
    return undefined;
  }
  return value;
}

/** A year of the FLA: from 2024 to next year. */
export function yearParam(
  value: string | null | undefined,
  where: Where,
  findings: Finding[],
  today: string,
  required: boolean,
): number | undefined {
  if (value === null || value === undefined || value === "") {
    if (required) findings.push({ code: "FLA-E-0001", in: where, name: "year", detail: "year is required." });
    return undefined;
  }
  if (!/^\d{4}$/.test(value)) {
    findings.push({ code: "FLA-E-0002", in: where, name: "year", value, detail: "year must be 4 digits." });
    return undefined;
  }
  const year = Number(value);
  const last = Number(today.slice(0, 4)) + 1;
  if (year < 2024 || year > last) {
    findings.push({ code: "FLA-E-0021", in: where, name: "year", value, detail: `year must be from 2024 to ${last}.` });
    return undefined;
  }
  return year;
}
