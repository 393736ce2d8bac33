/** Public types of the local FLA simulator: options, clients, data records, faults and statistics. */

export type ClientRole = "employer" | "provider";

export interface SimulatorOptions {
  /** 0 = a random free port; default 3010. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Lifetime of the access tokens it issues; default 600. */
  tokenLifetimeSeconds?: number;
  /** Default true: the big deterministic data set (employers, workers, employments, mandates, trainings, rights). */
  seed?: boolean;
  /** Default false: 201/200 answers. True: 202 + Location of /declarations/{id}, PENDING for `asyncDelayMs`. */
  asyncDeclarations?: boolean;
  /** How long an asynchronous declaration stays PENDING; default 300. */
  asyncDelayMs?: number;
  /** YYYY-MM-DD: the simulator's "today" for the business rules and the seeded data; default the real date. */
  today?: string;
  /** Seed of the random draws of faults with a `probability`; default 1. */
  faultSeed?: number;
  /**
   * A large deterministic data set instead of the demo one (for exports and benchmarks): see SimulatorScale.
   * The demo identifiers (SEED) stay valid; the demo data set's trainings and rights are not seeded.
   */
  scale?: SimulatorScale;
}

/**
 * The size of a scaled data set. Seeded the same way for the same sizes and `today`: `employers` employers (the six
 * SEED employers first), exactly `trainings` active trainings from 2024-01-01 to today spread over them (every employer
 * has at least one worker; sizes vary as in a real client portfolio), a right for every worker and every year from 2024
 * to today's year they were employed, and mandates: SEED.provider for `SEED.employersWithMandate` and three out of
 * four of the added employers, never for SEED.employerWithoutMandate.
 */
export interface SimulatorScale {
  /** Employers in all, the six SEED employers included: 6 to 100,000. */
  employers: number;
  /** Active trainings in all: 0 to 2,000,000. */
  trainings: number;
  /** Workers in all (the three employed SEED workers included), at least employers + 3; default one per four trainings, at least two per employer. */
  workers?: number;
}

export interface RegisteredClient {
  clientId: string;
  /** The public certificate registered in Chaman (PEM). */
  certificatePem: string;
  role: ClientRole;
  enterpriseNumber: string;
}

export interface Employer {
  enterpriseNumber: string;
  name: string;
}

export interface Provider {
  enterpriseNumber: string;
  name: string;
}

export interface Worker {
  ssin: string;
  name: string;
  birthDate: string;
}

export interface Employment {
  enterpriseNumber: string;
  ssin: string;
  from: string;
  to?: string;
}

export interface Mandate {
  providerEnterpriseNumber: string;
  employerEnterpriseNumber: string;
}

export type TrainingSource = "EMPLOYER" | "TRAINING_PROVIDER" | "SIGEDIS";
export type DeclarationStatus = "PENDING" | "ACCEPTED" | "ACCEPTED_WITH_WARNINGS" | "REJECTED";
export type TrainingStatus = "ACCEPTED" | "ACCEPTED_WITH_WARNINGS" | "CANCELLED";

export interface LocalizedText {
  fr: string;
  nl: string;
  en: string;
}

/** An anomaly as the API returns it in a DeclarationResult. */
export interface ApiAnomaly {
  code: string;
  severity: "BLOCKING" | "WARNING";
  field?: string;
  description: LocalizedText;
}

/** The body of a training as the API receives it (after validation). */
export interface TrainingBody {
  employer: { enterpriseNumber: string };
  worker: { ssin: string };
  externalReference?: string;
  title: string;
  period: { startDate: string; endDate: string };
  nature: "FORMAL" | "INFORMAL";
  duration: { value: number; unit: "HOURS" | "DAYS" };
  outcome?: "COMPLETED" | "NOT_COMPLETED" | "CERTIFIED" | "UNKNOWN";
  funding?: { type: "EMPLOYER" | "SECTORAL_FUND" | "REGIONAL" | "PUBLIC" | "OTHER" };
  trainingProvider?: { enterpriseNumber?: string; name?: string };
  countsForSectoralRight?: boolean;
}

export interface TrainingRecord extends TrainingBody {
  trainingId: string;
  declarationId: string;
  status: TrainingStatus;
  anomalies: ApiAnomaly[];
  declaredAt: string;
  updatedAt?: string;
  cancelledAt?: string;
  source: TrainingSource;
}

export interface TrainingRightRecord {
  enterpriseNumber: string;
  ssin: string;
  year: number;
  individualDays: number;
  sectoralDays: number;
  carriedOverDays: number;
  unit: "DAYS" | "HOURS";
  declaredAt: string;
}

export interface DeclarationRecord {
  declarationId: string;
  trainingId?: string;
  enterpriseNumber: string;
  status: Exclude<DeclarationStatus, "PENDING">;
  anomalies: ApiAnomaly[];
  receivedAt: string;
  /** Epoch ms from which the final status is visible; before that GET answers PENDING. */
  readyAt: number;
}

export interface DeclarationResult {
  trainingId?: string;
  declarationId: string;
  status: DeclarationStatus;
  anomalies: ApiAnomaly[];
}

export type FaultKind = "status" | "reset" | "hang" | "malformed" | "slow" | "expireToken";

export interface FaultSpec {
  /**
   * Which requests: a route such as "POST /trainings", "GET /trainings", "GET /trainings/{trainingId}" (any placeholder
   * name), a concrete path "GET /trainings/T-000001", "token" for the token endpoint, "*" (or omitted) for every FLA API
   * route, "all" for every route including the token endpoint.
   */
  route?: string;
  kind: FaultKind;
  /** For "status" (default 503) and "malformed" (default 200). */
  status?: number;
  /** Seconds, sent as Retry-After with "status". */
  retryAfter?: number;
  /** For "slow" (default 1000). */
  delayMs?: number;
  /** How many requests it applies to; default unlimited. */
  times?: number;
  /** 0..1, drawn from a seeded random generator; default 1. */
  probability?: number;
  /** "before" (default): the request is not processed. "after": processed and recorded, then the answer is replaced. */
  phase?: "before" | "after";
}

export interface ActiveFault extends FaultSpec {
  id: number;
  applied: number;
}

export interface FaultPlan {
  /** Adds a fault; returns its id. Throws on an impossible spec. */
  add(spec: FaultSpec): number;
  remove(id: number): void;
  clear(): void;
  list(): readonly ActiveFault[];
}

export interface SimulatorStats {
  tokenRequests: number;
  tokensIssued: number;
  rejectedAssertions: number;
  /** FLA API requests (not the token endpoint). */
  requests: number;
  /** Per route key, e.g. "POST /trainings", "GET /trainings/{trainingId}", "token". */
  byRoute: Record<string, number>;
  /** Per HTTP status answered (injected faults included). */
  byStatus: Record<string, number>;
  /** 401 answers of the API (missing, invalid, expired or revoked token). */
  unauthorized: number;
  trainingsCreated: number;
  duplicatesRefused: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  reset(): void;
}
