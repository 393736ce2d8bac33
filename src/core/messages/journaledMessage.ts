/**
 * A message split for the outbox: what can be written to the journal (its JSON-serialisable properties) and what can
 * only stay in memory (msg.req/msg.res of an `http in` flow, sockets, functions, cyclic objects). The in-memory part
 * is re-attached to the outcome by the process that accepted the message; after a restart it is gone.
 */

/** Properties that are never journaled: an http request and response are live objects, not data. */
const IN_MEMORY_ONLY = new Set(["req", "res"]);

export interface SplitMessage {
  journaled: Record<string, unknown>;
  /** Undefined when everything could be journaled (the common case: no side-map entry). */
  inMemory?: Record<string, unknown>;
}

export function splitMessage(msg: Record<string, unknown>, omit: ReadonlySet<string> = EMPTY): SplitMessage {
  const journaled: Record<string, unknown> = {};
  let inMemory: Record<string, unknown> | undefined;
  for (const key of Object.keys(msg)) {
    if (omit.has(key)) continue;
    const value = msg[key];
    if (IN_MEMORY_ONLY.has(key) || !serialisable(value)) (inMemory ??= {})[key] = value;
    else journaled[key] = value;
  }
  return { journaled, inMemory };
}

const EMPTY: ReadonlySet<string> = new Set();

function serialisable(value: unknown): boolean {
  if (value === undefined || typeof value === "function" || typeof value === "symbol" || typeof value === "bigint")
    return false;
  if (value === null || typeof value !== "object") return true;
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}
