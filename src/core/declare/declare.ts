/** The declare controller: validate locally, send, map the answer, follow an asynchronous declaration. */
import { buildRequest } from "../api/catalogue";
import { FlaApiClient, attemptsOf } from "../api/httpClient";
import { FlaError, isFlaError } from "../errors";
import type { Anomaly, Outcome } from "../result";
import { validateDeclaration } from "../validation";
import type { DeclareOperation, ValidDeclaration, Validation, ValidationContext } from "../validation/types";
import { AnswerContext, PendingAnswer, mapDeclarationAnswer, meta, resultOutcome } from "./answer";
import { pollDeclaration } from "./poll";
import { errorOutcome } from "../messages/localOutcome";

export interface DeclareRequest {
  operation: DeclareOperation;
  /** What the user sent (msg.payload): given back untouched on the anomaly output. */
  payload: unknown;
  /** msg.trainingId, for updateTraining and cancelTraining. */
  trainingId?: unknown;
  /** The local validation of this very payload in this context, when it was already done (the outbox's acceptance). */
  validated?: Validation<ValidDeclaration>;
}

export interface DeclareDeps {
  client: FlaApiClient;
  validation: ValidationContext;
  /** Follow a 202 until the result is final (default behaviour of the node). */
  waitForResult: boolean;
  pollTimeoutMs: number;
  /** Polling cadence; defaults 250 ms doubling to 5 s. */
  poll?: { initialDelayMs?: number; maxDelayMs?: number };
  signal?: AbortSignal;
  /** Ends the polling of a 202 only (default: `signal`): the outbox stops a closing node's polls, never its sends. */
  pollSignal?: AbortSignal;
}

/** Shared by the declarations without local warnings (most): never given out as is, outcomes copy it. */
const NO_WARNINGS: Anomaly[] = Object.freeze([]) as unknown as Anomaly[];

/** One declaration → one outcome: validate, send, map the answer, follow a 202. Never rejects. */
export async function declare(request: DeclareRequest, deps: DeclareDeps): Promise<Outcome> {
  const startedAt = Date.now();
  const { operation } = request;
  let context: AnswerContext | undefined;
  try {
    const checked = request.validated ?? validateDeclaration(operation, { payload: request.payload, trainingId: request.trainingId }, deps.validation);
    if (!checked.value) {
      return {
        output: "anomaly",
        // What the user sent, untouched; a summary only when Node-RED could not copy it.
        payload: "giveBack" in checked ? checked.giveBack : request.payload,
        fla: { operation, status: "INVALID", anomalies: checked.anomalies, attempts: 0, durationMs: Date.now() - startedAt },
      };
    }
    const valid = checked.value;
    context = {
      operation,
      payload: request.payload,
      trainingId: valid.params.trainingId,
      localWarnings: checked.anomalies.length === 0 ? NO_WARNINGS : checked.anomalies.filter((anomaly: Anomaly) => anomaly.severity === "WARNING"),
      startedAt,
    };
    const response = await deps.client.send(buildRequest(operation, valid.params, valid.body), { signal: deps.signal });
    const mapped = mapDeclarationAnswer(context, response);
    if (!("pending" in mapped)) return mapped;
    return await followPending(context, mapped, response, deps);
  } catch (error) {
    return context ? failureOutcome(operation, context, error, startedAt) : errorOutcome(operation, error, startedAt);
  }
}

function failureOutcome(operation: DeclareOperation, context: AnswerContext, error: unknown, startedAt: number): Outcome {
  const flaError = isFlaError(error) ? error : new FlaError("FLA_HTTP", `Unexpected failure while declaring: ${error instanceof Error ? error.message : String(error)}`);
  return {
    output: "error",
    error: flaError,
    fla: {
      operation,
      httpStatus: flaError.httpStatus,
      status: "REJECTED",
      ...(context.trainingId !== undefined ? { trainingId: context.trainingId } : {}),
      anomalies: [...context.localWarnings],
      attempts: attemptsOf(error),
      durationMs: Date.now() - startedAt,
    },
  };
}

/** After a 202: poll to the final result, or report PENDING with the declarationId so that the flow can look later. */
async function followPending(context: AnswerContext, pending: PendingAnswer, first: { httpStatus: number; attempts: number }, deps: DeclareDeps): Promise<Outcome> {
  const { result, location } = pending;
  const declarationId = result.declarationId;
  const pendingOutcome = (attempts: number, extra: Anomaly[] = []): Outcome => ({
    output: "success",
    payload: pending.data,
    fla: meta(context, { httpStatus: first.httpStatus, attempts }, {
      status: "PENDING",
      trainingId: result.trainingId,
      declarationId,
      location,
      anomalies: [...result.anomalies, ...extra],
    }),
  });
  if (!deps.waitForResult || deps.pollTimeoutMs <= 0) return pendingOutcome(first.attempts);
  if (!declarationId) {
    return pendingOutcome(first.attempts, [
      {
        code: "FLA-NO-DECLARATION-ID",
        severity: "WARNING",
        message: "The FLA API accepted the declaration for later processing but named no declaration to follow: query the trainings of this worker later to see the result.",
        source: "fla",
      },
    ]);
  }
  const polled = await pollDeclaration(deps.client, declarationId, { timeoutMs: deps.pollTimeoutMs, ...deps.poll, signal: deps.pollSignal ?? deps.signal });
  const attempts = first.attempts + polled.attempts;
  if (polled.final) {
    return resultOutcome(context, { httpStatus: polled.httpStatus, attempts }, { ...polled.result, declarationId: polled.result.declarationId ?? declarationId }, polled.data, location);
  }
  if (polled.failure) {
    return pendingOutcome(attempts, [
      {
        code: "FLA-POLL-FAILED",
        severity: "WARNING",
        message: `The declaration was received (declaration ${declarationId}) but its result could not be read (${polled.failure.message}): query it later with the FLA query node (declaration).`,
        source: "fla",
      },
    ]);
  }
  return pendingOutcome(attempts);
}
