import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { QUERY_CONTRACT_SETTING, queryEditorContract } from "../core/editorContract";
import { FlaError } from "../core/errors";
import { localAnomalyOutcome, unsafePayloadOutcome } from "../core/messages/localOutcome";
import { resolveOperation } from "../core/messages/operation";
import { mergeQueryParams, QUERY_PARAMETER_NAMES, type QueryParameterName } from "../core/messages/queryParams";
import { asFlaError, errorOutcome } from "../core/outcome";
import { query, withNodePageSize, type Paging } from "../core/query";
import type { Outcome } from "../core/result";
import { precompileSchemas, QUERY_OPERATIONS } from "../core/validation";
import { closeAfter } from "./shared/closeAfter";
import { connectionOf } from "./shared/configLookup";
import { logConnectionAtDeploy } from "./shared/connectionLog";
import { createEmitter, finish } from "./shared/emit";
import { InputTracker } from "./shared/inputTracker";
import { StatusReporter } from "./shared/statusReporter";
import { evaluateTypedInput } from "./shared/typedInputs";

type FlaQueryDef = NodeDef & {
  config: string;
  query: string;
  paging: Paging;
  pageSize?: number | string;
} & Partial<Record<QueryParameterName | `${QueryParameterName}Type`, string>>;

type QueryInput = NodeMessageInFlow & { query?: unknown };

const PAGINGS: readonly Paging[] = ["first", "all", "split"];

export = function registerFlaQuery(RED: NodeAPI): void {
  function FlaQuery(this: Node, def: FlaQueryDef): void {
    RED.nodes.createNode(this, def);
    const connection = connectionOf(RED, def.config);
    const status = new StatusReporter(this, RED._, "fla-query");
    const tracker = new InputTracker();
    const paging: Paging = PAGINGS.includes(def.paging) ? def.paging : "all";
    logConnectionAtDeploy(this, connection);
    status.showConnection(connection);
    precompileSchemas();
    // Reads are not journaled (sending them again is safe) but wait while the platform is unavailable: say so.
    let unsubscribe: (() => void) | undefined;
    if (connection && !connection.problem) {
      const breaker = connection.breaker;
      status.watchOutbox(() => {
        const snapshot = breaker.snapshot();
        // Only while paused: otherwise the status shows the limiter's in-flight and queued counts.
        if (snapshot.state === "closed" || snapshot.openedAt === undefined) return undefined;
        return { pausedSince: snapshot.openedAt, waiting: status.activeCount, inFlight: 0 };
      });
      unsubscribe = breaker.onChange(() => status.refresh(connection));
    }

    const nodeParams = async (msg: NodeMessageInFlow, operation: string): Promise<Record<string, unknown>> => {
      const values: Partial<Record<QueryParameterName, unknown>> = {};
      for (const name of QUERY_PARAMETER_NAMES) {
        const value = def[name];
        if (value !== undefined && value !== "")
          values[name] = await evaluateTypedInput(RED, this, value, def[`${name}Type`] ?? "str", msg);
      }
      return withNodePageSize(values, def.pageSize, operation);
    };

    this.on("input", (msg: QueryInput, send, done) => {
      const emitter = createEmitter(RED, this, msg, send);
      const resolved = resolveOperation(def.query, msg.query, QUERY_OPERATIONS, "query");
      if ("anomaly" in resolved) {
        const asked = msg.query ?? def.query;
        emitter.emit(
          localAnomalyOutcome(typeof asked === "string" ? asked : "msg.query", msg.payload, resolved.anomaly),
        );
        return finish(this, msg, done);
      }
      const operation = resolved.operation;
      // Before its parameters are read: a payload too deep or unreadable is one anomaly, not a crash in a copy.
      const unsafe = unsafePayloadOutcome(operation, msg.payload, "structure");
      if (unsafe) {
        emitter.emit(unsafe);
        return finish(this, msg, done);
      }
      if (!connection?.settings || connection.problem) {
        const error = connection?.problem ?? new FlaError("FLA_CONFIG", RED._("fla-query.errors.noConfig"));
        emitter.emit(errorOutcome(operation, error));
        return finish(this, msg, done);
      }
      const settings = connection.settings;
      const client = connection.requireClient();
      const partId = RED.util.generateId();
      let itemsSent = 0;
      status.started(connection);
      const work = (async (): Promise<Outcome> => {
        const params = mergeQueryParams(await nodeParams(msg, operation), msg.payload);
        return query(
          { operation, params, paging },
          {
            client,
            validation: { role: settings.role, defaultEnterpriseNumber: settings.enterpriseNumber },
            signal: tracker.abort.signal,
            onPage: (page) => {
              itemsSent += page.items.length;
              const total = page.total !== undefined ? `/${page.total}` : "";
              status.progress(`${itemsSent}${total}`);
              emitter.emit(
                { output: "success", payload: page.items, fla: page.fla },
                { id: partId, index: page.index, count: page.pageCount ?? (page.last ? page.index + 1 : undefined) },
              );
            },
          },
        );
      })()
        .catch((err: unknown): Outcome =>
          errorOutcome(operation, asFlaError(err, "A query parameter could not be evaluated", "FLA_CONFIG")),
        )
        .then((result) => {
          // The anomaly output gives back what the user sent, untouched, so that it can be fixed and sent again.
          const outcome: Outcome = result.output === "anomaly" ? { ...result, payload: msg.payload } : result;
          status.finished(connection, outcome);
          // In split mode the pages were the successes; only an anomaly or error that stops the run is sent at the end.
          if (!(paging === "split" && outcome.output === "success")) emitter.emit(outcome);
        })
        .then(
          () => {
            status.ended(connection);
            finish(this, msg, done);
          },
          // Something threw: the message still ends, through done(err), never silently.
          (err: unknown) => {
            status.ended(connection);
            finish(this, msg, done, err);
          },
        );
      tracker.track(work);
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      unsubscribe?.();
      closeAfter(this, tracker.close(), () => status.close(), done);
    });
  }

  // The dialog's queries, their parameters and paging, from the catalogue (RED.settings in the editor).
  RED.nodes.registerType("fla-query", FlaQuery, {
    settings: { [QUERY_CONTRACT_SETTING]: { value: queryEditorContract(), exportable: true } },
  });
};
