/**
 * A catalogue: a set of operation descriptors and what is derived from them (requests, next pages, name and parameter
 * lists, the editor's view). Pure: no I/O. The nodes use the built-in one, `CATALOGUE` in ../catalogue.ts (the
 * official SWAGGER replaces its descriptors there). The core functions take another one (`deps.catalogue`) so that the
 * tests can show a new descriptor works end to end with no other change: `CATALOGUE.with(...)` builds it.
 */
import type {
  CollectionPage,
  EditorOperation,
  FlaRequest,
  OperationDescriptor,
  OperationKind,
  OperationParams,
  OperationSpec,
  ParamFormat,
} from "./types";

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Formats of the parameters that filter the result (not identifiers, not paging): given to a query that does not take
 * them, they deserve a warning rather than silence, since the user expects a filtered answer.
 */
export const FILTER_FORMATS: readonly ParamFormat[] = ["enterpriseNumber", "ssin", "year", "date"];

function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Refuses a descriptor whose parts contradict each other, when the catalogue is built rather than on a message. */
function checkDescriptor(descriptor: OperationDescriptor): void {
  const where = `The ${descriptor.name} operation descriptor`;
  const names = descriptor.params.map((param) => param.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new TypeError(`${where} lists the parameter ${duplicate} twice.`);
  const pathParams = descriptor.params.filter((param) => param.in === "path").map((param) => param.name);
  if (!sameList(placeholders(descriptor.pathTemplate), pathParams)) {
    throw new TypeError(
      `${where}: the path parameters (${pathParams.join(", ")}) are not those of ${descriptor.pathTemplate}, in order.`,
    );
  }
  for (const param of descriptor.params) {
    if (param.notBefore !== undefined && !names.includes(param.notBefore))
      throw new TypeError(`${where}: ${param.name} refers to an unknown ${param.notBefore}.`);
  }
  if (descriptor.paging) {
    for (const name of [descriptor.paging.page, descriptor.paging.pageSize]) {
      if (!descriptor.params.some((param) => param.name === name && param.in === "query"))
        throw new TypeError(`${where}: the paging parameter ${name} is not a query parameter.`);
    }
    if (descriptor.answer !== "collection") throw new TypeError(`${where}: only a collection is paged.`);
  }
  if (descriptor.answer === "collection" && !descriptor.paging)
    throw new TypeError(`${where}: a collection needs its paging.`);
}

function specOf(descriptor: OperationDescriptor): OperationSpec {
  checkDescriptor(descriptor);
  return {
    ...descriptor,
    pathParams: descriptor.params.filter((param) => param.in === "path").map((param) => param.name),
    queryParams: descriptor.params.filter((param) => param.in === "query").map((param) => param.name),
    hasBody: descriptor.body !== undefined,
  };
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
function pathSegment(operation: string, name: string, value: string): string {
  let segment: string;
  try {
    segment = encodeURIComponent(value);
  } catch {
    throw new TypeError(`The ${name} of the ${operation} operation is not valid text (a lone surrogate).`);
  }
  if (segment === "." || segment === "..")
    throw new TypeError(`The ${name} of the ${operation} operation cannot be "${segment}": it would change the URL.`);
  return segment;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether the body carries the field by which the API recognises a repeat. */
export function hasDuplicateKey(body: unknown, key: string): boolean {
  const value = isRecord(body) ? body[key] : undefined;
  return typeof value === "string" && value.trim() !== "";
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

export class Catalogue {
  /** Every operation by name, in the order of the descriptors. */
  readonly operations: Readonly<Record<string, OperationSpec>>;

  constructor(descriptors: readonly OperationDescriptor[]) {
    const operations: Record<string, OperationSpec> = {};
    for (const descriptor of descriptors) {
      if (Object.prototype.hasOwnProperty.call(operations, descriptor.name))
        throw new TypeError(`Two operation descriptors are named ${descriptor.name}.`);
      operations[descriptor.name] = specOf(descriptor);
    }
    this.operations = Object.freeze(operations);
  }

  /** This catalogue with more operations (or with some replaced, by name). */
  with(...descriptors: readonly OperationDescriptor[]): Catalogue {
    const replaced = new Set(descriptors.map((descriptor) => descriptor.name));
    return new Catalogue([
      ...Object.values(this.operations).filter((spec) => !replaced.has(spec.name)),
      ...descriptors,
    ]);
  }

  has(name: unknown, kind?: OperationKind): boolean {
    if (typeof name !== "string" || !Object.prototype.hasOwnProperty.call(this.operations, name)) return false;
    return kind === undefined || this.operations[name].kind === kind;
  }

  /** The descriptor of an operation; throws a TypeError for a name the catalogue does not know (validation runs before). */
  spec(name: string): OperationSpec {
    if (!this.has(name)) throw new TypeError(`The operation ${name} is not in the catalogue.`);
    return this.operations[name];
  }

  names(kind?: OperationKind): string[] {
    return Object.values(this.operations)
      .filter((spec) => kind === undefined || spec.kind === kind)
      .map((spec) => spec.name);
  }

  /** Every parameter a query of this catalogue takes, once each, in the order they first appear. */
  queryParameterNames(): string[] {
    const names = new Set<string>();
    for (const spec of Object.values(this.operations))
      if (spec.kind === "query") for (const param of spec.params) names.add(param.name);
    return [...names];
  }

  /** Builds the request of one operation. Throws a TypeError when a path parameter is missing or would change the URL (validation runs before). */
  buildRequest(operation: string, params: OperationParams, body?: unknown): FlaRequest {
    const spec = this.spec(operation);
    const path = spec.pathTemplate.replace(PLACEHOLDER, (_match, name: string) => {
      const value = paramText(params[name]);
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
      duplicateSafe: spec.idempotent || (spec.duplicateKey !== undefined && hasDuplicateKey(body, spec.duplicateKey)),
      expectsJson: spec.answer !== "cancellation",
    };
  }

  /**
   * The request of the page after `page`, or undefined on the last page (or when the operation is not paged). A `next`
   * link is followed only when it stays below the API base URL (same origin, same base path), so that our bearer token
   * never goes to another host; otherwise the next page is computed as page + 1 with the same parameters.
   */
  nextPageRequest(
    operation: string,
    params: OperationParams,
    page: CollectionPage,
    apiUrl: string,
    itemsSoFar: number,
  ): FlaRequest | undefined {
    const paging = this.spec(operation).paging;
    if (!paging) return undefined;
    const hasMore =
      page.next !== undefined || (page.total !== undefined && itemsSoFar < page.total && page.items.length > 0);
    if (!hasMore || page.items.length === 0) return undefined;
    if (page.next !== undefined) {
      const path = pathBelowApi(page.next, apiUrl);
      if (path !== undefined) return { ...this.buildRequest(operation, params), path };
    }
    const current = page.page ?? numberOrUndefined(params[paging.page]) ?? 1;
    const size = params[paging.pageSize] ?? page.pageSize;
    return this.buildRequest(operation, { ...params, [paging.page]: current + 1, [paging.pageSize]: size });
  }

  /** The parameters of an operation that filter its result (see FILTER_FORMATS). */
  filters(operation: string): string[] {
    return this.spec(operation)
      .params.filter((param) => FILTER_FORMATS.includes(param.format))
      .map((param) => param.name);
  }

  /** The filters each query takes, for messages: "trainings: enterpriseNumber, ssin, startDate, endDate; ...". */
  filtersByQuery(): string {
    return this.names("query")
      .map((name) => ({ name, filters: this.filters(name) }))
      .filter((query) => query.filters.length > 0)
      .map((query) => `${query.name}: ${query.filters.join(", ")}`)
      .join("; ");
  }

  /** Per operation: what the editor offers (its kind, path and query parameters, whether it is paged). */
  forEditor(): EditorOperation[] {
    return Object.values(this.operations).map((spec) => ({
      name: spec.name,
      kind: spec.kind,
      pathParams: [...spec.pathParams],
      queryParams: spec.params
        .filter(
          (param) => param.in === "query" && param.name !== spec.paging?.page && param.name !== spec.paging?.pageSize,
        )
        .map((param) => ({ name: param.name, required: param.required === true })),
      paged: spec.paging !== undefined,
      ...(spec.paging ? { maxPageSize: spec.paging.maxPageSize } : {}),
      hasBody: spec.hasBody,
    }));
  }
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
