/** Fault injection: per-route plans of failures, applied in order, with seeded random draws. */
import { Prng } from "./prng";
import type { ActiveFault, FaultKind, FaultPlan, FaultSpec } from "./types";

const KINDS: FaultKind[] = ["status", "reset", "hang", "malformed", "slow", "expireToken"];

/** What the server knows of a request when it asks for a fault. */
export interface FaultTarget {
  /** Route key, e.g. "POST /trainings", "GET /trainings/{trainingId}", or "token". */
  routeKey: string;
  method: string;
  /** Path relative to the API base, e.g. "/trainings/T-000001" (the token path for the token endpoint). */
  path: string;
  isToken: boolean;
}

function normalizeRoute(route: string): string {
  const [method, ...rest] = route.trim().split(/\s+/);
  return rest.length === 0
    ? method
    : `${method.toUpperCase()} ${rest
        .join(" ")
        .replace(/\{[^}]*\}/g, "{}")
        .replace(/\/+$/, "")}`;
}

export function matchesRoute(route: string | undefined, target: FaultTarget): boolean {
  if (route === undefined || route.trim() === "*" || route.trim() === "") return !target.isToken;
  const wanted = route.trim();
  if (wanted === "all") return true;
  if (wanted === "token" || wanted === "POST /token") return target.isToken;
  if (target.isToken) return false;
  const normalized = normalizeRoute(wanted);
  return (
    normalized === normalizeRoute(target.routeKey) || normalized === normalizeRoute(`${target.method} ${target.path}`)
  );
}

export class FaultInjector implements FaultPlan {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private readonly prng: Prng;

  constructor(seed = 1) {
    this.prng = new Prng(seed);
  }

  add(spec: FaultSpec): number {
    if (!KINDS.includes(spec.kind))
      throw new Error(`Unknown fault kind "${String(spec.kind)}": use one of ${KINDS.join(", ")}.`);
    if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1))
      throw new Error("A fault's probability must be between 0 and 1.");
    if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 0))
      throw new Error("A fault's times must be a whole number.");
    if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599))
      throw new Error("A fault's status must be an HTTP status.");
    if (spec.phase !== undefined && spec.phase !== "before" && spec.phase !== "after")
      throw new Error('A fault\'s phase must be "before" or "after".');
    const fault: ActiveFault = { ...spec, id: this.nextId++, applied: 0 };
    this.faults.push(fault);
    return fault.id;
  }

  remove(id: number): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  list(): readonly ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first fault that applies to this request (and counts it), or undefined. */
  pick(target: FaultTarget): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (fault.times !== undefined && fault.applied >= fault.times) continue;
      if (!matchesRoute(fault.route, target)) continue;
      if (fault.probability !== undefined && fault.probability < 1 && this.prng.next() >= fault.probability) continue;
      fault.applied += 1;
      return { ...fault };
    }
    return undefined;
  }
}

/**
 * Reads the command-line form "ROUTE:KIND[=VALUE]:key=value...", e.g. "POST /trainings:status=503:retryAfter=1:probability=0.1",
 * "GET /trainings:slow=2000", "*:reset:times=3", "token:status=500:phase=after".
 */
export function parseFaultSpec(text: string): FaultSpec {
  const parts = text.split(":").map((p) => p.trim());
  if (parts.length < 2) throw new Error(`Cannot read fault "${text}": expected ROUTE:KIND[=VALUE][:key=value...].`);
  const [route, ...options] = parts;
  const spec: Partial<FaultSpec> = { route: route || "*" };
  for (const option of options) {
    const [key, value] = option.split("=", 2);
    const number = (): number => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n))
        throw new Error(`Cannot read fault "${text}": ${key} needs a number.`);
      return n;
    };
    if ((KINDS as string[]).includes(key)) {
      spec.kind = key as FaultKind;
      if (value !== undefined && key === "status") spec.status = number();
      if (value !== undefined && key === "slow") spec.delayMs = number();
      if (value !== undefined && key === "malformed") spec.status = number();
    } else if (key === "kind") spec.kind = value as FaultKind;
    else if (key === "retryAfter") spec.retryAfter = number();
    else if (key === "delayMs") spec.delayMs = number();
    else if (key === "times") spec.times = number();
    else if (key === "probability") spec.probability = number();
    else if (key === "phase") spec.phase = value as "before" | "after";
    else throw new Error(`Cannot read fault "${text}": unknown option "${key}".`);
  }
  if (!spec.kind) throw new Error(`Cannot read fault "${text}": no kind (${KINDS.join(", ")}).`);
  return spec as FaultSpec;
}
