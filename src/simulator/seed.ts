/** The well-known demo identifiers and the deterministic seeded data set. */
import { makeEnterpriseNumber, makeSsin } from "../core/identifiers";
import { addDays, fromEpochDay, toEpochDay } from "./dates";
import { Prng } from "./prng";
import type { SimulatorStore } from "./store";
import type { TrainingBody, TrainingRecord, TrainingSource } from "./types";

const employers = [
  "0203430576",
  makeEnterpriseNumber("04031254"),
  makeEnterpriseNumber("04286119"),
  makeEnterpriseNumber("08765432"),
  makeEnterpriseNumber("06712345"),
  makeEnterpriseNumber("07341678"),
];
const providers = [makeEnterpriseNumber("04563218"), makeEnterpriseNumber("08123987")];

/** Demo identifiers, all with valid check digits, present in every simulator (seeded or not, see `seedBase`). */
export const SEED = {
  /** Every seeded employer; the first is the demo employer. */
  employers,
  /** The two seeded authorized representatives (provider role). */
  providers,
  demoEmployer: employers[0],
  /** Employed by the demo employer since 2012, with no end. */
  demoWorker: "85073003328",
  /** Born in 2002 (its check digits use the 2000+ rule), employed by the demo employer since 2021. */
  demoWorkerBornAfter2000: makeSsin("020315", 123, true),
  /** Employed by `employers[1]` only, never by the demo employer. */
  workerOfAnotherEmployer: makeSsin("790412", 45),
  /** A valid SSIN employed by no one. */
  unemployedWorker: makeSsin("660101", 7),
  /** `providers[0]`, with mandates for `employersWithMandate`. */
  provider: providers[0],
  /** Employers that gave `provider` a mandate (the demo employer is one of them). */
  employersWithMandate: [employers[0], employers[1], employers[2]],
  /** An employer that gave no mandate to any provider. */
  employerWithoutMandate: employers[4],
  mandates: {
    [providers[0]]: [employers[0], employers[1], employers[2]],
    [providers[1]]: [employers[2], employers[3]],
  } as Record<string, string[]>,
  /** Client ids the command line registers when given a certificate without a client id. */
  clientIds: { employer: "self_service_chaman_demo_employer", provider: "self_service_chaman_demo_provider" },
} as const;

const EMPLOYER_NAMES = [
  "Brasserie Demo SA",
  "Logistique Escaut NV",
  "Atelier Meuse SRL",
  "Bouw Kempen BV",
  "Soins Ardenne ASBL",
  "Data Zenne NV",
];
export const PROVIDER_NAMES = ["Secrétariat Social Demo", "Payroll Partners Belgium"];
export const FIRST_NAMES = [
  "Anna",
  "Lucas",
  "Emma",
  "Noah",
  "Lina",
  "Arthur",
  "Louise",
  "Jules",
  "Mila",
  "Adam",
  "Olivia",
  "Liam",
  "Nora",
  "Victor",
  "Elise",
];
export const LAST_NAMES = [
  "Peeters",
  "Janssens",
  "Maes",
  "Jacobs",
  "Dubois",
  "Lambert",
  "Dupont",
  "Claes",
  "Willems",
  "Goossens",
  "Martin",
  "Wouters",
];
export const TITLES = [
  "Forklift safety",
  "First aid at work",
  "Excel for analysts",
  "Nederlands voor beginners",
  "Français professionnel",
  "Fire prevention",
  "Leadership basics",
  "GDPR awareness",
  "Welding certification",
  "Customer service",
  "Time management",
  "Electrical safety (BA4)",
  "Project management",
  "Cyber security awareness",
];
/** The platform's code tables as the simulator knows them (test/simulator/codeTables.test.ts holds them equal to the client's). */
export const NATURES = ["FORMAL", "INFORMAL"] as const;
export const DURATION_UNITS = ["HOURS", "DAYS"] as const;
export const OUTCOMES = ["COMPLETED", "NOT_COMPLETED", "CERTIFIED", "UNKNOWN"] as const;
export const FUNDINGS = ["EMPLOYER", "SECTORAL_FUND", "REGIONAL", "PUBLIC", "OTHER"] as const;
export const SOURCES: TrainingSource[] = ["EMPLOYER", "EMPLOYER", "EMPLOYER", "TRAINING_PROVIDER", "SIGEDIS"];

export const FLA_START = "2024-01-01";
const SEEDED_TRAININGS_END = "2025-12-31";

/** Employers, providers, mandates and the demo workers: always present, so the demo identifiers always work. */
export function seedBase(store: SimulatorStore): void {
  employers.forEach((en, i) => store.addEmployer(en, EMPLOYER_NAMES[i]));
  providers.forEach((en, i) => store.addProvider(en, PROVIDER_NAMES[i]));
  for (const [provider, list] of Object.entries(SEED.mandates))
    for (const employer of list) store.addMandate(provider, employer);
  store.addWorker({ ssin: SEED.demoWorker, name: "Sam Demo", birthDate: "1985-07-30" });
  store.addWorker({ ssin: SEED.demoWorkerBornAfter2000, name: "Zoë Demo", birthDate: "2002-03-15" });
  store.addWorker({ ssin: SEED.workerOfAnotherEmployer, name: "Other Demo", birthDate: "1979-04-12" });
  store.addWorker({ ssin: SEED.unemployedWorker, name: "Nobody Demo", birthDate: "1966-01-01" });
  store.addEmployment(SEED.demoEmployer, SEED.demoWorker, "2012-09-01");
  store.addEmployment(SEED.demoEmployer, SEED.demoWorkerBornAfter2000, "2021-07-01");
  store.addEmployment(employers[1], SEED.workerOfAnotherEmployer, "2015-02-01");
}

function randomDate(prng: Prng, from: string, to: string): string {
  return fromEpochDay(prng.int(toEpochDay(from), toEpochDay(to)));
}

/** The big data set: hundreds of workers, their employments, over a thousand trainings in 2024–2025, rights. */
export function seedData(store: SimulatorStore, today: string): void {
  const prng = new Prng(20240101);
  const workers: string[] = [SEED.demoWorker, SEED.demoWorkerBornAfter2000, SEED.workerOfAnotherEmployer];
  while (workers.length < 420) {
    const birth = randomDate(prng, "1960-01-01", "2005-12-31");
    const year = Number(birth.slice(0, 4));
    const ssin = makeSsin(birth.slice(2, 4) + birth.slice(5, 7) + birth.slice(8, 10), prng.int(1, 997), year >= 2000);
    if (store.workers.has(ssin)) continue;
    store.addWorker({ ssin, name: `${prng.pick(FIRST_NAMES)} ${prng.pick(LAST_NAMES)}`, birthDate: birth });
    const employer = prng.next() < 0.3 ? SEED.demoEmployer : prng.pick(employers);
    const adult = addDays(birth, 18 * 366);
    const from = randomDate(
      prng,
      adult > "2023-06-30" ? "2023-07-01" : adult < "2005-01-01" ? "2005-01-01" : adult,
      "2023-12-31",
    );
    if (prng.next() < 0.15) {
      const to = randomDate(prng, "2024-03-01", "2025-09-30");
      store.addEmployment(employer, ssin, from, to);
      const next = prng.pick(employers.filter((e) => e !== employer));
      store.addEmployment(next, ssin, addDays(to, 1));
    } else {
      store.addEmployment(employer, ssin, from);
    }
    workers.push(ssin);
  }

  const lastDay = today < SEEDED_TRAININGS_END ? today : SEEDED_TRAININGS_END;
  let referenceCounter = 0;
  for (const ssin of workers) {
    const count = ssin === SEED.demoWorker ? 6 : prng.int(0, 7);
    for (let i = 0; i < count; i++) {
      const employments = store
        .employmentsOf(ssin)
        .filter((e) => (e.to ?? "9999-12-31") >= FLA_START && e.from <= lastDay);
      if (employments.length === 0 || lastDay < FLA_START) break;
      const employment = prng.pick(employments);
      const first = employment.from > FLA_START ? employment.from : FLA_START;
      const last = employment.to !== undefined && employment.to < lastDay ? employment.to : lastDay;
      if (first > last) continue;
      const startDate = randomDate(prng, first, last);
      const length = prng.int(1, 5);
      const endCandidate = addDays(startDate, length - 1);
      const endDate = endCandidate > last ? last : endCandidate;
      const days = toEpochDay(endDate) - toEpochDay(startDate) + 1;
      const inDays = prng.next() < 0.3;
      referenceCounter += 1;
      const body: TrainingBody = {
        employer: { enterpriseNumber: employment.enterpriseNumber },
        worker: { ssin },
        title: prng.pick(TITLES),
        period: { startDate, endDate },
        nature: prng.pick(NATURES),
        duration: inDays ? { value: prng.int(1, days), unit: "DAYS" } : { value: prng.int(2, 7) * days, unit: "HOURS" },
        outcome: prng.pick(OUTCOMES),
        funding: { type: prng.pick(FUNDINGS) },
        countsForSectoralRight: prng.next() < 0.4,
      };
      if (prng.next() < 0.7)
        body.externalReference = `SEED-${employment.enterpriseNumber}-${String(referenceCounter).padStart(5, "0")}`;
      if (prng.next() < 0.5)
        body.trainingProvider = { enterpriseNumber: prng.pick(providers), name: prng.pick(PROVIDER_NAMES) };
      insertSeededTraining(store, body, prng.pick(SOURCES), today);
    }
  }

  const currentYear = Number(today.slice(0, 4));
  for (const employment of store.employments) {
    for (let year = 2024; year <= Math.min(2025, currentYear); year++) {
      if ((employment.to ?? "9999-12-31") < `${year}-01-01` || employment.from > `${year}-12-31`) continue;
      store.putRight({
        enterpriseNumber: employment.enterpriseNumber,
        ssin: employment.ssin,
        year,
        individualDays: 5,
        sectoralDays: prng.int(0, 2),
        carriedOverDays: year === 2025 ? prng.int(0, 2) : 0,
        unit: "DAYS",
        declaredAt: `${year}-01-15T08:00:00.000Z`,
      });
    }
  }
}

function insertSeededTraining(store: SimulatorStore, body: TrainingBody, source: TrainingSource, today: string): void {
  if (
    body.externalReference !== undefined &&
    store.findByExternalReference(body.employer.enterpriseNumber, body.externalReference)
  )
    return;
  const declaredDay = addDays(body.period.endDate, 3) > today ? today : addDays(body.period.endDate, 3);
  const declaredAt = `${declaredDay}T09:00:00.000Z`;
  const trainingId = store.nextTrainingId();
  const declarationId = store.nextDeclarationId();
  const record: TrainingRecord = {
    ...body,
    trainingId,
    declarationId,
    status: "ACCEPTED",
    anomalies: [],
    declaredAt,
    source,
  };
  store.insertTraining(record);
  store.declarations.set(declarationId, {
    declarationId,
    trainingId,
    enterpriseNumber: body.employer.enterpriseNumber,
    status: "ACCEPTED",
    anomalies: [],
    receivedAt: declaredAt,
    readyAt: 0,
  });
}
