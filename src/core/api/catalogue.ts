/**
 * The operations catalogue: the ONE module that knows the FLA API's paths, methods, bodies and response shapes.
 * It is our reconstruction of the API from the channel manual (no SWAGGER is published yet); the official SWAGGER replaces this file and nothing else.
 * Everything here is pure (no I/O): it builds requests and reads answers.
 */
import type { Anomaly, FlaStatus, LocalizedText, Severity } from "../result";

export type DeclareOperationName = "createTraining" | "updateTraining" | "cancelTraining" | "declareTrainingRight";
export type QueryOperationName = "training" | "trainings" | "declaration" | "trainingRights" | "trainingCredit";
export type OperationName = DeclareOperationName | QueryOperationName;
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** Every parameter an operation may place in its path or query string. */
export interface OperationParams {
  trainingId?: string;
  declarationId?: string;
  enterpriseNumber?: string;
  ssin?: string;
  year?: number | string;
  startDate?: string;
  endDate?: string;
  page?: number;
  pageSize?: number;
}
type ParamName = keyof OperationParams;

/** How a successful answer of the operation is read. */
export type AnswerKind = "declaration" | "cancellation" | "resource" | "collection";

export interface OperationSpec {
  name: OperationName;
  method: HttpMethod;
  /** Path below the API base URL; `{name}` placeholders are filled from the params, percent-encoded. */
  pathTemplate: string;
  queryParams: readonly ParamName[];
  /** True when sending it twice has the effect of sending it once (HTTP semantics), so any failure may be retried. */
  idempotent: boolean;
  hasBody: boolean;
  answer: AnswerKind;
}

const COLLECTION_QUERY = ["page", "pageSize"] as const;

export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {
  createTraining: { name: "createTraining", method: "POST", pathTemplate: "/trainings", queryParams: [], idempotent: false, hasBody: true, answer: "declaration" },
  updateTraining: { name: "updateTraining", method: "PUT", pathTemplate: "/trainings/{trainingId}", queryParams: [], idempotent: true, hasBody: true, answer: "declaration" },
  cancelTraining: { name: "cancelTraining", method: "DELETE", pathTemplate: "/trainings/{trainingId}", queryParams: [], idempotent: true, hasBody: false, answer: "cancellation" },
  declareTrainingRight: {
    name: "declareTrainingRight",
    method: "PUT",
    pathTemplate: "/trainingRights/{enterpriseNumber}/{ssin}/{year}",
    queryParams: [],
    idempotent: true,
    hasBody: true,
    answer: "declaration",
  },
  training: { name: "training", method: "GET", pathTemplate: "/trainings/{trainingId}", queryParams: [], idempotent: true, hasBody: false, answer: "resource" },
  trainings: {
    name: "trainings",
    method: "GET",
    pathTemplate: "/trainings",
    queryParams: ["enterpriseNumber", "ssin", "startDate", "endDate", ...COLLECTION_QUERY],
    idempotent: true,
    hasBody: false,
    answer: "collection",
  },
  declaration: { name: "declaration", method: "GET", pathTemplate: "/declarations/{declarationId}", queryParams: [], idempotent: true, hasBody: false, answer: "resource" },
  trainingRights: {
    name: "trainingRights",
    method: "GET",
    pathTemplate: "/trainingRights",
    queryParams: ["enterpriseNumber", "ssin", "year", ...COLLECTION_QUERY],
    idempotent: true,
    hasBody: false,
    answer: "collection",
  },
  trainingCredit: {
    name: "trainingCredit",
    method: "GET",
    pathTemplate: "/trainingCredits/{enterpriseNumber}/{ssin}/{year}",
    queryParams: [],
    idempotent: true,
    hasBody: false,
    answer: "resource",
  },
};

/** One HTTP request, ready for the client. `path` is relative to the API base URL and includes the query string. */
export interface FlaRequest {
  operation: OperationName;
  method: HttpMethod;
  path: string;
  body?: unknown;
  idempotent: boolean;
  /**
   * A non-idempotent request that may still be retried after an uncertain failure because the API detects the
   * duplicate (a POST /trainings with an `externalReference` is answered 409 the second time).
   */
  duplicateSafe: boolean;
  /** Whether a 2xx answer must be JSON (false for a 204 cancel). */
  expectsJson: boolean;
}

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(OPERATIONS, value);
}

export function operationSpec(operation: OperationName): OperationSpec {
  return OPERATIONS[operation];
}

function paramText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return String(value);
}

/**
 * One path parameter, percent-encoded. Encoded, a value keeps every character except "." as it is in the URL, and "%"
 * becomes "%25", so the only values that `new URL()` would rewrite are the dot segments "." and "..": refused here
 * (validation refuses them first), so that the path sent never differs from its template.
 */
function pathSegment(operation: OperationName, name: string, value: string): string {
  let segment: string;
  try {
    segment = encodeURIComponent(value);
  } catch {
    throw new TypeError(`The ${name} of the ${operation} operation is not valid text (a lone surrogate).`);
  }
  if (segment === "." || segment === "..") throw new TypeError(`The ${name} of the ${operation} operation cannot be "${segment}": it would change the URL.`);
  return segment;
}

/** Builds the request of one operation. Throws a TypeError when a path parameter is missing or would change the URL (validation runs before). */
export function buildRequest(operation: OperationName, params: OperationParams, body?: unknown): FlaRequest {
  const spec = OPERATIONS[operation];
  const path = spec.pathTemplate.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = paramText(params[name as ParamName]);
    if (value === undefined) throw new TypeError(`The ${operation} operation needs a ${name}.`);
    return pathSegment(operation, name, value);
  });
  const query = new URLSearchParams();
  for (const name of spec.queryParams) {
    const value = paramText(params[name]);
    if (value !== undefined) query.append(name, value);
  }
  const search = query.toString();
  return {
    operation,
    method: spec.method,
    path: search ? `${path}?${search}` : path,
    body: spec.hasBody ? body : undefined,
    idempotent: spec.idempotent,
    duplicateSafe: spec.idempotent || (operation === "createTraining" && hasExternalReference(body)),
    expectsJson: spec.answer !== "cancellation",
  };
}

/** The employer's own key of a training: the API answers 409 to a second POST with the same one. */
export function hasExternalReference(body: unknown): boolean {
  const ref = isRecord(body) ? body.externalReference : undefined;
  return typeof ref === "string" && ref.trim() !== "";
}

/** The request that reads the status of an asynchronous declaration (after a 202). */
export function declarationStatusRequest(declarationId: string): FlaRequest {
  return buildRequest("declaration", { declarationId });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading answers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

const PLAIN_LOCATION = /^(?:https?:\/\/[A-Za-z0-9.:[\]-]+)?(?:\/[A-Za-z0-9_-]+)*\/(trainings|declarations)\/([A-Za-z0-9_-]+)\/?$/;

/** The ids a `Location` header names: `/trainings/{trainingId}` or `/declarations/{declarationId}` (absolute or relative). */
export function idsFromLocation(location: string | undefined): { trainingId?: string; declarationId?: string } {
  if (!location) return {};
  // The usual shape, read without the cost of a URL parse (same answer: no dot segment, escape or query to resolve).
  const plain = PLAIN_LOCATION.exec(location);
  if (plain) return plain[1] === "trainings" ? { trainingId: plain[2] } : { declarationId: plain[2] };
  let pathname = location;
  try {
    pathname = new URL(location, "http://base.invalid").pathname;
  } catch {
    // keep the raw value
  }
  const match = /\/(trainings|declarations)\/([^/?#]+)\/?$/.exec(pathname);
  if (!match) return {};
  const id = decodeURIComponent(match[2]);
  return match[1] === "trainings" ? { trainingId: id } : { declarationId: id };
}

const FINAL_DECLARATION_STATUSES = ["ACCEPTED", "ACCEPTED_WITH_WARNINGS", "REJECTED"] as const;
export type DeclarationStatus = "PENDING" | (typeof FINAL_DECLARATION_STATUSES)[number];

export interface DeclarationResult {
  trainingId?: string;
  declarationId?: string;
  /** Undefined when the answer does not say (then a 2xx means accepted). */
  status?: DeclarationStatus;
  anomalies: Anomaly[];
}

export function isFinalDeclarationStatus(status: DeclarationStatus | undefined): boolean {
  return status !== undefined && status !== "PENDING";
}

function declarationStatus(value: unknown): DeclarationStatus | undefined {
  return value === "PENDING" || (FINAL_DECLARATION_STATUSES as readonly unknown[]).includes(value) ? (value as DeclarationStatus) : undefined;
}

/** Reads a `DeclarationResult` (201/200 body, or a declaration status), with the ids of the `Location` header as fallback. */
export function readDeclarationResult(data: unknown, location?: string): DeclarationResult {
  const fromLocation = idsFromLocation(location);
  const body = isRecord(data) ? data : {};
  return {
    trainingId: text(body.trainingId) ?? fromLocation.trainingId,
    declarationId: text(body.declarationId) ?? fromLocation.declarationId,
    status: declarationStatus(body.status),
    anomalies: Array.isArray(body.anomalies) ? body.anomalies.map((item) => readAnomaly(item)) : [],
  };
}

/** The FlaStatus a declaration result stands for; a 2xx answer without a status is an acceptance. */
export function flaStatusOf(result: DeclarationResult): FlaStatus {
  if (result.status) return result.status;
  return result.anomalies.length > 0 ? "ACCEPTED_WITH_WARNINGS" : "ACCEPTED";
}

function localizedText(value: unknown): LocalizedText | undefined {
  if (!isRecord(value)) return undefined;
  const fr = text(value.fr);
  const nl = text(value.nl);
  const en = text(value.en);
  if (!fr && !nl && !en) return undefined;
  return { fr: fr ?? en ?? nl ?? "", nl: nl ?? en ?? fr ?? "", en: en ?? fr ?? nl ?? "" };
}

/** One anomaly of a DeclarationResult or one issue of a problem: `name` or `field` → field, `detail` or `description.en` → message. */
export function readAnomaly(value: unknown, defaultSeverity: Severity = "BLOCKING"): Anomaly {
  const item = isRecord(value) ? value : {};
  const description = localizedText(item.description);
  const severity: Severity = item.severity === "WARNING" || item.severity === "BLOCKING" ? item.severity : defaultSeverity;
  const anomaly: Anomaly = {
    code: text(item.code) ?? text(item.type) ?? "FLA-UNKNOWN",
    severity,
    message: text(item.detail) ?? description?.en ?? text(item.title) ?? text(item.message) ?? "The FLA API reported an anomaly without a description.",
    source: "fla",
  };
  const field = text(item.name) ?? text(item.field);
  if (field) anomaly.field = field;
  if (description) anomaly.description = description;
  return anomaly;
}

/** An RFC 9457 problem as the FLA API answers it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** The issues of a 400, as anomalies (source "fla"). */
  issues: Anomaly[];
  /** On a 409 duplicate: the existing training. */
  trainingId?: string;
}

export function readProblem(data: unknown): Problem {
  const body = isRecord(data) ? data : {};
  return {
    type: text(body.type),
    title: text(body.title),
    status: typeof body.status === "number" ? body.status : undefined,
    detail: text(body.detail),
    issues: Array.isArray(body.issues) ? body.issues.map((issue) => readAnomaly(issue)) : [],
    trainingId: text(body.trainingId),
  };
}

/** A one-line summary of a problem for an error message or an anomaly (never contains the request). */
export function describeProblem(data: unknown): string | undefined {
  const problem = readProblem(data);
  const parts = [problem.title, problem.detail].filter((part): part is string => !!part);
  if (problem.issues.length > 0) parts.push(problem.issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join("; "));
  return parts.length > 0 ? parts.join(": ") : undefined;
}

/** The problem of a 400/403/404/409 as anomalies: its issues, or one anomaly built from its type and detail. */
export function problemAnomalies(data: unknown, fallbackCode: string, fallbackMessage: string, severity: Severity = "BLOCKING"): Anomaly[] {
  const problem = readProblem(data);
  if (problem.issues.length > 0) return problem.issues;
  return [{ code: problem.type ?? fallbackCode, severity, message: problem.detail ?? problem.title ?? fallbackMessage, source: "fla" }];
}

export interface CollectionPage {
  items: unknown[];
  total?: number;
  page?: number;
  pageSize?: number;
  /** The `next` link as the API gave it (absent on the last page). */
  next?: string;
}

/** Reads a collection page; returns undefined when the body is not one (no `items` array). */
export function readCollection(data: unknown): CollectionPage | undefined {
  if (!isRecord(data) || !Array.isArray(data.items)) return undefined;
  const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
  return { items: data.items, total: num(data.total), page: num(data.page), pageSize: num(data.pageSize), next: text(data.next) };
}

/**
 * The request of the page after `page`, or undefined on the last page. A `next` link is followed only when it stays
 * below the API base URL (same origin, same base path), so that our bearer token never goes to another host;
 * otherwise the next page is computed as page + 1 with the same parameters.
 */
export function nextPageRequest(
  operation: QueryOperationName,
  params: OperationParams,
  page: CollectionPage,
  apiUrl: string,
  itemsSoFar: number,
): FlaRequest | undefined {
  if (OPERATIONS[operation].answer !== "collection") return undefined;
  const hasMore = page.next !== undefined || (page.total !== undefined && itemsSoFar < page.total && page.items.length > 0);
  if (!hasMore || page.items.length === 0) return undefined;
  if (page.next !== undefined) {
    const path = pathBelowApi(page.next, apiUrl);
    if (path !== undefined) return { ...buildRequest(operation, params), path };
  }
  const current = page.page ?? params.page ?? 1;
  return buildRequest(operation, { ...params, page: current + 1, pageSize: params.pageSize ?? page.pageSize });
}

/** The path (with query) of `link` relative to the API base URL, or undefined when it points elsewhere. */
export function pathBelowApi(link: string, apiUrl: string): string | undefined {
  let base: URL;
  let target: URL;
  try {
    base = new URL(apiUrl);
    target = new URL(link, base.href.endsWith("/") ? base.href : base.href + "/");
  } catch {
    return undefined;
  }
  const basePath = base.pathname.replace(/\/+$/, "");
  if (target.origin !== base.origin) return undefined;
  if (target.pathname !== basePath && !target.pathname.startsWith(basePath + "/")) return undefined;
  const rest = target.pathname.slice(basePath.length);
  return (rest.startsWith("/") ? rest : "/" + rest) + target.search;
}
