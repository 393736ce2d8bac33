/** PUT /trainingRights/{enterpriseNumber}/{ssin}/{year} and GET /trainingRights: a worker's training right for a year. */
import { toApiAnomaly, type Finding } from "../anomalies";
import { badRequest, json, type Reply } from "../reply";
import type { DeclarationResult, TrainingRightRecord } from "../types";
import { authorize, nowIso, parseJson, type ApiContext, type ApiRequest } from "./context";
import { paginate, readPaging } from "./paging";
import { enterpriseNumberParam, ssinParam, yearParam } from "./params";

function days(body: Record<string, unknown>, key: string, findings: Finding[], required: boolean): number {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) findings.push({ code: "FLA-E-0001", in: "body", name: key, detail: `${key} is required.` });
    return 0;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    findings.push({ code: "FLA-E-0002", in: "body", name: key, value, detail: `${key} must be a number.` });
    return 0;
  }
  if (value < 0)
    findings.push({ code: "FLA-E-0020", in: "body", name: key, value, detail: `${key} must be 0 or more.` });
  return value;
}

export function declareTrainingRight(ctx: ApiContext, req: ApiRequest): Reply {
  const findings: Finding[] = [];
  const enterpriseNumber = enterpriseNumberParam(
    req.params.enterpriseNumber,
    "path",
    "enterpriseNumber",
    findings,
    true,
  );
  if (enterpriseNumber !== undefined) {
    const refused = authorize(ctx, req.token, enterpriseNumber, { in: "path", name: "enterpriseNumber" });
    if (refused) return refused;
  }
  const ssin = ssinParam(req.params.ssin, "path", "ssin", findings, true);
  const year = yearParam(req.params.year, "path", findings, ctx.today(), true);
  const parsed = parseJson(req.body);
  if (!parsed.ok) return badRequest([...findings, parsed.finding]);
  const body = parsed.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return badRequest([
      ...findings,
      { code: "FLA-E-0002", in: "body", name: "", detail: "The body must be a JSON object (a training right)." },
    ]);
  }
  const record = body as Record<string, unknown>;
  const individualDays = days(record, "individualDays", findings, true);
  const sectoralDays = days(record, "sectoralDays", findings, false);
  const carriedOverDays = days(record, "carriedOverDays", findings, false);
  const unit = record.unit ?? "DAYS";
  if (unit !== "DAYS" && unit !== "HOURS")
    findings.push({ code: "FLA-E-0003", in: "body", name: "unit", value: unit, detail: "unit must be DAYS or HOURS." });
  if (
    enterpriseNumber &&
    ssin &&
    year !== undefined &&
    !ctx.store.isEmployed(enterpriseNumber, ssin, `${year}-01-01`, `${year}-12-31`)
  ) {
    findings.push({
      code: "FLA-E-0017",
      in: "path",
      name: "ssin",
      value: ssin,
      detail: `Worker ${ssin} is not employed by ${enterpriseNumber} in ${year}.`,
    });
  }
  if (findings.length > 0 || !enterpriseNumber || !ssin || year === undefined) return badRequest(findings);

  const right: TrainingRightRecord = {
    enterpriseNumber,
    ssin,
    year,
    individualDays,
    sectoralDays,
    carriedOverDays,
    unit: unit as "DAYS" | "HOURS",
    declaredAt: nowIso(),
  };
  ctx.store.putRight(right);
  const declarationId = ctx.store.nextDeclarationId();
  const result: DeclarationResult = { declarationId, status: "ACCEPTED", anomalies: findings.map(toApiAnomaly) };
  ctx.store.declarations.set(declarationId, {
    declarationId,
    enterpriseNumber,
    status: "ACCEPTED",
    anomalies: [],
    receivedAt: right.declaredAt,
    readyAt: 0,
  });
  return json(200, { ...result, trainingRight: right });
}

export function searchTrainingRights(ctx: ApiContext, req: ApiRequest): Reply {
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
  const year = yearParam(q.get("year"), "query", findings, ctx.today(), false);
  const paging = readPaging(q, findings);
  if (enterpriseNumber !== undefined) {
    const refused = authorize(ctx, req.token, enterpriseNumber, { in: "query", name: "enterpriseNumber" });
    if (refused) return refused;
  }
  if (findings.length > 0 || enterpriseNumber === undefined) return badRequest(findings);
  const ofEmployer = ctx.store.rightsOf(enterpriseNumber);
  const items =
    ssin === undefined && year === undefined
      ? ofEmployer
      : ofEmployer.filter((r) => (ssin === undefined || r.ssin === ssin) && (year === undefined || r.year === year));
  return json(
    200,
    paginate(items, paging, `${ctx.apiUrl}/trainingRights`, {
      enterpriseNumber: given,
      ssin,
      year: year === undefined ? undefined : String(year),
    }),
  );
}
