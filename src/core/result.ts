/** The `msg.fla` contract (README, "msg.fla"), shared by every FLA node. */

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
  source: "local" | "fla";
}

export type FlaStatus =
  | "ACCEPTED"
  | "ACCEPTED_WITH_WARNINGS"
  | "REJECTED"
  | "PENDING"
  | "ALREADY_DECLARED"
  | "CANCELLED"
  | "INVALID" // local validation failed, nothing was sent
  | "FORBIDDEN" // 403: scope or mandate
  | "NOT_FOUND"
  | "OK"; // a successful read

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
