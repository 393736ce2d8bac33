/** The query controller: validate locally, read one resource or page through a collection (first, all or split). */
import { CATALOGUE, Catalogue, FlaRequest, readCollection, CollectionPage } from "../api/catalogue";
import type { AnswerKind } from "../api/catalogue";
import { isReadData } from "../api/answers";
import { FlaApiClient, FlaResponse, attemptsOf } from "../api/httpClient";
import { FlaError } from "../errors";
import {
  anomalyOutcome,
  asFlaError,
  errorOutcome,
  flaMeta,
  invalidOutcome,
  successOutcome,
  type MetaFields,
} from "../outcome";
import type { Anomaly, FlaMeta, Outcome } from "../result";
import { validateQuery } from "../validation";
import type { QueryParams, ValidationContext } from "../validation/types";
import { mapReadFailure } from "./answer";

export type Paging = "first" | "all" | "split";

export interface QueryRequest {
  /** A query of the catalogue (a QueryOperation of the built-in one); an unknown name is a LOCAL-OPERATION-UNKNOWN anomaly. */
  operation: string;
  /** Parameters as the user gave them (normalised and checked here). */
  params: Record<string, unknown>;
  paging: Paging;
}

export interface QueryPage {
  items: unknown[];
  /** 0 for the first page. */
  index: number;
  total?: number;
  pageCount?: number;
  last: boolean;
  fla: FlaMeta;
}

export interface QueryDeps {
  client: FlaApiClient;
  validation: ValidationContext;
  signal?: AbortSignal;
  /** Split mode: called for each page as it arrives and awaited, so a slow consumer slows the reading down. */
  onPage?: (page: QueryPage) => Promise<void> | void;
  /** The operations to read from: the built-in catalogue unless told otherwise. */
  catalogue?: Catalogue;
}

/** Guards against an API whose `next` links never end. */
const MAX_PAGES = 1_000_000;

/**
 * One query → one outcome. `first`: the answer as the API gives it. `all`: every item of every page in one array.
 * `split`: each page goes to `onPage`; the resolved success outcome is then only a summary ({ pages, items }) and the
 * adapter sends nothing more for it. Never rejects.
 */
export async function query(request: QueryRequest, deps: QueryDeps): Promise<Outcome> {
  const startedAt = Date.now();
  const catalogue = deps.catalogue ?? CATALOGUE;
  const checked = validateQuery(request.operation, request.params, deps.validation, catalogue);
  if (!checked.value) return invalidOutcome(request.operation, request.params, checked.anomalies, startedAt);
  const params: QueryParams = checked.value.params;
  // Warnings of validation (e.g. a filter this query ignores) travel with every message of the run.
  const run = new QueryRun(request, deps, catalogue, startedAt, checked.anomalies);
  try {
    const isCollection = catalogue.spec(request.operation).paging !== undefined;
    if (request.paging === "first" || (!isCollection && request.paging === "all")) return await run.single(params);
    if (!isCollection) return await run.singleAsPage(params);
    return await run.pages(params);
  } catch (error) {
    return run.errorOutcome(error);
  }
}

class QueryRun {
  private attempts = 0;
  private readonly answer: AnswerKind;
  private pageIndex = 0;
  private itemsRead = 0;

  constructor(
    private readonly request: QueryRequest,
    private readonly deps: QueryDeps,
    private readonly catalogue: Catalogue,
    private readonly startedAt: number,
    private readonly warnings: Anomaly[] = [],
  ) {
    this.answer = catalogue.spec(request.operation).answer;
  }

  async single(params: QueryParams): Promise<Outcome> {
    const response = await this.send(this.catalogue.buildRequest(this.request.operation, params));
    if (!isReadData(this.answer, response.httpStatus)) return this.failure(response);
    return successOutcome(response.data, this.fields(response.httpStatus));
  }

  /** Split mode on a single resource: one page of one item, so that the message still leaves. */
  async singleAsPage(params: QueryParams): Promise<Outcome> {
    const response = await this.send(this.catalogue.buildRequest(this.request.operation, params));
    if (!isReadData(this.answer, response.httpStatus)) return this.failure(response);
    await this.deps.onPage?.({
      items: [response.data],
      index: 0,
      total: 1,
      pageCount: 1,
      last: true,
      fla: this.meta(200),
    });
    return successOutcome({ pages: 1, items: 1 }, this.fields(200));
  }

  async pages(params: QueryParams): Promise<Outcome> {
    const split = this.request.paging === "split";
    const pageSizeParam = this.catalogue.spec(this.request.operation).paging?.pageSize;
    const collected: unknown[] = [];
    let next: FlaRequest | undefined = this.catalogue.buildRequest(this.request.operation, params);
    while (next) {
      const response = await this.send(next);
      if (!isReadData(this.answer, response.httpStatus)) return this.failure(response);
      const page = readCollection(response.data);
      if (!page) {
        throw new FlaError(
          "FLA_RESPONSE",
          `The FLA API answered the ${this.request.operation} query with something that is not a collection (no items array).`,
          {
            httpStatus: response.httpStatus,
          },
        );
      }
      this.itemsRead += page.items.length;
      const following = this.catalogue.nextPageRequest(
        this.request.operation,
        params,
        page,
        this.deps.client.apiUrl,
        this.itemsRead,
      );
      if (following && following.path === next.path) {
        throw new FlaError(
          "FLA_RESPONSE",
          `The FLA API's next link of the ${this.request.operation} query points at the same page again: paging stopped.`,
        );
      }
      if (split) {
        await this.deps.onPage?.({
          items: page.items,
          index: this.pageIndex,
          total: page.total,
          pageCount: pageCountOf(page, pageSizeParam === undefined ? undefined : params[pageSizeParam]),
          last: following === undefined,
          fla: this.meta(response.httpStatus),
        });
      } else {
        for (const item of page.items) collected.push(item);
      }
      this.pageIndex++;
      if (this.pageIndex >= MAX_PAGES)
        throw new FlaError("FLA_RESPONSE", `The ${this.request.operation} query was stopped after ${MAX_PAGES} pages.`);
      next = following;
    }
    return successOutcome(split ? { pages: this.pageIndex, items: this.itemsRead } : collected, this.fields(200));
  }

  private async send(request: FlaRequest): Promise<FlaResponse> {
    try {
      const response = await this.deps.client.send(request, { signal: this.deps.signal });
      this.attempts += response.attempts;
      return response;
    } catch (error) {
      this.attempts += attemptsOf(error);
      throw error;
    }
  }

  /** msg.fla of this run so far: the validation's warnings, the attempts of every page, the time since it began. */
  fields(
    httpStatus: number | undefined,
    fields: Omit<Partial<MetaFields>, "operation" | "httpStatus"> = {},
  ): MetaFields {
    return {
      operation: this.request.operation,
      httpStatus,
      status: "OK",
      ...fields,
      anomalies: [...this.warnings, ...(fields.anomalies ?? [])],
      attempts: this.attempts,
      startedAt: this.startedAt,
    };
  }

  meta(httpStatus: number | undefined): FlaMeta {
    return flaMeta(this.fields(httpStatus));
  }

  /** Where a multi-page run stopped, for messages: nothing when it failed on the first page. */
  private position(): string {
    return this.pageIndex === 0
      ? ""
      : `page ${this.pageIndex + 1} (after ${this.pageIndex} page(s), ${this.itemsRead} item(s) read)`;
  }

  private failure(response: FlaResponse): Outcome {
    const mapped = mapReadFailure(this.request.operation, response, this.position(), this.catalogue);
    if (mapped.output === "error")
      return errorOutcome(
        this.request.operation,
        mapped.error,
        this.fields(response.httpStatus, { problem: response.data }),
      );
    return anomalyOutcome(
      this.request.params,
      this.fields(response.httpStatus, { status: mapped.status, anomalies: mapped.anomalies, problem: response.data }),
    );
  }

  errorOutcome(error: unknown): Outcome {
    let flaError = asFlaError(error, `Unexpected failure of the ${this.request.operation} query`);
    const where = this.position();
    if (where)
      flaError = FlaError.within(
        flaError,
        `The ${this.request.operation} query failed at ${where}: ${flaError.message}`,
      );
    return errorOutcome(this.request.operation, flaError, this.fields(flaError.httpStatus));
  }
}

/** `requestedSize`: the page size parameter of the request, used when the page does not say its size. */
function pageCountOf(page: CollectionPage, requestedSize: unknown): number | undefined {
  const size = page.pageSize ?? (typeof requestedSize === "number" ? requestedSize : undefined);
  if (page.total === undefined || !size) return undefined;
  return Math.max(1, Math.ceil(page.total / size));
}
