/** POST/PUT/DELETE/GET /trainings: declarations of trainings, corrections, cancellations and reads. */
import { isBlocking, toApiAnomaly, toIssue, type Finding } from "../anomalies";
import { badRequest, json, notFound, problem, type Reply } from "../reply";
import { employerOf, validateTraining } from "../trainingValidation";
import type { DeclarationResult, TrainingBody, TrainingRecord } from "../types";
import { authorize, nowIso, parseJson, type ApiContext, type ApiRequest } from "./context";
import { paginate, readPaging } from "./paging";
import { dateParam, enterpriseNumberParam, ssinParam } from "./params";

const STRUCTURAL = new Set(["FLA-E-0001", "FLA-E-0002", "FLA-E-0003", "FLA-E-0004", "FLA-E-0010", "FLA-E-0011"]);

export function trainingView(t: TrainingRecord): Record<string, unknown> {
  const { trainingId, declarationId, status, declaredAt, updatedAt, cancelledAt, source, anomalies, ...body } = t;
  const view: Record<string, unknown> = { trainingId, ...body, status, declarationId, declaredAt, source, anomalies };
  if (updatedAt !== undefined) view.updatedAt = updatedAt;
  if (cancelledAt !== undefined) view.cancelledAt = cancelledAt;
  return view;
}

function duplicate(ctx: ApiContext, trainingId: string, externalReference: string, enterpriseNumber: string): Reply {
  ctx.onDuplicateRefused();
  const finding: Finding = {
    code: "FLA-E-0032",
    in: "body",
    name: "externalReference",
    value: externalReference,
    detail: `Training ${trainingId} already has externalReference "${externalReference}" for employer ${enterpriseNumber}.`,
  };
  return problem({
    type: "urn:problem-type:fla:duplicateDeclaration",
    title: "Duplicate Declaration",
    status: 409,
    detail: finding.detail,
    trainingId,
    issues: [toIssue(finding)],
  });
}

/** Validation shared by a declaration and a correction: the body, then the rules that need the data. */
function check(ctx: ApiContext, req: ApiRequest): { reply?: Reply; training?: TrainingBody; findings: Finding[] } {
  const parsed = parseJson(req.body);
  if (!parsed.ok) return { reply: badRequest([parsed.finding]), findings: [] };
  const employer = employerOf(parsed.value);
  if (employer !== undefined) {
    const refused = authorize(ctx, req.token, employer, { in: "body", name: "employer.enterpriseNumber" });
    if (refused) return { reply: refused, findings: [] };
  }
  const { training, findings } = validateTraining(parsed.value, ctx.today());
  if (!training || findings.some((f) => STRUCTURAL.has(f.code))) return { reply: badRequest(findings), findings };
  const { enterpriseNumber } = training.employer;
  if (
    !ctx.store.isEmployed(enterpriseNumber, training.worker.ssin, training.period.startDate, training.period.endDate)
  ) {
    findings.push({
      code: "FLA-E-0017",
      in: "body",
      name: "worker.ssin",
      value: training.worker.ssin,
      detail: `Worker ${training.worker.ssin} is not employed by ${enterpriseNumber} between ${training.period.startDate} and ${training.period.endDate}.`,
    });
  }
  return { training, findings };
}

/** Sync: 201/200 with the result (400 when rejected). Async: 202 + Location of the declaration, final after the delay. */
function answer(ctx: ApiContext, result: DeclarationResult, findings: Finding[], created: boolean): Reply {
  if (ctx.asyncDeclarations()) {
    const pending: DeclarationResult = { declarationId: result.declarationId, status: "PENDING", anomalies: [] };
    return json(202, pending, { Location: `${ctx.apiUrl}/declarations/${result.declarationId}` });
  }
  if (result.status === "REJECTED") return badRequest(findings);
  return json(created ? 201 : 200, result, { Location: `${ctx.apiUrl}/trainings/${result.trainingId}` });
}

function recordDeclaration(ctx: ApiContext, result: DeclarationResult, enterpriseNumber: string): void {
  ctx.store.declarations.set(result.declarationId, {
    declarationId: result.declarationId,
    trainingId: result.trainingId,
    enterpriseNumber,
    status: result.status as "ACCEPTED" | "ACCEPTED_WITH_WARNINGS" | "REJECTED",
    anomalies: result.anomalies,
    receivedAt: nowIso(),
    readyAt: ctx.asyncDeclarations() ? Date.now() + ctx.asyncDelayMs : 0,
  });
}

function identicalWarning(training: TrainingBody): Finding {
  return {
    code: "FLA-W-0001",
    in: "body",
    name: "title",
    value: training.title,
    detail: `Worker ${training.worker.ssin} already has a training "${training.title}" from ${training.period.startDate} to ${training.period.endDate}.`,
  };
}

export function createTraining(ctx: ApiContext, req: ApiRequest): Reply {
  const checked = check(ctx, req);
  if (checked.reply) return checked.reply;
  const training = checked.training as TrainingBody;
  const findings = checked.findings;
  const { enterpriseNumber } = training.employer;
  if (training.externalReference !== undefined) {
    const existing = ctx.store.findByExternalReference(enterpriseNumber, training.externalReference);
    if (existing) return duplicate(ctx, existing, training.externalReference, enterpriseNumber);
  }
  if (ctx.store.hasIdentical(training)) findings.push(identicalWarning(training));

  const declarationId = ctx.store.nextDeclarationId();
  const anomalies = findings.map(toApiAnomaly);
  if (findings.some(isBlocking)) {
    const result: DeclarationResult = { declarationId, status: "REJECTED", anomalies };
    if (ctx.asyncDeclarations()) recordDeclaration(ctx, result, enterpriseNumber);
    return answer(ctx, result, findings, true);
  }
  const trainingId = ctx.store.nextTrainingId();
  const status = anomalies.length > 0 ? "ACCEPTED_WITH_WARNINGS" : "ACCEPTED";
  ctx.store.insertTraining({
    ...training,
    trainingId,
    declarationId,
    status,
    anomalies,
    declaredAt: nowIso(),
    source: "EMPLOYER",
  });
  ctx.onTrainingCreated();
  const result: DeclarationResult = { trainingId, declarationId, status, anomalies };
  recordDeclaration(ctx, result, enterpriseNumber);
  return answer(ctx, result, findings, true);
}

function findAuthorized(ctx: ApiContext, req: ApiRequest): { record?: TrainingRecord; reply?: Reply } {
  const record = ctx.store.trainings.get(req.params.trainingId);
  if (!record) return { reply: notFound(`No training ${req.params.trainingId}.`) };
  const refused = authorize(ctx, req.token, record.employer.enterpriseNumber, { in: "path", name: "trainingId" });
  return refused ? { reply: refused } : { record };
}

export function updateTraining(ctx: ApiContext, req: ApiRequest): Reply {
  const found = findAuthorized(ctx, req);
  if (!found.record) return found.reply as Reply;
  const original = found.record;
  const checked = check(ctx, req);
  if (checked.reply) return checked.reply;
  const training = checked.training as TrainingBody;
  const findings = checked.findings;
  const { enterpriseNumber } = training.employer;
  if (original.status === "CANCELLED") {
    findings.push({
      code: "FLA-E-0018",
      in: "path",
      name: "trainingId",
      value: original.trainingId,
      detail: `Training ${original.trainingId} was cancelled.`,
    });
  }
  if (enterpriseNumber !== original.employer.enterpriseNumber) {
    findings.push({
      code: "FLA-E-0019",
      in: "body",
      name: "employer.enterpriseNumber",
      value: enterpriseNumber,
      detail: `Training ${original.trainingId} belongs to employer ${original.employer.enterpriseNumber}.`,
    });
  }
  if (training.externalReference !== undefined) {
    const other = ctx.store.findByExternalReference(enterpriseNumber, training.externalReference);
    if (other && other !== original.trainingId)
      return duplicate(ctx, other, training.externalReference, enterpriseNumber);
  }
  if (ctx.store.hasIdentical(training, original.trainingId)) findings.push(identicalWarning(training));

  const declarationId = ctx.store.nextDeclarationId();
  const anomalies = findings.map(toApiAnomaly);
  if (findings.some(isBlocking)) {
    const result: DeclarationResult = { trainingId: original.trainingId, declarationId, status: "REJECTED", anomalies };
    if (ctx.asyncDeclarations()) recordDeclaration(ctx, result, enterpriseNumber);
    return answer(ctx, result, findings, false);
  }
  const status = anomalies.length > 0 ? "ACCEPTED_WITH_WARNINGS" : "ACCEPTED";
  ctx.store.replaceTraining({
    ...training,
    trainingId: original.trainingId,
    declarationId,
    status,
    anomalies,
    declaredAt: original.declaredAt,
    updatedAt: nowIso(),
    source: original.source,
  });
  const result: DeclarationResult = { trainingId: original.trainingId, declarationId, status, anomalies };
  recordDeclaration(ctx, result, enterpriseNumber);
  return answer(ctx, result, findings, false);
}

/** Cancelling twice is not an error: the answer of the first may have been lost. */
export function cancelTraining(ctx: ApiContext, req: ApiRequest): Reply {
  const found = findAuthorized(ctx, req);
  if (!found.record) return found.reply as Reply;
  ctx.store.cancelTraining(found.record.trainingId, nowIso());
  return { status: 204 };
}

export function readTraining(ctx: ApiContext, req: ApiRequest): Reply {
  const found = findAuthorized(ctx, req);
  if (!found.record) return found.reply as Reply;
  return json(200, trainingView(found.record));
}

/** Search: an employer token without enterpriseNumber means its own; a provider must name one. Cancelled ones are left out. */
export function searchTrainings(ctx: ApiContext, req: ApiRequest): Reply {
  const findings: Finding[] = [];
  const q = req.query;
  const given = enterpriseNumberParam(
    q.get("enterpriseNumber"),
    "query",
    "enterpriseNumber",
    findings,
    req.token.role === "provider",
  );
  const enterpriseNumber =
    given ?? (req.token.role === "employer" && !q.get("enterpriseNumber") ? req.token.enterpriseNumber : undefined);
  const ssin = ssinParam(q.get("ssin"), "query", "ssin", findings, false);
  const startDate = dateParam(q.get("startDate"), "startDate", findings);
  const endDate = dateParam(q.get("endDate"), "endDate", findings);
  const paging = readPaging(q, findings);
  if (enterpriseNumber !== undefined) {
    const refused = authorize(ctx, req.token, enterpriseNumber, { in: "query", name: "enterpriseNumber" });
    if (refused) return refused;
  }
  if (startDate && endDate && endDate < startDate) {
    findings.push({
      code: "FLA-E-0012",
      in: "query",
      name: "endDate",
      value: endDate,
      detail: `endDate ${endDate} is before startDate ${startDate}.`,
    });
  }
  if (findings.length > 0 || enterpriseNumber === undefined) return badRequest(findings);
  // From the indexes: a worker's few trainings when ssin is given, else the employer's list (sliced as is when unfiltered).
  const candidates =
    ssin === undefined
      ? ctx.store.activeTrainingsOf(enterpriseNumber)
      : ctx.store.trainingsOfWorker(ssin).filter((t) => t.employer.enterpriseNumber === enterpriseNumber);
  const items =
    startDate === undefined && endDate === undefined
      ? candidates
      : candidates.filter(
          (t) =>
            (endDate === undefined || t.period.startDate <= endDate) &&
            (startDate === undefined || t.period.endDate >= startDate),
        );
  const page = paginate(items, paging, `${ctx.apiUrl}/trainings`, {
    enterpriseNumber: given,
    ssin,
    startDate,
    endDate,
  });
  return json(200, { ...page, items: page.items.map(trainingView) });
}
