/**
 * Which nodes can end a message with each `msg.fla.status`. The texts and the output live in FLA_STATUSES
 * (core/result.ts), the one source the README and the node help render (npm run docs); a status added there without
 * its nodes here fails to compile.
 */
import { FLA_STATUSES, type FlaStatus, type LocalizedText } from "../result";
import type { DocumentedNode } from "./errorCodes";

export interface StatusDoc {
  text: LocalizedText;
  /** The output of fla-declare / fla-query that carries it (a technical failure goes to a Catch node). */
  output: "success" | "anomaly" | "catch";
  nodes: readonly DocumentedNode[];
}

const ALL: readonly DocumentedNode[] = ["declare", "query", "export"];

export const STATUS_NODES: Record<FlaStatus, readonly DocumentedNode[]> = {
  ACCEPTED: ["declare"],
  ACCEPTED_WITH_WARNINGS: ["declare"],
  PENDING: ["declare"],
  ALREADY_DECLARED: ["declare"],
  CANCELLED: ["declare"],
  OK: ["query", "export"],
  INVALID: ALL,
  REJECTED: ALL,
  FORBIDDEN: ALL,
  NOT_FOUND: ALL,
  ERROR: ALL,
};

/** The statuses as the generator renders them: the runtime's texts and output with the nodes that set them. */
export const FLA_STATUS_DOCS: Record<FlaStatus, StatusDoc> = Object.fromEntries(
  (Object.keys(FLA_STATUSES) as FlaStatus[]).map((status) => {
    const { output, en, fr, nl } = FLA_STATUSES[status];
    return [
      status,
      { text: { en, fr, nl }, output: output === "error" ? "catch" : output, nodes: STATUS_NODES[status] },
    ];
  }),
) as Record<FlaStatus, StatusDoc>;
