/** Which operation a message asks for: the node's setting, or `msg.operation` / `msg.query` when the node says "msg". */
import type { Anomaly } from "../result";

export const FROM_MESSAGE = "msg";

export type Resolved<T extends string> = { operation: T } | { anomaly: Omit<Anomaly, "severity" | "source"> };

export function resolveOperation<T extends string>(
  configured: string,
  fromMessage: unknown,
  known: readonly T[],
  property: "operation" | "query",
): Resolved<T> {
  const candidate = configured === FROM_MESSAGE ? fromMessage : configured;
  if (typeof candidate === "string" && (known as readonly string[]).includes(candidate)) return { operation: candidate as T };
  const received = candidate === undefined ? "nothing" : JSON.stringify(candidate);
  return {
    anomaly: {
      code: property === "operation" ? "LOCAL-OPERATION" : "LOCAL-QUERY",
      field: `msg.${property}`,
      message: `msg.${property} must be one of ${known.join(", ")}; received ${received}.`,
      description: {
        en: `msg.${property} must be one of ${known.join(", ")}; received ${received}.`,
        fr: `msg.${property} doit valoir l'une de ces valeurs : ${known.join(", ")} ; reçu : ${received}.`,
        nl: `msg.${property} moet een van deze waarden zijn: ${known.join(", ")}; ontvangen: ${received}.`,
      },
    },
  };
}
