/** The declare controller: validate locally, send, map the answer, follow an asynchronous declaration. */
import { buildRequest } from "../api/catalogue";
import type { FlaApiClient } from "../api/httpClient";
import { clientAnomaly } from "../clientAnomalies";
import { asFlaError, errorOutcome, invalidOutcome, successOutcome } from "../outcome";
import type { Anomaly, Outcome } from "../result";
import { validateDeclaration } from "../validation";
import type { DeclareOperation, ValidDeclaration, Validation, ValidationContext } from "../validation/types";
import { AnswerContext, PendingAnswer, declarationFields, mapDeclarationAnswer, resultOutcome } from "./answer";
import { pollDeclaration } from "./poll";

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
    const checked =
      request.validated ??
      validateDeclaration(operation, { payload: request.payload, trainingId: request.trainingId }, deps.validation);
    // What the user sent, untouched; a summary only when Node-RED could not copy it.
    if (!checked.value)
      return invalidOutcome(
        operation,
        "giveBack" in checked ? checked.giveBack : request.payload,
        checked.anomalies,
        startedAt,
      );
    const valid = checked.value;
    context = {
      operation,
      payload: request.payload,
      trainingId: valid.params.trainingId,
      localWarnings:
        checked.anomalies.length === 0
          ? NO_WARNINGS
          : checked.anomalies.filter((anomaly: Anomaly) => anomaly.severity === "WARNING"),
      startedAt,
    };
    const response = await deps.client.send(buildRequest(operation, valid.params, valid.body), { signal: deps.signal });
    const mapped = mapDeclarationAnswer(context, response);
    if (!("pending" in mapped)) return mapped;
    return await followPending(context, mapped, response, deps);
  } catch (error) {
    // A technical failure: the local warnings and the training named still travel with it.
    const failure = asFlaError(error, "Unexpected failure while declaring");
    return errorOutcome(operation, failure, {
      startedAt,
      ...(context ? { trainingId: context.trainingId, anomalies: [...context.localWarnings] } : {}),
    });
  }
}

/** After a 202: poll to the final result, or report PENDING with the declarationId so that the flow can look later. */
async function followPending(
  context: AnswerContext,
  pending: PendingAnswer,
  first: { httpStatus: number; attempts: number },
  deps: DeclareDeps,
): Promise<Outcome> {
  const { result, location } = pending;
  const declarationId = result.declarationId;
  const pendingOutcome = (attempts: number, extra: Anomaly[] = []): Outcome =>
    successOutcome(
      pending.data,
      declarationFields(
        context,
        { httpStatus: first.httpStatus, attempts },
        {
          status: "PENDING",
          trainingId: result.trainingId,
          declarationId,
          location,
          anomalies: [...result.anomalies, ...extra],
        },
      ),
    );
  if (!deps.waitForResult || deps.pollTimeoutMs <= 0) return pendingOutcome(first.attempts);
  if (!declarationId) {
    return pendingOutcome(first.attempts, [clientAnomaly("CLIENT-NO-DECLARATION-ID")]);
  }
  const polled = await pollDeclaration(deps.client, declarationId, {
    timeoutMs: deps.pollTimeoutMs,
    ...deps.poll,
    signal: deps.pollSignal ?? deps.signal,
  });
  const attempts = first.attempts + polled.attempts;
  if (polled.final) {
    return resultOutcome(
      context,
      { httpStatus: polled.httpStatus, attempts },
      { ...polled.result, declarationId: polled.result.declarationId ?? declarationId },
      polled.data,
      location,
    );
  }
  if (polled.failure) {
    return pendingOutcome(attempts, [
      clientAnomaly("CLIENT-POLL-FAILED", { declarationId, reason: polled.failure.message }),
    ]);
  }
  return pendingOutcome(attempts);
}
