/**
 * The shape of one operation descriptor: everything the nodes need to know about one FLA API operation, so that
 * request building, local validation, paging and the editor's lists all read it from one place.
 */

export type OperationKind = "declare" | "query";
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** How a successful answer of the operation is read. */
export type AnswerKind = "declaration" | "cancellation" | "resource" | "collection";

/**
 * What a parameter holds. Local validation knows each format (its JSON type, how friendly input is normalised, which
 * rule checks it), so a new operation whose parameters use these formats needs no validation code:
 * - `id`: a training or declaration id (one URL path segment, printable ASCII);
 * - `enterpriseNumber`: "BE 0203.430.576" → "0203430576", then the check digits;
 * - `ssin`: "85.07.30-033.28" → "85073003328" (11 digits), then the check digits;
 * - `year`: an integer from 2024 to the current year;
 * - `date`: a calendar date YYYY-MM-DD (Date objects and 04/03/2024 accepted);
 * - `page` and `pageSize`: integers from 1 (pageSize up to the paging's maxPageSize).
 */
export type ParamFormat = "id" | "enterpriseNumber" | "ssin" | "year" | "date" | "page" | "pageSize";

export interface ParamDescriptor {
  readonly name: string;
  /** A path parameter fills the `{name}` placeholder of the path template (always required); a query one the query string. */
  readonly in: "path" | "query";
  readonly format: ParamFormat;
  /** Query parameters only: the operation cannot be sent without it. */
  readonly required?: boolean;
  /**
   * The employer's enterprise number: when the message gives none, the config node's fills it in the employer role;
   * in the provider role (authorized representative) every message must give it.
   */
  readonly employer?: boolean;
  /** A date that cannot be before the date of this other parameter (endDate after startDate). */
  readonly notBefore?: string;
}

/** How a collection is read page by page. */
export interface PagingDescriptor {
  /** The query parameters of the page number (from 1) and of the page size. */
  readonly page: string;
  readonly pageSize: string;
  readonly maxPageSize: number;
  /**
   * How the next page is found: the page's `next` link when it stays below the API base URL, else page + 1 while
   * fewer items than the page's `total` were read. An empty page always ends the run.
   */
  readonly next: "nextLinkOrTotal";
}

export interface OperationDescriptor {
  readonly name: string;
  readonly kind: OperationKind;
  readonly method: HttpMethod;
  /** Path below the API base URL; `{name}` placeholders are filled from the path parameters, percent-encoded. */
  readonly pathTemplate: string;
  /** Every parameter the operation takes, path and query, in the order they are checked and sent. */
  readonly params: readonly ParamDescriptor[];
  /** The JSON schema of the request body (declarations); absent when the operation sends no body. */
  readonly body?: { readonly schema: object };
  /** Present on a paged collection. */
  readonly paging?: PagingDescriptor;
  /** True when sending it twice has the effect of sending it once (HTTP semantics), so any failure may be resent. */
  readonly idempotent: boolean;
  /**
   * A body field by which the API recognises a repeat of a non-idempotent request (it answers 409 to the second):
   * when the body carries it, the request may be resent after an uncertain failure.
   */
  readonly duplicateKey?: string;
  readonly answer: AnswerKind;
}

/** A descriptor with the lists derived from it, as the catalogue serves it. */
export interface OperationSpec extends OperationDescriptor {
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
}

/** What the editor shows of an operation. */
export interface EditorOperation {
  name: string;
  kind: OperationKind;
  pathParams: string[];
  /** Query parameters other than the paging ones. */
  queryParams: { name: string; required: boolean }[];
  paged: boolean;
  /** The largest page size of a paged collection. */
  maxPageSize?: number;
  hasBody: boolean;
}

/**
 * Parameters of a request, by name. The named ones are those of the built-in operations; another descriptor may take
 * others (its validation normalises them by their format).
 */
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
  readonly [name: string]: unknown;
}

/** One HTTP request, ready for the client. `path` is relative to the API base URL and includes the query string. */
export interface FlaRequest {
  operation: string;
  method: HttpMethod;
  path: string;
  body?: unknown;
  idempotent: boolean;
  /**
   * A non-idempotent request that may still be resent after an uncertain failure because the API detects the
   * duplicate (a POST /trainings with an `externalReference` is answered 409 the second time).
   */
  duplicateSafe: boolean;
  /** Whether a 2xx answer must be JSON (false for a 204 cancel). */
  expectsJson: boolean;
}

/** One page of a collection as the API answers it. */
export interface CollectionPage {
  items: unknown[];
  total?: number;
  page?: number;
  pageSize?: number;
  /** The `next` link as the API gave it (absent on the last page). */
  next?: string;
}
