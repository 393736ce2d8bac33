/** GET /trainingCredits/{enterpriseNumber}/{ssin}/{year}: the balance computed from the right and the attended trainings. */
import type { Finding } from "../anomalies";
import { badRequest, json, notFound, type Reply } from "../reply";
import { rightKey } from "../store";
import { authorize, type ApiContext, type ApiRequest } from "./context";
import { enterpriseNumberParam, ssinParam, yearParam } from "./params";

const HOURS_PER_DAY = 8;

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function readTrainingCredit(ctx: ApiContext, req: ApiRequest): Reply {
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
  if (findings.length > 0 || !enterpriseNumber || !ssin || year === undefined) return badRequest(findings);

  const right = ctx.store.rights.get(rightKey(enterpriseNumber, ssin, year));
  if (!right && !ctx.store.isEmployed(enterpriseNumber, ssin, `${year}-01-01`, `${year}-12-31`)) {
    return notFound(`Worker ${ssin} has no training right and no employment with ${enterpriseNumber} in ${year}.`);
  }
  const unit = right?.unit ?? "DAYS";
  let attended = 0;
  let trainingCount = 0;
  for (const t of ctx.store.trainingsOfWorker(ssin)) {
    if (t.employer.enterpriseNumber !== enterpriseNumber || t.period.startDate.slice(0, 4) !== String(year)) continue;
    trainingCount += 1;
    const inDays = t.duration.unit === "DAYS" ? t.duration.value : t.duration.value / HOURS_PER_DAY;
    attended += unit === "DAYS" ? inDays : inDays * HOURS_PER_DAY;
  }
  const entitlement = (right?.individualDays ?? 0) + (right?.sectoralDays ?? 0);
  const carriedOver = right?.carriedOverDays ?? 0;
  return json(200, {
    enterpriseNumber,
    ssin,
    year,
    entitlement: round2(entitlement),
    attended: round2(attended),
    remaining: round2(Math.max(0, entitlement + carriedOver - attended)),
    carriedOver: round2(carriedOver),
    unit,
    trainingCount,
  });
}
