/** The `msg.fla` contract of design.md, shared by every FLA node. */

export type Severity = "BLOCKING" | "WARNING";

export interface LocalizedText {
  fr: string;
  nl: string;
  en: string;
}

export interface Anomaly {
  code: string;
  severity: Severity;
  /** Dotted path in the payload, e.g. `worker.ssin` or `period.endDate`. */
  field?: string;
  /** A sentence a person can act on (English). */
  message: string;
  description?: LocalizedText;
  /**
   * Who named the code: `local` (validation before any call, LOCAL-*), `fla` (the platform's own code, passed on as
   * received) or `client` (this package, reading an answer of the platform: CLIENT-*, see core/clientAnomalies.ts).
   */
  source: AnomalySource;
}

export type AnomalySource = "local" | "fla" | "client";

export type FlaStatus =
  | "ACCEPTED"
  | "ACCEPTED_WITH_WARNINGS"
  | "REJECTED" // the FLA refused it (its anomalies say why)
  | "PENDING"
  | "ALREADY_DECLARED"
  | "CANCELLED"
  | "INVALID" // local validation failed, nothing was sent
  | "FORBIDDEN" // 403: scope or mandate
  | "NOT_FOUND"
  | "OK" // a successful read
  | "ERROR"; // a technical failure (network, timeout, auth, config...): msg.error says what, on the Catch node

export interface FlaMeta {
  operation: string;
  httpStatus?: number;
  status: FlaStatus;
  trainingId?: string;
  declarationId?: string;
  location?: string;
  anomalies: Anomaly[];
  /** The RFC 9457 problem the API answered, as received. */
  problem?: unknown;
  attempts: number;
  durationMs: number;
  /** Accepted into the outbox before a redeploy or restart, and sent by the node that took over. */
  resumed?: boolean;
}

/** What a controller decides for one input (or one page): which of the three ends the message takes. */
export type Outcome =
  | { output: "success"; payload: unknown; fla: FlaMeta }
  | { output: "anomaly"; payload: unknown; fla: FlaMeta }
  | { output: "error"; error: import("./errors").FlaError; fla: FlaMeta };
