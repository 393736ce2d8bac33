/**
 * Which node's help lists each technical failure code. The texts themselves live in FLA_ERROR_CODES (core/errors.ts),
 * the one source the README and the node help render (npm run docs); a code added there without its nodes here fails to
 * compile.
 */
import { FLA_ERROR_CODES, type FlaErrorCode } from "../errors";
import type { LocalizedText } from "../result";

/** The nodes whose messages can end on a Catch node with a code, so that each node's help lists only its own. */
export type DocumentedNode = "declare" | "query" | "export";

export interface ErrorCodeDoc {
  text: LocalizedText;
  nodes: readonly DocumentedNode[];
}

const ALL: readonly DocumentedNode[] = ["declare", "query", "export"];

export const ERROR_CODE_NODES: Record<FlaErrorCode, readonly DocumentedNode[]> = {
  FLA_CONFIG: ALL,
  FLA_CERT: ALL,
  FLA_AUTH: ALL,
  FLA_TIMEOUT: ALL,
  FLA_NETWORK: ALL,
  FLA_HTTP: ALL,
  FLA_RESPONSE: ALL,
  FLA_UNCERTAIN: ["declare"],
  FLA_QUEUE_FULL: ALL,
  FLA_FILE: ["declare", "export"],
  FLA_LOCKED: ["export"],
  FLA_UNAVAILABLE: ["declare"],
  FLA_ABORTED: ALL,
};

/** The error codes as the generator renders them: the runtime's texts with the nodes that list them. */
export const FLA_ERROR_CODE_DOCS: Record<FlaErrorCode, ErrorCodeDoc> = Object.fromEntries(
  (Object.keys(FLA_ERROR_CODES) as FlaErrorCode[]).map((code) => {
    const { en, fr, nl } = FLA_ERROR_CODES[code];
    return [code, { text: { en, fr, nl }, nodes: ERROR_CODE_NODES[code] }];
  }),
) as Record<FlaErrorCode, ErrorCodeDoc>;
