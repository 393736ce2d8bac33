/** The declare controller: validate locally, send, map the answer, follow an asynchronous declaration. */
import { buildRequest } from "../api/catalogue";
import { FlaApiClient, attemptsOf, type FlaResponse } from "../api/httpClient";
import { FlaError, isFlaError } from "../errors";
import type { Anomaly, Outcome } from "../result";
import { validateDeclaration } from "../validation";
import type { DeclareOperation, ValidationContext } from "../validation/types";
import { AnswerContext, PendingAnswer, mapDeclarationAnswer, meta, resultOutcome } from "./answer";
import { pollDeclaration } from "./poll";
import { errorOutcome } from "../messages/localOutcome";

export interface DeclareRequest {
  operation: DeclareOperation;
  /** What the user sent (msg.payload): given back untouched on the anomaly output. */
  payload: unknown;
  /** msg.trainingId, for updateTraining and cancelTraining. */
  trainingId?: unknown;
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

/**
 * Validates and hands the request to the client. Apart from declare() so that the validated copy of the payload is not
 * held by declare()'s suspended frame while the request waits in the queue (the client keeps its JSON text only).
 */
function start(request: DeclareRequest, deps: DeclareDeps, startedAt: number): { outcome: Outcome } | { context: AnswerContext; sending: Promise<FlaResponse> } {
  const checked = validateDeclaration(request.operation, { payload: request.payload, trainingId: request.trainingId }, deps.validation);
  if (!checked.value) {
    return {
      outcome: {
        output: "anomaly",
        // What the user sent, untouched; a summary only when Node-RED could not copy it.
        payload: "giveBack" in checked ? checked.giveBack : request.payload,
        fla: { operation: request.operation, status: "INVALID", anomalies: checked.anomalies, attempts: 0, durationMs: Date.now() - startedAt },
      },
    };
  }
  const valid = checked.value;
  const context: AnswerContext = {
    operation: request.operation,
    payload: request.payload,
    trainingId: valid.params.trainingId,
    localWarnings: checked.anomalies.length === 0 ? NO_WARNINGS : checked.anomalies.filter((anomaly: Anomaly) => anomaly.severity === "WARNING"),
    startedAt,
  };
  let sending: Promise<FlaResponse>;
  try {
    sending = deps.client.send(buildRequest(request.operation, valid.params, valid.body), { signal: deps.signal });
  } catch (error) {
    sending = Promise.reject(error);
  }
  return { context, sending };
}

/**
 * One declaration → one outcome. Never rejects: anything thrown becomes an error outcome.
 * Not an async function: its frame (a generator and its registers, ~300 bytes) stayed alive for each declaration
 * waiting in the queue; two small handlers sharing one context cost less.
 */
export function declare(request: DeclareRequest, deps: DeclareDeps): Promise<Outcome> {
  const startedAt = Date.now();
  let started: ReturnType<typeof start>;
  try {
    started = start(request, deps, startedAt);
  } catch (error) {
    return Promise.resolve(errorOutcome(request.operation, error, startedAt));
  }
  if ("outcome" in started) return Promise.resolve(started.outcome);
  const { context, sending } = started;
  // The handlers share one context: the operation, not the request object.
  const operation = request.operation;
  const failed = (error: unknown): Outcome => failureOutcome(operation, context, error, startedAt);
  return sending.then((response) => {
    let mapped: ReturnType<typeof mapDeclarationAnswer>;
    try {
      mapped = mapDeclarationAnswer(context, response);
    } catch (error) {
      return failed(error);
    }
    if (!("pending" in mapped)) return mapped;
    return followPending(context, mapped, response, deps).catch(failed);
  }, failed);
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
