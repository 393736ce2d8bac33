/** Which operation a message asks for: the node's setting, or `msg.operation` / `msg.query` when the node says "msg". */
import type { Anomaly } from "../result";
import { anomaly, show } from "../validation/anomalies";

export const FROM_MESSAGE = "msg";

export type Resolved<T extends string> = { operation: T } | { anomaly: Anomaly };

export function resolveOperation<T extends string>(
  configured: string,
  fromMessage: unknown,
  known: readonly T[],
  property: "operation" | "query",
): Resolved<T> {
  const candidate = configured === FROM_MESSAGE ? fromMessage : configured;
  if (typeof candidate === "string" && (known as readonly string[]).includes(candidate))
    return { operation: candidate as T };
  return {
    anomaly: anomaly("LOCAL-OPERATION-UNKNOWN", `msg.${property}`, { v: show(candidate), allowed: known.join(", ") }),
  };
}
