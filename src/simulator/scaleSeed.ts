/**
 * The scaled data set (SimulatorOptions.scale): hundreds of employers and up to millions of trainings, deterministic,
 * seeded in seconds. Records share their immutable parts (employer, worker, funding, provider objects) so that
 * 100,000 trainings stay lean in memory.
 */
import { makeEnterpriseNumber, makeSsin } from "../core/identifiers";
import { addDays, fromEpochDay, toEpochDay } from "./dates";
import { Prng } from "./prng";
import {
  FIRST_NAMES,
  FLA_START,
  FUNDINGS,
  LAST_NAMES,
  NATURES,
  OUTCOMES,
  PROVIDER_NAMES,
  SEED,
  SOURCES,
  TITLES,
} from "./seed";
import type { SimulatorStore } from "./store";
import type { ApiAnomaly, Employment, SimulatorScale, TrainingBody, TrainingRecord } from "./types";

export const SCALE_LIMITS = {
  employers: { min: SEED.employers.length, max: 100_000 },
  trainings: { max: 2_000_000 },
  workers: { max: 2_000_000 },
} as const;

const COMPANY_WORDS = [
  "Bakkerij",
  "Transport",
  "Garage",
  "Boulangerie",
  "Clinique",
  "Bureau",
  "Imprimerie",
  "Brouwerij",
  "Menuiserie",
  "Logistics",
  "Hotel",
  "Apotheek",
];
const PLACES = [
  "Gent",
  "Liège",
  "Namur",
  "Brugge",
  "Leuven",
  "Mons",
  "Hasselt",
  "Arlon",
  "Mechelen",
  "Wavre",
  "Kortrijk",
  "Charleroi",
];
const FORMS = ["SA", "NV", "SRL", "BV", "ASBL", "VZW"];

/** The checks of a scale, with messages for the command line and for code. */
export function checkScale(scale: SimulatorScale): void {
  const whole = (name: string, value: unknown, min: number, max: number): void => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(
        `The simulator's scale needs ${name} from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}, not ${String(value)}.`,
      );
    }
  };
  whole("employers", scale.employers, SCALE_LIMITS.employers.min, SCALE_LIMITS.employers.max);
  whole("trainings", scale.trainings, 0, SCALE_LIMITS.trainings.max);
  // Three SEED workers, then one new worker for each employer at least.
  if (scale.workers !== undefined) whole("workers", scale.workers, scale.employers + 3, SCALE_LIMITS.workers.max);
}

/** Workers of a scale: as given, else one per four trainings, at least two per employer. */
export function scaleWorkers(scale: SimulatorScale): number {
  return scale.workers ?? Math.max(Math.ceil(scale.trainings / 4), 2 * scale.employers);
}

/** Picks an index with a probability proportional to its weight (cumulative weights, binary search). */
function weightedPicker(prng: Prng, weights: number[]): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  return () => {
    const target = prng.next() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid] > target) high = mid;
      else low = mid + 1;
    }
    return low;
  };
}

function addEmployers(store: SimulatorStore, prng: Prng, count: number): string[] {
  const employers: string[] = [...SEED.employers];
  // Deterministic 8-digit stems spread over 0500.000.0xx..0599.999.9xx; a stem already taken is skipped.
  for (let i = 0; employers.length < count; i++) {
    const enterpriseNumber = makeEnterpriseNumber("05" + String((i * 7_919 + 104_729) % 1_000_000).padStart(6, "0"));
    if (store.employers.has(enterpriseNumber) || store.providers.has(enterpriseNumber)) continue;
    store.addEmployer(enterpriseNumber, `${prng.pick(COMPANY_WORDS)} ${prng.pick(PLACES)} ${prng.pick(FORMS)}`);
    employers.push(enterpriseNumber);
  }
  return employers;
}

function addMandates(store: SimulatorStore, employers: string[]): void {
  const [provider, otherProvider] = SEED.providers;
  for (let i = SEED.employers.length; i < employers.length; i++) {
    // Three employers out of four gave SEED.provider a mandate, the fourth did not: a provider's export meets both.
    if (i % 4 !== 3) store.addMandate(provider, employers[i]);
    if (i % 3 === 0) store.addMandate(otherProvider, employers[i]);
  }
}

/** New workers, each with an employment open since before 2024 (one in ten changes employer once after 2024-03-01). */
function addWorkers(store: SimulatorStore, prng: Prng, employers: string[], count: number, lastDay: string): string[] {
  const workers: string[] = [SEED.demoWorker, SEED.demoWorkerBornAfter2000, SEED.workerOfAnotherEmployer];
  // Portfolio-like sizes: many small employers, a few large ones.
  const pickEmployer = weightedPicker(
    prng,
    employers.map(() => 1 + 49 * prng.next() ** 3),
  );
  const latestChange = addDays(lastDay, -30);
  while (workers.length < count) {
    const birth = fromEpochDay(prng.int(toEpochDay("1960-01-01"), toEpochDay("2005-12-31")));
    const bornFrom2000 = birth >= "2000";
    const ssin = makeSsin(birth.slice(2, 4) + birth.slice(5, 7) + birth.slice(8, 10), prng.int(1, 997), bornFrom2000);
    if (store.workers.has(ssin)) continue;
    store.addWorker({ ssin, name: `${prng.pick(FIRST_NAMES)} ${prng.pick(LAST_NAMES)}`, birthDate: birth });
    // The first workers go one to each employer, so that every employer has someone.
    const index = workers.length - 3;
    const employer = index < employers.length ? employers[index] : employers[pickEmployer()];
    const adult = addDays(birth, 18 * 366);
    const earliest = adult > "2023-06-30" ? "2023-07-01" : adult < "2005-01-01" ? "2005-01-01" : adult;
    const from = fromEpochDay(prng.int(toEpochDay(earliest), toEpochDay("2023-12-31")));
    if (prng.next() < 0.1 && latestChange > "2024-03-01") {
      const to = fromEpochDay(prng.int(toEpochDay("2024-03-01"), toEpochDay(latestChange)));
      store.addEmployment(employer, ssin, from, to);
      let next = employers[pickEmployer()];
      if (next === employer) next = employers[(employers.indexOf(employer) + 1) % employers.length];
      store.addEmployment(next, ssin, addDays(to, 1));
    } else {
      store.addEmployment(employer, ssin, from);
    }
    workers.push(ssin);
  }
  return workers;
}

/** Shares one frozen object per distinct value: thousands of trainings point to the same employer or funding object. */
function interner<T extends object>(): (key: string, make: () => T) => T {
  const cache = new Map<string, T>();
  return (key, make) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = Object.freeze(make());
      cache.set(key, value);
    }
    return value;
  };
}

/** Day strings (and the declaredAt stamps) made once per calendar day: thousands of trainings share each of them. */
function dayStrings(): { day: (epochDay: number) => string; stamp: (epochDay: number) => string } {
  const days = new Map<number, string>();
  const stamps = new Map<number, string>();
  const day = (epochDay: number): string => {
    let text = days.get(epochDay);
    if (text === undefined) days.set(epochDay, (text = fromEpochDay(epochDay)));
    return text;
  };
  const stamp = (epochDay: number): string => {
    let text = stamps.get(epochDay);
    if (text === undefined) stamps.set(epochDay, (text = `${day(epochDay)}T09:00:00.000Z`));
    return text;
  };
  return { day, stamp };
}

const NO_ANOMALIES = Object.freeze([]) as unknown as ApiAnomaly[];

function addTrainings(store: SimulatorStore, prng: Prng, workers: string[], count: number, lastDay: string): void {
  const shared = interner<object>();
  const funding = (f: number): TrainingBody["funding"] =>
    shared(`f${f}`, () => ({ type: FUNDINGS[f] })) as TrainingBody["funding"];
  const { day, stamp } = dayStrings();
  const epochDays = new Map<string, number>();
  const epoch = (date: string): number => {
    let value = epochDays.get(date);
    if (value === undefined) epochDays.set(date, (value = toEpochDay(date)));
    return value;
  };
  const lastEpochDay = toEpochDay(lastDay);
  const firstEpochDay = toEpochDay(FLA_START);
  for (let n = 1; n <= count; n++) {
    const ssin = workers[prng.int(0, workers.length - 1)];
    const employments = store.employmentsOf(ssin);
    const employment: Employment = employments.length === 1 ? employments[0] : prng.pick(employments);
    const first = Math.max(firstEpochDay, epoch(employment.from));
    const last = employment.to === undefined ? lastEpochDay : Math.min(lastEpochDay, epoch(employment.to));
    const start = prng.int(first, last);
    const end = Math.min(last, start + prng.int(0, 4));
    const days = end - start + 1;
    const enterpriseNumber = employment.enterpriseNumber;
    const trainingId = store.nextTrainingId();
    const declarationId = store.nextDeclarationId();
    const declaredAt = stamp(Math.min(end + 3, lastEpochDay));
    const record: TrainingRecord = {
      employer: shared(`e${enterpriseNumber}`, () => ({ enterpriseNumber })) as TrainingRecord["employer"],
      worker: shared(`w${ssin}`, () => ({ ssin })) as TrainingRecord["worker"],
      title: prng.pick(TITLES),
      period: { startDate: day(start), endDate: day(end) },
      nature: prng.pick(NATURES),
      duration:
        prng.next() < 0.3
          ? { value: prng.int(1, days), unit: "DAYS" }
          : { value: prng.int(2, 7) * days, unit: "HOURS" },
      outcome: prng.pick(OUTCOMES),
      funding: funding(prng.int(0, FUNDINGS.length - 1)),
      countsForSectoralRight: prng.next() < 0.4,
      trainingId,
      declarationId,
      status: "ACCEPTED",
      anomalies: NO_ANOMALIES,
      declaredAt,
      source: prng.pick(SOURCES),
    };
    // A unique reference per training (n): no seeded training is a duplicate, so the count is exact.
    if (prng.next() < 0.7) record.externalReference = `SCALE-${String(n).padStart(7, "0")}`;
    if (prng.next() < 0.5) {
      const p = prng.int(0, SEED.providers.length - 1);
      record.trainingProvider = shared(`p${p}`, () => ({
        enterpriseNumber: SEED.providers[p],
        name: PROVIDER_NAMES[p],
      }));
    }
    store.insertTraining(record);
    store.declarations.set(declarationId, {
      declarationId,
      trainingId,
      enterpriseNumber,
      status: "ACCEPTED",
      anomalies: NO_ANOMALIES,
      receivedAt: declaredAt,
      readyAt: 0,
    });
  }
}

/** A right for every employment and every year from 2024 to today's year it overlaps. */
function addRights(store: SimulatorStore, prng: Prng, today: string): void {
  const currentYear = Number(today.slice(0, 4));
  for (const employment of store.employments) {
    for (let year = 2024; year <= currentYear; year++) {
      if ((employment.to ?? "9999-12-31") < `${year}-01-01` || employment.from > `${year}-12-31`) continue;
      store.putRight({
        enterpriseNumber: employment.enterpriseNumber,
        ssin: employment.ssin,
        year,
        individualDays: 5,
        sectoralDays: prng.int(0, 2),
        carriedOverDays: year > 2024 ? prng.int(0, 2) : 0,
        unit: "DAYS",
        declaredAt: `${year}-01-15T08:00:00.000Z`,
      });
    }
  }
}

/** Seeds the scaled data set on top of `seedBase` (the SEED identifiers, providers and mandates). */
export function seedScale(store: SimulatorStore, today: string, scale: SimulatorScale): void {
  checkScale(scale);
  if (today <= FLA_START)
    throw new Error(
      `The simulator's scale needs a today after ${FLA_START} (trainings run from ${FLA_START} to today), not ${today}.`,
    );
  const prng = new Prng(20270101);
  const employers = addEmployers(store, prng, scale.employers);
  addMandates(store, employers);
  const workers = addWorkers(store, prng, employers, scaleWorkers(scale), today);
  addTrainings(store, prng, workers, scale.trainings, today);
  addRights(store, prng, today);
}
