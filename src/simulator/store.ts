/** The simulator's data: employers, workers, employments, mandates, trainings, rights and declarations, with indexes. */
import { isValidEnterpriseNumber, isValidSsin } from "../core/identifiers";
import { isIsoDate, overlaps } from "./dates";
import type {
  DeclarationRecord,
  Employer,
  Employment,
  Mandate,
  Provider,
  TrainingRecord,
  TrainingRightRecord,
  Worker,
} from "./types";

/** Read access to the data, for tests and demos. */
export interface SimulatorData {
  readonly employers: ReadonlyMap<string, Employer>;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly workers: ReadonlyMap<string, Worker>;
  readonly employments: readonly Employment[];
  readonly mandates: readonly Mandate[];
  /** Every training, cancelled ones included, by trainingId. */
  readonly trainings: ReadonlyMap<string, TrainingRecord>;
  readonly declarations: ReadonlyMap<string, DeclarationRecord>;
  /** Key `${enterpriseNumber}/${ssin}/${year}`. */
  readonly rights: ReadonlyMap<string, TrainingRightRecord>;
  /** Active trainings of an employer, in trainingId order: a copy of `activeTrainingsOf`, the caller may change it. */
  trainingsOf(enterpriseNumber: string): TrainingRecord[];
  /** Active trainings of an employer, in trainingId order, from an index (no scan of the whole store); do not change it. */
  activeTrainingsOf(enterpriseNumber: string): readonly TrainingRecord[];
  /** Active trainings of a worker with any employer, in trainingId order. */
  trainingsOfWorker(ssin: string): readonly TrainingRecord[];
  /** Training rights of an employer, in the order they were first declared. */
  rightsOf(enterpriseNumber: string): readonly TrainingRightRecord[];
  /** The trainingId of the active training with this employer + externalReference, if any. */
  findByExternalReference(enterpriseNumber: string, externalReference: string): string | undefined;
  /** `enterpriseNumber/externalReference` keys held by more than one active training (should stay empty). */
  duplicateExternalReferences(): string[];
  isEmployed(enterpriseNumber: string, ssin: string, from: string, to: string): boolean;
  hasMandate(providerEnterpriseNumber: string, employerEnterpriseNumber: string): boolean;
}

export function rightKey(enterpriseNumber: string, ssin: string, year: number): string {
  return `${enterpriseNumber}/${ssin}/${year}`;
}

/** trainingId order: "T-" + a counter padded to 6 digits, so a longer id is a later one. */
function byTrainingId(a: TrainingRecord, b: TrainingRecord): number {
  return (
    a.trainingId.length - b.trainingId.length ||
    (a.trainingId < b.trainingId ? -1 : a.trainingId > b.trainingId ? 1 : 0)
  );
}

/**
 * Records grouped under a key (an employer, a worker), with the group's list kept ready for paging: rebuilt (and
 * sorted when asked) only after the group changed, so that a page costs a slice and not a pass over the store.
 */
class GroupIndex<T> {
  private readonly groups = new Map<string, Map<string, T>>();
  private readonly lists = new Map<string, readonly T[]>();

  constructor(private readonly order?: (a: T, b: T) => number) {}

  set(group: string, id: string, record: T): void {
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    members.set(id, record);
    this.lists.delete(group);
  }

  delete(group: string, id: string): void {
    const members = this.groups.get(group);
    if (!members?.delete(id)) return;
    if (members.size === 0) this.groups.delete(group);
    this.lists.delete(group);
  }

  list(group: string): readonly T[] {
    const cached = this.lists.get(group);
    if (cached) return cached;
    const members = this.groups.get(group);
    if (!members) return [];
    const list = [...members.values()];
    // Records mostly arrive in order (ids only grow): sort only when a correction moved one to the end.
    const order = this.order;
    if (order && list.some((record, i) => i > 0 && order(list[i - 1], record) > 0)) list.sort(order);
    this.lists.set(group, list);
    return list;
  }
}

function identicalKey(t: {
  worker: { ssin: string };
  title: string;
  period: { startDate: string; endDate: string };
}): string {
  return `${t.worker.ssin}|${t.title.trim().toLowerCase()}|${t.period.startDate}|${t.period.endDate}`;
}

export class SimulatorStore implements SimulatorData {
  readonly employers = new Map<string, Employer>();
  readonly providers = new Map<string, Provider>();
  readonly workers = new Map<string, Worker>();
  readonly employments: Employment[] = [];
  readonly mandates: Mandate[] = [];
  readonly trainings = new Map<string, TrainingRecord>();
  readonly declarations = new Map<string, DeclarationRecord>();
  /** Written through putRight only, which keeps the employer index right. */
  private readonly rightsByKey = new Map<string, TrainingRightRecord>();

  private trainingCounter = 0;
  private declarationCounter = 0;
  private readonly byExternalReference = new Map<string, string>();
  private readonly identical = new Map<string, number>();
  private readonly employmentsByWorker = new Map<string, Employment[]>();
  private readonly mandateKeys = new Set<string>();
  private readonly activeByEmployer = new GroupIndex<TrainingRecord>(byTrainingId);
  private readonly activeByWorker = new GroupIndex<TrainingRecord>(byTrainingId);
  private readonly rightsByEmployer = new GroupIndex<TrainingRightRecord>();

  get rights(): ReadonlyMap<string, TrainingRightRecord> {
    return this.rightsByKey;
  }

  nextTrainingId(): string {
    this.trainingCounter += 1;
    return "T-" + String(this.trainingCounter).padStart(6, "0");
  }

  nextDeclarationId(): string {
    this.declarationCounter += 1;
    return "D-" + String(this.declarationCounter).padStart(6, "0");
  }

  addEmployer(enterpriseNumber: string, name?: string): void {
    if (!isValidEnterpriseNumber(enterpriseNumber))
      throw new Error(`Invalid enterprise number "${enterpriseNumber}" (10 digits with valid check digits expected).`);
    if (!this.employers.has(enterpriseNumber))
      this.employers.set(enterpriseNumber, { enterpriseNumber, name: name ?? `Employer ${enterpriseNumber}` });
  }

  addProvider(enterpriseNumber: string, name?: string): void {
    if (!isValidEnterpriseNumber(enterpriseNumber))
      throw new Error(`Invalid enterprise number "${enterpriseNumber}" (10 digits with valid check digits expected).`);
    if (!this.providers.has(enterpriseNumber))
      this.providers.set(enterpriseNumber, { enterpriseNumber, name: name ?? `Provider ${enterpriseNumber}` });
  }

  addWorker(worker: Worker): void {
    if (!isValidSsin(worker.ssin))
      throw new Error(`Invalid SSIN "${worker.ssin}" (11 digits with valid check digits expected).`);
    if (!this.workers.has(worker.ssin)) this.workers.set(worker.ssin, worker);
  }

  addEmployment(enterpriseNumber: string, ssin: string, from: string, to?: string): void {
    if (!isIsoDate(from) || (to !== undefined && !isIsoDate(to)))
      throw new Error("Employment dates must be YYYY-MM-DD.");
    this.addEmployer(enterpriseNumber);
    if (!this.workers.has(ssin)) this.addWorker({ ssin, name: `Worker ${ssin}`, birthDate: "" });
    const employment: Employment = { enterpriseNumber, ssin, from, to };
    this.employments.push(employment);
    const list = this.employmentsByWorker.get(ssin) ?? [];
    list.push(employment);
    this.employmentsByWorker.set(ssin, list);
  }

  addMandate(providerEnterpriseNumber: string, employerEnterpriseNumber: string): void {
    this.addProvider(providerEnterpriseNumber);
    this.addEmployer(employerEnterpriseNumber);
    const key = `${providerEnterpriseNumber}>${employerEnterpriseNumber}`;
    if (this.mandateKeys.has(key)) return;
    this.mandateKeys.add(key);
    this.mandates.push({ providerEnterpriseNumber, employerEnterpriseNumber });
  }

  hasMandate(providerEnterpriseNumber: string, employerEnterpriseNumber: string): boolean {
    return this.mandateKeys.has(`${providerEnterpriseNumber}>${employerEnterpriseNumber}`);
  }

  isEmployed(enterpriseNumber: string, ssin: string, from: string, to: string): boolean {
    return (this.employmentsByWorker.get(ssin) ?? []).some(
      (e) => e.enterpriseNumber === enterpriseNumber && overlaps(e.from, e.to, from, to),
    );
  }

  employmentsOf(ssin: string): readonly Employment[] {
    return this.employmentsByWorker.get(ssin) ?? [];
  }

  findByExternalReference(enterpriseNumber: string, externalReference: string): string | undefined {
    return this.byExternalReference.get(`${enterpriseNumber}/${externalReference}`);
  }

  hasIdentical(t: TrainingRecord | Parameters<typeof identicalKey>[0], exceptTrainingId?: string): boolean {
    const count = this.identical.get(identicalKey(t)) ?? 0;
    if (exceptTrainingId === undefined) return count > 0;
    const self = this.trainings.get(exceptTrainingId);
    const selfCounts =
      self !== undefined && self.status !== "CANCELLED" && identicalKey(self) === identicalKey(t) ? 1 : 0;
    return count - selfCounts > 0;
  }

  /** Stores a new active training and indexes it. */
  insertTraining(record: TrainingRecord): void {
    this.trainings.set(record.trainingId, record);
    this.index(record, +1);
  }

  /** Replaces an active training's content (a correction), keeping the indexes right. */
  replaceTraining(record: TrainingRecord): void {
    const old = this.trainings.get(record.trainingId);
    if (old && old.status !== "CANCELLED") this.index(old, -1);
    this.trainings.set(record.trainingId, record);
    if (record.status !== "CANCELLED") this.index(record, +1);
  }

  cancelTraining(trainingId: string, when: string): void {
    const record = this.trainings.get(trainingId);
    if (!record || record.status === "CANCELLED") return;
    this.index(record, -1);
    this.trainings.set(trainingId, { ...record, status: "CANCELLED", cancelledAt: when });
  }

  trainingsOf(enterpriseNumber: string): TrainingRecord[] {
    return [...this.activeByEmployer.list(enterpriseNumber)];
  }

  activeTrainingsOf(enterpriseNumber: string): readonly TrainingRecord[] {
    return this.activeByEmployer.list(enterpriseNumber);
  }

  trainingsOfWorker(ssin: string): readonly TrainingRecord[] {
    return this.activeByWorker.list(ssin);
  }

  /** Declares or corrects a worker's right for a year (a correction keeps its place in the employer's list). */
  putRight(right: TrainingRightRecord): void {
    const key = rightKey(right.enterpriseNumber, right.ssin, right.year);
    this.rightsByKey.set(key, right);
    this.rightsByEmployer.set(right.enterpriseNumber, key, right);
  }

  rightsOf(enterpriseNumber: string): readonly TrainingRightRecord[] {
    return this.rightsByEmployer.list(enterpriseNumber);
  }

  duplicateExternalReferences(): string[] {
    const counts = new Map<string, number>();
    for (const t of this.trainings.values()) {
      if (t.status === "CANCELLED" || t.externalReference === undefined) continue;
      const key = `${t.employer.enterpriseNumber}/${t.externalReference}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n > 1).map(([key]) => key);
  }

  private index(record: TrainingRecord, delta: 1 | -1): void {
    if (delta > 0) {
      this.activeByEmployer.set(record.employer.enterpriseNumber, record.trainingId, record);
      this.activeByWorker.set(record.worker.ssin, record.trainingId, record);
    } else {
      this.activeByEmployer.delete(record.employer.enterpriseNumber, record.trainingId);
      this.activeByWorker.delete(record.worker.ssin, record.trainingId);
    }
    if (record.externalReference !== undefined) {
      const key = `${record.employer.enterpriseNumber}/${record.externalReference}`;
      if (delta > 0) this.byExternalReference.set(key, record.trainingId);
      else if (this.byExternalReference.get(key) === record.trainingId) this.byExternalReference.delete(key);
    }
    const key = identicalKey(record);
    const count = (this.identical.get(key) ?? 0) + delta;
    if (count > 0) this.identical.set(key, count);
    else this.identical.delete(key);
  }
}
