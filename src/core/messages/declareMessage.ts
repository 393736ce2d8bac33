/**
 * One input message of the declare node → one outcome per declaration. An array payload is one declaration per element,
 * run with a bounded window so that a large array never floods the shared queue.
 */
import { DECLARE_OPERATIONS, type DeclareOperation } from "../validation";
import type { Outcome } from "../result";
import { errorOutcome, localAnomalyOutcome } from "./localOutcome";
import { resolveOperation } from "./operation";
import { anomaly } from "../validation/anomalies";

const EMPTY_LIST = {
  en: "The list is empty: there is nothing to declare.",
  fr: "La liste est vide : il n'y a rien à déclarer.",
  nl: "De lijst is leeg: er is niets aan te geven.",
};

export interface DeclareMessageInput {
  configuredOperation: string;
  msgOperation: unknown;
  payload: unknown;
  trainingId: unknown;
}

export interface Part {
  index: number;
  count: number;
}

/** Runs one declaration; the caller binds the client, validation context and options. */
export type RunDeclaration = (request: { operation: DeclareOperation; payload: unknown; trainingId?: unknown }) => Promise<Outcome>;
export type EmitOutcome = (outcome: Outcome, part?: Part) => void;

async function safely(operation: string, run: () => Promise<Outcome>): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    return await run();
  } catch (err) {
    return errorOutcome(operation, err, startedAt);
  }
}

export async function processDeclareMessage(input: DeclareMessageInput, run: RunDeclaration, emit: EmitOutcome, window = 8): Promise<void> {
  const resolved = resolveOperation(input.configuredOperation, input.msgOperation, DECLARE_OPERATIONS, "operation");
  if ("anomaly" in resolved) {
    emit(localAnomalyOutcome(String(input.msgOperation ?? input.configuredOperation), input.payload, resolved.anomaly));
    return;
  }
  const { operation } = resolved;
  if (!Array.isArray(input.payload)) {
    // The common case, without the closure and async frame of safely(): each would stay alive while the message is queued.
    const startedAt = Date.now();
    let outcome: Outcome;
    try {
      outcome = await run({ operation, payload: input.payload, trainingId: input.trainingId });
    } catch (err) {
      outcome = errorOutcome(operation, err, startedAt);
    }
    emit(outcome);
    return;
  }
  const items: unknown[] = input.payload;
  if (items.length === 0) {
    const empty = anomaly("LOCAL-PAYLOAD-NOT-OBJECT", "payload", { v: "[]", kind: "array" }, { suffix: EMPTY_LIST });
    emit(localAnomalyOutcome(operation, items, empty));
    return;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const outcome = await safely(operation, () => run({ operation, payload: items[index] }));
      emit(outcome, { index, count: items.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, worker));
}
