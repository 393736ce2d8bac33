/** Maps the FLA API's answer to a declaration onto the outcome of the message (success, anomaly or error). */
import { answerMeaning, conflictAnomalies, refusalAnomalies, unexpectedAnswer } from "../api/answers";
import {
  DeclarationResult,
  flaStatusOf,
  operationSpec,
  readDeclarationResult,
  readProblem,
  type OperationSpec,
} from "../api/catalogue";
import type { FlaResponse } from "../api/httpClient";
import { clientAnomaly } from "../clientAnomalies";
import { anomalyOutcome, errorOutcome, successOutcome, type MetaFields } from "../outcome";
import type { Anomaly, Outcome } from "../result";
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

type Answered = Pick<FlaResponse, "httpStatus" | "attempts">;
type Fields = Omit<MetaFields, "operation" | "startedAt" | "httpStatus" | "attempts">;

/** msg.fla of this declaration: its operation, training, local warnings, attempts and duration, and `fields`. */
export function declarationFields(context: AnswerContext, response: Answered, fields: Fields): MetaFields {
  return {
    ...fields,
    operation: context.operation,
    httpStatus: response.httpStatus,
    trainingId: fields.trainingId ?? context.trainingId,
    anomalies: [...context.localWarnings, ...(fields.anomalies ?? [])],
    attempts: response.attempts,
    startedAt: context.startedAt,
  };
}

/** A final DeclarationResult (from the first answer or from polling) as an outcome. */
export function resultOutcome(
  context: AnswerContext,
  response: Answered,
  result: DeclarationResult,
  data: unknown,
  location?: string,
): Outcome {
  const status = flaStatusOf(result);
  const fields = declarationFields(context, response, {
    status,
    trainingId: result.trainingId,
    declarationId: result.declarationId,
    location,
    anomalies: result.anomalies,
  });
  if (status === "REJECTED") {
    const anomalies = fields.anomalies ?? [];
    if (!anomalies.some((anomaly) => anomaly.severity === "BLOCKING")) anomalies.push(clientAnomaly("CLIENT-REJECTED"));
    return anomalyOutcome(context.payload, fields);
  }
  return successOutcome(data, fields);
}

/**
 * Maps the first answer to a declaration; a PendingAnswer means the caller polls (or reports PENDING). `spec`: the
 * descriptor the request was built from (the built-in one of the operation unless told otherwise); its answer kind
 * names the row of the answers table, its duplicateKey tells a repeat (409) from a conflict.
 */
export function mapDeclarationAnswer(
  context: AnswerContext,
  response: FlaResponse,
  spec: OperationSpec = operationSpec(context.operation),
): Outcome | PendingAnswer {
  const { httpStatus, data } = response;
  const location = response.headers.location;
  const meaning = answerMeaning(spec.answer, httpStatus);
  const about = { operation: context.operation, trainingId: context.trainingId };
  switch (meaning.means) {
    case "result": {
      const result = readDeclarationResult(data, location);
      if (meaning.later || result.status === "PENDING") return { pending: true, result, data, location };
      return resultOutcome(context, response, result, data, location);
    }
    case "cancelled":
      return successOutcome(null, declarationFields(context, response, { status: "CANCELLED", location }));
    case "refused":
      // The user's payload, the problem and its issues: what is needed to correct the declaration and send it again.
      return anomalyOutcome(
        context.payload,
        declarationFields(context, response, {
          status: meaning.status,
          problem: data,
          anomalies: refusalAnomalies(meaning.code, data, about),
        }),
      );
    case "tooLarge": {
      // The body of this message is too large: a refusal the user can act on (anomaly output), not a technical
      // failure (Catch node). The API's own issues, if it named any, follow the client's sentence.
      const anomalies = [clientAnomaly("CLIENT-PAYLOAD-TOO-LARGE"), ...readProblem(data).issues];
      return anomalyOutcome(
        context.payload,
        declarationFields(context, response, { status: "REJECTED", problem: data, anomalies }),
      );
    }
    case "conflict": {
      const problem = readProblem(data);
      const anomalies = conflictAnomalies(data, spec.duplicateKey, {
        ...about,
        trainingId: problem.trainingId ?? context.trainingId,
      });
      if (spec.duplicateKey === undefined)
        return anomalyOutcome(
          context.payload,
          declarationFields(context, response, { status: "REJECTED", problem: data, anomalies }),
        );
      // The training exists already (a resend, or the same duplicate key): nothing new was recorded.
      return successOutcome(
        data,
        declarationFields(context, response, {
          status: "ALREADY_DECLARED",
          trainingId: problem.trainingId,
          problem: data,
          anomalies,
        }),
      );
    }
    default: {
      return errorOutcome(
        context.operation,
        unexpectedAnswer(context.operation, httpStatus, data),
        declarationFields(context, response, { status: "ERROR", problem: data }),
      );
    }
  }
}
