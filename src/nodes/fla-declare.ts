import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import type { FlaConnection } from "../core/connection";
import { declare, type DeclareDeps } from "../core/declare";
import { FlaError } from "../core/errors";
import { processDeclareMessage, type RunDeclaration } from "../core/messages/declareMessage";
import { loadCustomSchema, precompileSchemas } from "../core/validation";
import { connectionOf } from "./shared/configLookup";
import { logConnectionAtDeploy } from "./shared/connectionLog";
import { emitOutcome, finish } from "./shared/emit";
import { InputTracker } from "./shared/inputTracker";
import { StatusReporter } from "./shared/statusReporter";

interface FlaDeclareDef extends NodeDef {
  config: string;
  operation: string;
  waitForResult: boolean;
  pollTimeout: number | string;
  schemaType?: "none" | "file" | "json";
  schema?: string;
}

type DeclareInput = NodeMessageInFlow & { operation?: unknown; trainingId?: unknown };

export = function registerFlaDeclare(RED: NodeAPI): void {
  function FlaDeclare(this: Node, def: FlaDeclareDef): void {
    RED.nodes.createNode(this, def);
    const connection = connectionOf(RED, def.config);
    const status = new StatusReporter(this, RED._, "fla-declare");
    const tracker = new InputTracker();
    const pollTimeoutMs = (Number(def.pollTimeout) > 0 ? Number(def.pollTimeout) : 60) * 1000;
    let setupProblem: FlaError | undefined;
    let customSchema: object | undefined;
    try {
      if (def.schemaType && def.schemaType !== "none" && def.schema?.trim()) customSchema = loadCustomSchema(def.schema);
    } catch (err) {
      setupProblem = err instanceof FlaError ? err : new FlaError("FLA_CONFIG", String(err));
      this.error(setupProblem.message);
      this.status({ fill: "red", shape: "ring", text: setupProblem.message.slice(0, 60) });
    }
    logConnectionAtDeploy(this, connection);
    if (!setupProblem) status.showConnection(connection);
    if (!setupProblem) precompileSchemas(customSchema);

    // Built once, at the first message (the connection is ready by then), not per message.
    let deps: { run: RunDeclaration } | undefined;
    const declareDeps = (connection: FlaConnection): { run: RunDeclaration } => {
      const settings = connection.settings!;
      const options: DeclareDeps = {
        client: connection.requireClient(),
        validation: { role: settings.role, defaultEnterpriseNumber: settings.enterpriseNumber, customSchema },
        waitForResult: def.waitForResult !== false,
        pollTimeoutMs,
        signal: tracker.abort.signal,
      };
      return { run: (request) => declare(request, options) };
    };

    this.on("input", (msg: DeclareInput, send, done) => {
      const problem = setupProblem ?? (connection ? connection.problem : new FlaError("FLA_CONFIG", RED._("fla-declare.errors.noConfig")));
      if (problem || !connection?.settings) {
        emitOutcome(RED, this, msg, send, { output: "error", error: problem ?? new FlaError("FLA_CONFIG", RED._("fla-declare.errors.noConfig")), fla: { operation: String(def.operation), status: "REJECTED", anomalies: [], attempts: 0, durationMs: 0 } });
        return finish(this, msg, done);
      }
      deps ??= declareDeps(connection);
      const run = deps.run;
      // One id for all the parts of an array payload; a single declaration needs none.
      let partId: string | undefined;
      status.started(connection);
      tracker.begin();
      // Closures of their own, no emitter object, no `finally` (a promise and closures more): while thousands of
      // messages wait in the queue, each keeps what its input handler created.
      // A failure outside the declaration still ends the message, through done(err): never silent, never thrown.
      const end = (err?: unknown): void => {
        status.ended(connection);
        tracker.end();
        finish(this, msg, done, err);
      };
      processDeclareMessage(
        { configuredOperation: def.operation, msgOperation: msg.operation, payload: msg.payload, trainingId: msg.trainingId },
        run,
        (outcome, part) => {
          status.finished(connection, outcome);
          emitOutcome(RED, this, msg, send, outcome, part && { id: (partId ??= RED.util.generateId()), ...part });
        },
        connection.limiter.maxConcurrent * 2,
      ).then(() => end(), end);
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      tracker.close().finally(() => {
        status.close();
        done();
      });
    });
  }

  RED.nodes.registerType("fla-declare", FlaDeclare);
};
