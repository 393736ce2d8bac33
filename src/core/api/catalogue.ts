/**
 * The operations catalogue: the ONE entry to what the nodes know of the FLA API. Each operation is one descriptor
 * (operations/builtIn.ts): method, path template, path and query parameters with their format, body schema, paging,
 * whether it may be resent, and how its answer is read. Request building, local validation, the parameter lists of the
 * query node, paging and the editor's lists are all derived from the descriptors (operations/registry.ts).
 * The answers are read below. Everything here is pure (no I/O).
 */
import type { ClientAnomalyCode } from "../clientAnomalies";
import type { Anomaly, FlaStatus, LocalizedText, Severity } from "../result";
import { BUILT_IN_OPERATIONS } from "./operations/builtIn";
import { Catalogue } from "./operations/registry";
import type { CollectionPage, EditorOperation, FlaRequest, OperationParams, OperationSpec } from "./operations/types";

export { Catalogue, FILTER_FORMATS, pathBelowApi } from "./operations/registry";
export type {
  AnswerKind,
  CollectionPage,
  EditorOperation,
  FlaRequest,
  HttpMethod,
  OperationDescriptor,
  OperationKind,
  OperationParams,
  OperationSpec,
  PagingDescriptor,
  ParamDescriptor,
  ParamFormat,
} from "./operations/types";

type BuiltIn = (typeof BUILT_IN_OPERATIONS)[number];
export type OperationName = BuiltIn["name"];
export type DeclareOperationName = Extract<BuiltIn, { kind: "declare" }>["name"];
export type QueryOperationName = Extract<BuiltIn, { kind: "query" }>["name"];
/** Every parameter a built-in query takes (the query node's settings). */
export type QueryParameterName = Extract<BuiltIn, { kind: "query" }>["params"][number]["name"];

/** The built-in catalogue: the operations of the FLA API as the nodes send them. */
export const CATALOGUE = new Catalogue(BUILT_IN_OPERATIONS);

export const OPERATIONS = CATALOGUE.operations as Readonly<Record<OperationName, OperationSpec>>;

export const DECLARE_OPERATION_NAMES = CATALOGUE.names("declare") as readonly DeclareOperationName[];
export const QUERY_OPERATION_NAMES = CATALOGUE.names("query") as readonly QueryOperationName[];
export const QUERY_PARAMETER_NAMES = CATALOGUE.queryParameterNames() as readonly QueryParameterName[];

/** The descriptor of a built-in operation, with the lists derived from it. */
export function operationSpec(operation: OperationName): OperationSpec {
  return OPERATIONS[operation];
}

/** Per operation of the built-in catalogue: name, kind, path parameters, query parameters (name, required), paged. */
export function operationsForEditor(): EditorOperation[] {
  return CATALOGUE.forEditor();
}

/** Builds the request of one built-in operation (see Catalogue.buildRequest). */
export function buildRequest(operation: OperationName, params: OperationParams, body?: unknown): FlaRequest {
  return CATALOGUE.buildRequest(operation, params, body);
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

const PLAIN_LOCATION =
  /^(?:https?:\/\/[A-Za-z0-9.:[\]-]+)?(?:\/[A-Za-z0-9_-]+)*\/(trainings|declarations)\/([A-Za-z0-9_-]+)\/?$/;

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
  return value === "PENDING" || (FINAL_DECLARATION_STATUSES as readonly unknown[]).includes(value)
    ? (value as DeclarationStatus)
    : undefined;
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
  const severity: Severity =
    item.severity === "WARNING" || item.severity === "BLOCKING" ? item.severity : defaultSeverity;
  const code = text(item.code) ?? text(item.type);
  const anomaly: Anomaly = {
    // An anomaly the platform did not name gets a client code: a flow never meets a code the platform did not send as FLA's.
    code: code ?? ("CLIENT-ANOMALY-WITHOUT-CODE" satisfies ClientAnomalyCode),
    severity,
    message:
      text(item.detail) ??
      description?.en ??
      text(item.title) ??
      text(item.message) ??
      "The FLA API reported an anomaly without a description.",
    source: code ? "fla" : "client",
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
  /** The issues of a 400 (or its `anomalies`), as anomalies (source "fla"). */
  issues: Anomaly[];
  /** On a 409 duplicate: the existing training. */
  trainingId?: string;
  /** The platform's anomaly code, when the problem names one at its top level. */
  code?: string;
}

export function readProblem(data: unknown): Problem {
  const body = isRecord(data) ? data : {};
  return {
    type: text(body.type),
    title: text(body.title),
    status: typeof body.status === "number" ? body.status : undefined,
    detail: text(body.detail),
    issues: (Array.isArray(body.issues) ? body.issues : Array.isArray(body.anomalies) ? body.anomalies : []).map(
      (issue) => readAnomaly(issue),
    ),
    trainingId: text(body.trainingId),
    code: text(body.code),
  };
}

/** A one-line summary of a problem for an error message or an anomaly (never contains the request). */
export function describeProblem(data: unknown): string | undefined {
  const problem = readProblem(data);
  const parts = [problem.title, problem.detail].filter((part): part is string => !!part);
  if (problem.issues.length > 0)
    parts.push(
      problem.issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join("; "),
    );
  return parts.length > 0 ? parts.join(": ") : undefined;
}

/**
 * The problem of a refusal as anomalies: its issues; else one anomaly with the platform's own `code`; else `fallback`
 * (a client anomaly) given the platform's own words if it had any. A problem `type` names a kind of problem, not an
 * anomaly: it stays in msg.fla.problem, never becomes a code.
 */
export function problemAnomalies(data: unknown, fallback: (said: string | undefined) => Anomaly): Anomaly[] {
  const problem = readProblem(data);
  if (problem.issues.length > 0) return problem.issues;
  const said = problem.detail ?? problem.title;
  if (problem.code === undefined) return [fallback(said)];
  const named = fallback(undefined);
  return [{ code: problem.code, severity: named.severity, message: said ?? named.message, source: "fla" }];
}

/** Reads a collection page; returns undefined when the body is not one (no `items` array). */
export function readCollection(data: unknown): CollectionPage | undefined {
  if (!isRecord(data) || !Array.isArray(data.items)) return undefined;
  const num = (value: unknown): number | undefined =>
    typeof value === "number" && Number.isFinite(value) ? value : undefined;
  return {
    items: data.items,
    total: num(data.total),
    page: num(data.page),
    pageSize: num(data.pageSize),
    next: text(data.next),
  };
}

/** The request of the page after `page` of a built-in query, or undefined on the last page (see Catalogue.nextPageRequest). */
export function nextPageRequest(
  operation: QueryOperationName,
  params: OperationParams,
  page: CollectionPage,
  apiUrl: string,
  itemsSoFar: number,
): FlaRequest | undefined {
  return CATALOGUE.nextPageRequest(operation, params, page, apiUrl, itemsSoFar);
}
