/**
 * One input message of the declare node → one outcome per declaration. An array payload is one declaration per element,
 * run with a bounded window so that a large array never floods the shared queue.
 */
import { DECLARE_OPERATIONS, type DeclareOperation } from "../validation";
import type { Outcome } from "../result";
import { errorOutcome, localAnomalyOutcome } from "./localOutcome";
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

/**
 * Not an async function: for a single declaration (the common case) its frame (a generator and its registers, ~300 bytes)
 * stayed alive for each message waiting in the queue. Settles as the async version did: after `emit`, rejecting only
 * if something throws outside the declaration itself.
 */
export function processDeclareMessage(input: DeclareMessageInput, run: RunDeclaration, emit: EmitOutcome, window = 8): Promise<void> {
  let resolved: ReturnType<typeof resolveOperation<DeclareOperation>>;
  let isList: boolean;
  try {
    resolved = resolveOperation(input.configuredOperation, input.msgOperation, DECLARE_OPERATIONS, "operation");
    if ("anomaly" in resolved) {
      const asked = input.msgOperation ?? input.configuredOperation;
      emit(localAnomalyOutcome(typeof asked === "string" ? asked : show(asked), input.payload, resolved.anomaly));
      return Promise.resolve();
    }
    isList = Array.isArray(input.payload);
  } catch (err) {
    return Promise.reject(err);
  }
  const { operation } = resolved;
  if (isList) return processList(operation, input.payload as unknown[], run, emit, window);
  return processOne(operation, input.payload, input.trainingId, run, emit);
}

/** One declaration: a function of its own, so that the handler waiting for it holds one small context. */
function processOne(operation: DeclareOperation, payload: unknown, trainingId: unknown, run: RunDeclaration, emit: EmitOutcome): Promise<void> {
  const startedAt = Date.now();
  let outcome: Promise<Outcome>;
  try {
    outcome = run({ operation, payload, trainingId });
  } catch (err) {
    outcome = Promise.reject(err);
  }
  // `emit` itself as the handler: `then` passes the outcome alone, so no part.
  return outcome.then(emit, (err: unknown) => emit(errorOutcome(operation, err, startedAt)));
}

async function processList(operation: DeclareOperation, items: unknown[], run: RunDeclaration, emit: EmitOutcome, window: number): Promise<void> {
  if (items.length === 0) {
    const empty = anomaly("LOCAL-PAYLOAD-NOT-OBJECT", "payload", { v: "[]", kind: "array" }, { suffix: EMPTY_LIST });
    emit(localAnomalyOutcome(operation, items, empty));
    return;
  }
  let next = 0;
  let sinceYield = 0;
  let pause: Promise<void> | undefined;
  const count = items.length;
  const worker = async (): Promise<void> => {
    while (next < count) {
      // Rows refused locally settle at once: without a pause, a long list would be one chain of microtasks that keeps
      // the event loop (every other flow, the part messages' delivery) waiting until the last row.
      if (++sinceYield >= ROWS_BETWEEN_PAUSES) {
        sinceYield = 0;
        pause = new Promise<void>((resolve) => setImmediate(() => {
          pause = undefined;
          resolve();
        }));
      }
      if (pause) {
        // Every worker waits for the same turn of the loop; another may have taken the last rows meanwhile.
        await pause;
        if (next >= count) break;
      }
      const index = next++;
      const outcome = await safely(operation, () => {
        let payload: unknown;
        try {
          payload = items[index];
        } catch {
          // An element behind a getter or Proxy that throws: an anomaly of its own, the other elements go on.
          return Promise.resolve(localAnomalyOutcome(operation, null, anomaly("LOCAL-PAYLOAD-UNREADABLE", `[${index}]`)));
        }
        return run({ operation, payload });
      });
      emit(outcome, { index, count });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
}
