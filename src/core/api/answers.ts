/**
 * What each HTTP status of the FLA API means, for each kind of answer the catalogue names (`OperationSpec.answer`)
 * and for the status reads that follow a 202 (`poll`). The ONE table that decides it: the declare and query
 * controllers, the polling and the export read their meaning here and only build the outcome. A status not in a row
 * is unexpected: a technical failure (FLA_HTTP, status ERROR). 401, 429 and 5xx never get here: the HTTP client
 * retries them or gives up with its own error.
 */
import { clientAnomaly, type ClientAnomalyCode, type ClientAnomalyParams } from "../clientAnomalies";
import { FlaError } from "../errors";
import type { Anomaly, FlaStatus } from "../result";
import { describeProblem, problemAnomalies, readProblem, type AnswerKind } from "./catalogue";

export type AnswerMeaning =
  /** A DeclarationResult: final, or PENDING to follow (`later`: a 202, always followed). */
  | { means: "result"; later?: boolean }
  /** The training is cancelled (204, no body). */
  | { means: "cancelled" }
  /** The resource or page read. */
  | { means: "data" }
  /** The platform refused it: anomaly output with `status`; `code` names it when the platform named nothing. */
  | { means: "refused"; status: FlaStatus; code: ClientAnomalyCode }
  /** 409: the same training already exists (ALREADY_DECLARED for a creation, a REJECTED refusal otherwise). */
  | { means: "conflict" }
  /** 413: the body is too large, a refusal the user can act on. */
  | { means: "tooLarge" }
  /** A status read answered 404 right after the 202: the status may not be visible yet, keep polling. */
  | { means: "notYet" }
  /** The export's credit of one worker-year: the API has none (404); recorded, and the worker-year is covered. */
  | { means: "none" }
  /**
   * The export's credit of one worker-year: the API refused this worker-year (400, e.g. an SSIN it does not accept);
   * recorded, not covered, and not a refusal of the employer.
   */
  | { means: "refusedItem" }
  /** A page asked for past the last `next` link (the total said more): there is none, the read ends short of its total. */
  | { means: "ended" }
  | { means: "unexpected" };

/**
 * The answers polling and the export read, besides the catalogue's kinds: `credit` is the export's reading of one
 * training credit (a resource), `pastLastPage` a page of a collection asked for past its last `next` link.
 */
export type AnswerRow = AnswerKind | "poll" | "credit" | "pastLastPage";

type Row = Readonly<Partial<Record<number, AnswerMeaning>>>;

const REFUSALS: Row = {
  400: { means: "refused", status: "REJECTED", code: "CLIENT-BAD-REQUEST" },
  403: { means: "refused", status: "FORBIDDEN", code: "CLIENT-FORBIDDEN" },
  404: { means: "refused", status: "NOT_FOUND", code: "CLIENT-NOT-FOUND" },
};

/** A write: a result (at once or later), a cancellation, or a refusal. */
const WRITE: Row = {
  200: { means: "result" },
  201: { means: "result" },
  202: { means: "result", later: true },
  204: { means: "cancelled" },
  ...REFUSALS,
  409: { means: "conflict" },
  413: { means: "tooLarge" },
};

const READ: Row = { 200: { means: "data" }, ...REFUSALS };

export const ANSWERS: Readonly<Record<AnswerRow, Row>> = {
  declaration: WRITE,
  // A DELETE is answered 204; a platform that answers it with a DeclarationResult is read as one.
  cancellation: WRITE,
  resource: READ,
  collection: READ,
  poll: { 200: { means: "result" }, 404: { means: "notYet" } },
  // The export asks for every worker-year: a 404 or a 400 is an answer about that one, not about the employer (a 403 is).
  credit: { ...READ, 400: { means: "refusedItem" }, 404: { means: "none" } },
  // Read on by number because the total said more: an API without that page answers 404 (or 400 for a page too far).
  pastLastPage: { ...READ, 400: { means: "ended" }, 404: { means: "ended" } },
};

const UNEXPECTED: AnswerMeaning = { means: "unexpected" };

export function answerMeaning(row: AnswerRow, httpStatus: number): AnswerMeaning {
  return ANSWERS[row][httpStatus] ?? UNEXPECTED;
}

/** True when the answer is the resource or page read (a 200), for a read of that kind. */
export function isReadData(row: AnswerRow, httpStatus: number): boolean {
  return answerMeaning(row, httpStatus).means === "data";
}

/** The anomalies of a refusal: the platform's, or the client code of the table with the platform's own words. */
export function refusalAnomalies(code: ClientAnomalyCode, data: unknown, params: ClientAnomalyParams): Anomaly[] {
  return problemAnomalies(data, (said) => clientAnomaly(code, { ...params, said }));
}

/**
 * The anomalies of a 409: the anomaly codes the platform gave (its issues or anomalies, or the problem's `code`),
 * never the problem `type` (a URN that names the kind of problem, not the anomaly); else a client code.
 * `duplicateKey`: the descriptor's field by which the API recognises a repeat (`OperationSpec.duplicateKey`); given,
 * the request met an existing one, which the flow sees as a warning on that field (ALREADY_DECLARED).
 */
export function conflictAnomalies(
  data: unknown,
  duplicateKey: string | undefined,
  params: ClientAnomalyParams,
): Anomaly[] {
  const problem = readProblem(data);
  const duplicate = duplicateKey !== undefined;
  const severity = duplicate ? "WARNING" : "BLOCKING";
  const field = duplicateKey;
  const code: ClientAnomalyCode = duplicate ? "CLIENT-DUPLICATE" : "CLIENT-CONFLICT";
  if (problem.issues.length > 0)
    return problem.issues.map((issue) => ({ ...issue, severity, ...(issue.field || !field ? {} : { field }) }));
  if (problem.code !== undefined) {
    const message = problem.detail ?? clientAnomaly(code, params).message;
    return [{ code: problem.code, severity, ...(field ? { field } : {}), message, source: "fla" }];
  }
  return [clientAnomaly(code, { ...params, said: problem.detail ?? problem.title }, { field })];
}

/** An answer no row expects: a technical failure, with the platform's summary of the problem. */
export function unexpectedAnswer(what: string, httpStatus: number, data: unknown): FlaError {
  const summary = describeProblem(data);
  return new FlaError(
    "FLA_HTTP",
    `The FLA API answered ${what} with an unexpected status ${httpStatus}${summary ? `: ${summary.slice(0, 500)}` : ""}.`,
    {
      httpStatus,
      reason: readProblem(data).type,
    },
  );
}
