/** Maps the FLA API's answer to a declaration onto the outcome of the message (success, anomaly or error). */
import type { FlaResponse } from "../api/httpClient";
import {
  DeclarationResult,
  describeProblem,
  flaStatusOf,
  problemAnomalies,
  readDeclarationResult,
  readProblem,
} from "../api/catalogue";
import { FlaError } from "../errors";
import type { Anomaly, FlaMeta, FlaStatus, Outcome } from "../result";
import { anomaly } from "../validation/anomalies";
import type { DeclareOperation } from "../validation/types";

/** What the mapping needs to know about the message besides the answer. */
export interface AnswerContext {
  operation: DeclareOperation;
  /** The user's payload, untouched: what the anomaly output gives back. */
  payload: unknown;
  /** The training the request named (update, cancel). */
  trainingId?: string;
  /** Warnings of the local validation, kept in every outcome. */
  localWarnings: Anomaly[];
  startedAt: number;
}

/** The answer still needs polling: a 202, or a 2xx whose result is PENDING. */
export interface PendingAnswer {
  pending: true;
  result: DeclarationResult;
  data: unknown;
  location?: string;
}

export function meta(context: AnswerContext, response: Pick<FlaResponse, "httpStatus" | "attempts">, fields: Partial<FlaMeta>): FlaMeta {
  const fla: FlaMeta = {
    operation: context.operation,
    httpStatus: response.httpStatus,
    status: fields.status ?? "OK",
    anomalies: [...context.localWarnings, ...(fields.anomalies ?? [])],
    attempts: response.attempts,
    durationMs: Date.now() - context.startedAt,
  };
  const trainingId = fields.trainingId ?? context.trainingId;
  if (trainingId !== undefined) fla.trainingId = trainingId;
  if (fields.declarationId !== undefined) fla.declarationId = fields.declarationId;
  if (fields.location !== undefined) fla.location = fields.location;
  if (fields.problem !== undefined) fla.problem = fields.problem;
  return fla;
}

/** A final DeclarationResult (from the first answer or from polling) as an outcome. */
export function resultOutcome(context: AnswerContext, response: Pick<FlaResponse, "httpStatus" | "attempts">, result: DeclarationResult, data: unknown, location?: string): Outcome {
  const status = flaStatusOf(result);
  const fla = meta(context, response, { status, trainingId: result.trainingId, declarationId: result.declarationId, location, anomalies: result.anomalies });
  if (status === "REJECTED") {
    if (!fla.anomalies.some((anomaly) => anomaly.severity === "BLOCKING")) {
      fla.anomalies.push({ code: "FLA-REJECTED", severity: "BLOCKING", message: "The FLA API rejected the declaration without naming an anomaly.", source: "fla" });
    }
    return { output: "anomaly", payload: context.payload, fla };
  }
  return { output: "success", payload: data, fla };
}

/** Maps the first answer to a declaration; a PendingAnswer means the caller polls (or reports PENDING). */
/** A refusal of the API (400, 403, 404, 409): anomaly output with the user's payload, the problem and its issues. */
function refused(context: AnswerContext, response: FlaResponse, status: FlaStatus, fallbackCode: string, fallbackMessage: string): Outcome {
  const data = response.data;
  return {
    output: "anomaly",
    payload: context.payload,
    fla: meta(context, response, { status, problem: data, anomalies: problemAnomalies(data, fallbackCode, fallbackMessage) }),
  };
}

export function mapDeclarationAnswer(context: AnswerContext, response: FlaResponse): Outcome | PendingAnswer {
  const { httpStatus, data } = response;
  const location = response.headers.location;
  switch (httpStatus) {
    case 200:
    case 201:
    case 202: {
      const result = readDeclarationResult(data, location);
      if (httpStatus === 202 || result.status === "PENDING") return { pending: true, result, data, location };
      return resultOutcome(context, response, result, data, location);
    }
    case 204:
      return { output: "success", payload: null, fla: meta(context, response, { status: "CANCELLED", location }) };
    case 400:
      return refused(context, response, "REJECTED", "FLA-BAD-REQUEST", "The FLA API refused the request as invalid.");
    case 403:
      return refused(
        context,
        response,
        "FORBIDDEN",
        "FLA-FORBIDDEN",
        "The FLA API refused access: the scope of the config node's role, or the mandate for this employer, does not cover this declaration.",
      );
    case 404:
      return refused(context, response, "NOT_FOUND", "FLA-NOT-FOUND", `The FLA API knows no such resource${context.trainingId ? ` (training ${context.trainingId})` : ""}: check the trainingId.`);
    case 413: {
      // The body of this message is too large: a refusal the user can act on (anomaly output), not a technical
      // failure (Catch node). The API's own issues, if it named any, follow the client's sentence.
      const tooLarge: Anomaly = { ...anomaly("CLIENT-PAYLOAD-TOO-LARGE", undefined), source: "fla" };
      const issues = readProblem(data).issues;
      return {
        output: "anomaly",
        payload: context.payload,
        fla: meta(context, response, { status: "REJECTED", problem: data, anomalies: [tooLarge, ...issues] }),
      };
    }
    case 409: {
      const problem = readProblem(data);
      if (context.operation === "createTraining") {
        const message = `This training was already declared${problem.trainingId ? ` as ${problem.trainingId}` : ""} (same employer and externalReference): nothing new was recorded.`;
        return {
          output: "success",
          payload: data,
          fla: meta(context, response, {
            status: "ALREADY_DECLARED",
            trainingId: problem.trainingId,
            problem: data,
            anomalies: [{ code: problem.type ?? "FLA-DUPLICATE", severity: "WARNING", field: "externalReference", message: problem.detail ?? message, source: "fla" }],
          }),
        };
      }
      return refused(context, response, "REJECTED", "FLA-CONFLICT", "The FLA API reported a conflict with an existing record.");
    }
    default: {
      const summary = describeProblem(data);
      return {
        output: "error",
        error: new FlaError("FLA_HTTP", `The FLA API answered ${context.operation} with an unexpected status ${httpStatus}${summary ? `: ${summary.slice(0, 500)}` : ""}.`, {
          httpStatus,
          reason: readProblem(data).type,
        }),
        fla: meta(context, response, { status: "REJECTED", problem: data }),
      };
    }
  }
}
