/** What every FLA API handler receives, and the authorization rule shared by writes and reads. */
import { toIssue, type Finding } from "../anomalies";
import { problem, type Reply } from "../reply";
import type { SimulatorStore } from "../store";
import type { IssuedToken } from "../tokens";

export interface ApiSettings {
  apiUrl: string;
  today(): string;
  asyncDeclarations(): boolean;
  asyncDelayMs: number;
  onTrainingCreated(): void;
  onDuplicateRefused(): void;
}

export interface ApiRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Raw body text ("" when none). */
  body: string;
  token: IssuedToken;
}

export interface ApiContext extends ApiSettings {
  store: SimulatorStore;
}

export type ApiHandler = (ctx: ApiContext, req: ApiRequest) => Reply;

/**
 * Employer role: only its own enterprise number. Provider role: only employers that gave it a mandate.
 * Returns the 403 problem, or undefined when allowed.
 */
export function authorize(
  ctx: ApiContext,
  token: IssuedToken,
  enterpriseNumber: string,
  where: Pick<Finding, "in" | "name">,
): Reply | undefined {
  if (token.role === "employer") {
    if (token.enterpriseNumber === enterpriseNumber) return undefined;
    const finding: Finding = {
      code: "FLA-E-0030",
      ...where,
      value: enterpriseNumber,
      detail: `The employer scope of client "${token.clientId}" covers enterprise number ${token.enterpriseNumber} only, not ${enterpriseNumber}.`,
    };
    return problem({
      type: "urn:problem-type:belgif:missingScope",
      title: "Missing Scope",
      status: 403,
      detail: finding.detail,
      issues: [toIssue(finding)],
    });
  }
  if (ctx.store.hasMandate(token.enterpriseNumber, enterpriseNumber)) return undefined;
  const finding: Finding = {
    code: "FLA-E-0031",
    ...where,
    value: enterpriseNumber,
    detail: `The authorized representative ${token.enterpriseNumber} has no mandate from employer ${enterpriseNumber}.`,
  };
  return problem({
    type: "urn:problem-type:fla:noMandate",
    title: "No Mandate",
    status: 403,
    detail: finding.detail,
    issues: [toIssue(finding)],
  });
}

export function parseJson(body: string): { ok: true; value: unknown } | { ok: false; finding: Finding } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false, finding: { code: "FLA-E-0002", in: "body", name: "", detail: "The body is not valid JSON." } };
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
