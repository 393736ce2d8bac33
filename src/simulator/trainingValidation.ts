/** Schema and stateless business rules of a Training body; rules that need the data (employment, duplicates) live in the handlers. */
import { isValidEnterpriseNumber, isValidSsin } from "../core/identifiers";
import type { Finding } from "./anomalies";
import { daysInPeriod, isIsoDate } from "./dates";
import { DURATION_UNITS, FLA_START, FUNDINGS, NATURES, OUTCOMES } from "./seed";
import type { TrainingBody } from "./types";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Collector {
  readonly findings: Finding[] = [];

  add(code: Finding["code"], name: string, value: unknown, detail: string): void {
    this.findings.push({ code, name, in: "body", value, detail });
  }

  /** The object at `name`, or undefined with a finding when it is missing (if required) or not an object. */
  object(parent: Json, key: string, name: string, required: boolean): Json | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.add("FLA-E-0001", name, undefined, `${name} is required.`);
      return undefined;
    }
    if (!isObject(value)) {
      this.add("FLA-E-0002", name, value, `${name} must be an object.`);
      return undefined;
    }
    return value;
  }

  enumValue(
    parent: Json,
    key: string,
    name: string,
    allowed: readonly string[],
    required: boolean,
  ): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.add("FLA-E-0001", name, undefined, `${name} is required (one of ${allowed.join(", ")}).`);
      return undefined;
    }
    if (typeof value !== "string" || !allowed.includes(value)) {
      this.add("FLA-E-0003", name, value, `${name} must be one of ${allowed.join(", ")}.`);
      return undefined;
    }
    return value;
  }

  text(parent: Json, key: string, name: string, max: number, required: boolean): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.add("FLA-E-0001", name, undefined, `${name} is required.`);
      return undefined;
    }
    if (typeof value !== "string") {
      this.add("FLA-E-0002", name, value, `${name} must be a string.`);
      return undefined;
    }
    if (value.trim().length === 0 || value.length > max) {
      this.add(
        "FLA-E-0004",
        name,
        value,
        `${name} must have 1 to ${max} characters (it has ${value.trim().length === 0 ? 0 : value.length}).`,
      );
      return undefined;
    }
    return value;
  }

  enterpriseNumber(parent: Json, key: string, name: string, required: boolean): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.add("FLA-E-0001", name, undefined, `${name} is required.`);
      return undefined;
    }
    if (typeof value !== "string" || !/^\d{10}$/.test(value)) {
      this.add("FLA-E-0002", name, value, `${name} must be a string of 10 digits.`);
      return undefined;
    }
    if (!isValidEnterpriseNumber(value)) {
      this.add("FLA-E-0011", name, value, `${name} ${value} has wrong check digits.`);
      return undefined;
    }
    return value;
  }

  ssin(parent: Json, key: string, name: string): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      this.add("FLA-E-0001", name, undefined, `${name} is required.`);
      return undefined;
    }
    if (typeof value !== "string" || !/^\d{11}$/.test(value)) {
      this.add("FLA-E-0002", name, value, `${name} must be a string of 11 digits.`);
      return undefined;
    }
    if (!isValidSsin(value)) {
      this.add("FLA-E-0010", name, value, `${name} ${value} has wrong check digits.`);
      return undefined;
    }
    return value;
  }

  date(parent: Json, key: string, name: string): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      this.add("FLA-E-0001", name, undefined, `${name} is required.`);
      return undefined;
    }
    if (!isIsoDate(value)) {
      this.add("FLA-E-0002", name, value, `${name} must be a calendar date written YYYY-MM-DD.`);
      return undefined;
    }
    return value;
  }
}

export interface TrainingValidation {
  /** Present when the body is structurally valid (business findings may still be blocking). */
  training?: TrainingBody;
  findings: Finding[];
}

/** Checks a Training body; every problem is reported, not only the first. */
export function validateTraining(input: unknown, today: string): TrainingValidation {
  const c = new Collector();
  if (!isObject(input)) {
    c.add("FLA-E-0002", "", input, "The body must be a JSON object (a Training).");
    return { findings: c.findings };
  }
  const employer = c.object(input, "employer", "employer", true);
  const enterpriseNumber = employer
    ? c.enterpriseNumber(employer, "enterpriseNumber", "employer.enterpriseNumber", true)
    : undefined;
  const worker = c.object(input, "worker", "worker", true);
  const ssin = worker ? c.ssin(worker, "ssin", "worker.ssin") : undefined;
  const externalReference = c.text(input, "externalReference", "externalReference", 50, false);
  const title = c.text(input, "title", "title", 200, true);
  const period = c.object(input, "period", "period", true);
  const startDate = period ? c.date(period, "startDate", "period.startDate") : undefined;
  const endDate = period ? c.date(period, "endDate", "period.endDate") : undefined;
  const nature = c.enumValue(input, "nature", "nature", NATURES, true);
  const duration = c.object(input, "duration", "duration", true);
  let durationValue: number | undefined;
  if (duration) {
    const value = duration.value;
    if (value === undefined || value === null)
      c.add("FLA-E-0001", "duration.value", undefined, "duration.value is required.");
    else if (typeof value !== "number" || !Number.isFinite(value))
      c.add("FLA-E-0002", "duration.value", value, "duration.value must be a number.");
    else durationValue = value;
  }
  const unit = duration ? c.enumValue(duration, "unit", "duration.unit", DURATION_UNITS, true) : undefined;
  const outcome = c.enumValue(input, "outcome", "outcome", OUTCOMES, false);
  const funding = c.object(input, "funding", "funding", false);
  const fundingType = funding ? c.enumValue(funding, "type", "funding.type", FUNDINGS, true) : undefined;
  const provider = c.object(input, "trainingProvider", "trainingProvider", false);
  const providerNumber = provider
    ? c.enterpriseNumber(provider, "enterpriseNumber", "trainingProvider.enterpriseNumber", false)
    : undefined;
  const providerName = provider ? c.text(provider, "name", "trainingProvider.name", 200, false) : undefined;
  const counts = input.countsForSectoralRight;
  if (counts !== undefined && counts !== null && typeof counts !== "boolean") {
    c.add("FLA-E-0002", "countsForSectoralRight", counts, "countsForSectoralRight must be true or false.");
  }

  if (startDate && endDate) {
    if (endDate < startDate)
      c.add(
        "FLA-E-0012",
        "period.endDate",
        endDate,
        `period.endDate ${endDate} is before period.startDate ${startDate}.`,
      );
    if (startDate < FLA_START)
      c.add("FLA-E-0013", "period.startDate", startDate, `period.startDate ${startDate} is before ${FLA_START}.`);
    if (endDate > today)
      c.add("FLA-E-0014", "period.endDate", endDate, `period.endDate ${endDate} is after today (${today}).`);
  }
  if (durationValue !== undefined) {
    if (durationValue <= 0) {
      c.add("FLA-E-0015", "duration.value", durationValue, "duration.value must be greater than 0.");
    } else if (startDate && endDate && endDate >= startDate && unit) {
      const days = daysInPeriod(startDate, endDate);
      const max = unit === "HOURS" ? 24 * days : days;
      if (durationValue > max) {
        c.add(
          "FLA-E-0016",
          "duration.value",
          durationValue,
          `${durationValue} ${unit} do not fit in a period of ${days} day(s) (at most ${max}).`,
        );
      } else if (unit === "HOURS" && durationValue > 8 * days) {
        c.add(
          "FLA-W-0003",
          "duration.value",
          durationValue,
          `${durationValue} hours over ${days} day(s) is more than 8 hours a day.`,
        );
      }
    }
  }

  const structural = c.findings.some((f) =>
    ["FLA-E-0001", "FLA-E-0002", "FLA-E-0003", "FLA-E-0004", "FLA-E-0010", "FLA-E-0011"].includes(f.code),
  );
  if (
    structural ||
    !enterpriseNumber ||
    !ssin ||
    !title ||
    !startDate ||
    !endDate ||
    !nature ||
    durationValue === undefined ||
    !unit
  ) {
    return { findings: c.findings };
  }
  const training: TrainingBody = {
    employer: { enterpriseNumber },
    worker: { ssin },
    title,
    period: { startDate, endDate },
    nature: nature as TrainingBody["nature"],
    duration: { value: durationValue, unit: unit as TrainingBody["duration"]["unit"] },
  };
  if (externalReference !== undefined) training.externalReference = externalReference;
  if (outcome !== undefined) training.outcome = outcome as TrainingBody["outcome"];
  if (fundingType !== undefined)
    training.funding = { type: fundingType as NonNullable<TrainingBody["funding"]>["type"] };
  if (provider && (providerNumber !== undefined || providerName !== undefined)) {
    training.trainingProvider = {};
    if (providerNumber !== undefined) training.trainingProvider.enterpriseNumber = providerNumber;
    if (providerName !== undefined) training.trainingProvider.name = providerName;
  }
  if (typeof counts === "boolean") training.countsForSectoralRight = counts;
  return { training, findings: c.findings };
}

/** The employer number of a body, when it is readable: used to check authorization before reporting other issues. */
export function employerOf(input: unknown): string | undefined {
  if (!isObject(input) || !isObject(input.employer)) return undefined;
  const value = input.employer.enterpriseNumber;
  return typeof value === "string" && isValidEnterpriseNumber(value) ? value : undefined;
}
