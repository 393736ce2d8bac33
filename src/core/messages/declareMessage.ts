/**
 * One input message of the declare node → one declaration per element of an array payload, else one; each is handed
 * on (into the outbox) or answered at once (a local anomaly).
 */
import { DECLARE_OPERATIONS, type DeclareOperation } from "../validation";
import type { Outcome } from "../result";
import { errorOutcome } from "../outcome";
import { localAnomalyOutcome } from "./localOutcome";
import { resolveOperation } from "./operation";
import { anomaly, show } from "../validation/anomalies";

const EMPTY_LIST = {
  en: "The list is empty: there is nothing to declare.",
  fr: "La liste est vide : il n'y a rien à déclarer.",
  nl: "De lijst is leeg: er is niets aan te geven.",
};

/** Rows handled between two turns of the event loop. */
const ROWS_BETWEEN_PAUSES = 200;

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

export interface DeclarationRequest {
  operation: DeclareOperation;
  payload: unknown;
  trainingId?: unknown;
}

/**
 * Takes one declaration further: answers its outcome now (a local anomaly, or the whole outcome when it is run at
 * once), or undefined once it is handed on (accepted into the outbox, whose dispatcher emits the outcome later).
 */
export type HandDeclaration = (request: DeclarationRequest, part?: Part) => Promise<Outcome | undefined>;
export type EmitOutcome = (outcome: Outcome, part?: Part) => void;

/** One declaration, never rejecting: a throw becomes its error outcome. */
async function handSafely(
  operation: DeclareOperation,
  hand: () => Promise<Outcome | undefined>,
): Promise<Outcome | undefined> {
  const startedAt = Date.now();
  try {
    return await hand();
  } catch (err) {
    return errorOutcome(operation, err, { startedAt });
  }
}

/**
 * One input message: resolves once every declaration in it has been handed on or has its outcome. An array payload is
 * one declaration per element, at most `window` of them waiting at once (each accept waits for the journal's next
 * grouped write: one at a time would cost a disk sync per element).
 */
export async function processDeclareMessage(
  input: DeclareMessageInput,
  hand: HandDeclaration,
  emit: EmitOutcome,
  window = 256,
): Promise<void> {
  const resolved = resolveOperation(input.configuredOperation, input.msgOperation, DECLARE_OPERATIONS, "operation");
  if ("anomaly" in resolved) {
    const asked = input.msgOperation ?? input.configuredOperation;
    emit(localAnomalyOutcome(typeof asked === "string" ? asked : show(asked), input.payload, resolved.anomaly));
    return;
  }
  const { operation } = resolved;
  if (!Array.isArray(input.payload)) {
    const outcome = await handSafely(operation, () =>
      hand({ operation, payload: input.payload, trainingId: input.trainingId }),
    );
    if (outcome) emit(outcome);
    return;
  }
  const items: unknown[] = input.payload;
  if (items.length === 0) {
    const empty = anomaly("LOCAL-PAYLOAD-NOT-OBJECT", "payload", { v: "[]", kind: "array" }, { suffix: EMPTY_LIST });
    emit(localAnomalyOutcome(operation, items, empty));
    return;
  }
  const count = items.length;
  let waiting: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    // A long list would otherwise keep the event loop (every other flow, the outcomes' delivery) until its last row.
    if (index > 0 && index % ROWS_BETWEEN_PAUSES === 0) await new Promise((resolve) => setImmediate(resolve));
    const part = { index, count };
    waiting.push(handElement(operation, items, part, hand, emit));
    if (waiting.length >= window) {
      await Promise.all(waiting);
      waiting = [];
    }
  }
  await Promise.all(waiting);
}

async function handElement(
  operation: DeclareOperation,
  items: unknown[],
  part: Part,
  hand: HandDeclaration,
  emit: EmitOutcome,
): Promise<void> {
  let payload: unknown;
  try {
    payload = items[part.index];
  } catch {
    // An element behind a getter or Proxy that throws: an anomaly of its own, the other elements go on.
    emit(localAnomalyOutcome(operation, null, anomaly("LOCAL-PAYLOAD-UNREADABLE", `[${part.index}]`)), part);
    return;
  }
  const outcome = await handSafely(operation, () => hand({ operation, payload }, part));
  if (outcome) emit(outcome, part);
}
