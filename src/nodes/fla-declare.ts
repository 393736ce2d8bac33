import { setMaxListeners } from "node:events";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import type { FlaConnection } from "../core/connection";
import type { DeclareDeps } from "../core/declare";
import {
  DECLARATION_KIND,
  checkDeclaration,
  reviveOutcome,
  sendDeclaration,
  storeOutcome,
  type DeclarationData,
  type StoredOutcome,
  type ValidatedDeclaration,
} from "../core/declare/outboxDeclaration";
import { DEFAULT_POLL_TIMEOUT_SECONDS } from "../core/declare/poll";
import { DECLARE_CONTRACT_SETTING, declareEditorContract } from "../core/editorContract";
import { FlaError } from "../core/errors";
import { errorOutcome } from "../core/outcome";
import { processDeclareMessage, type DeclarationRequest, type Part } from "../core/messages/declareMessage";
import { splitMessage } from "../core/messages/journaledMessage";
import type { Delivery, Dispatcher, NewOutboxEntry, OutboxEntry } from "../core/outbox";
import type { Outcome } from "../core/result";
import { loadCustomSchema, precompileSchemas } from "../core/validation";
import { closeAfter } from "./shared/closeAfter";
import { logConnectionAtDeploy } from "./shared/connectionLog";
import { emitOutcome, finish } from "./shared/emit";
import { StatusReporter } from "./shared/statusReporter";
import type { FlaConfigNode } from "./shared/types";

interface FlaDeclareDef extends NodeDef {
  config: string;
  operation: string;
  waitForResult: boolean;
  pollTimeout: number | string;
  schemaType?: "none" | "file" | "json";
  schema?: string;
}

type DeclareInput = NodeMessageInFlow & { operation?: unknown; trainingId?: unknown };
type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;

/** Set per element of an array payload; the message's own payload and parts are not journaled as such. */
const SET_PER_DECLARATION: ReadonlySet<string> = new Set(["payload", "parts"]);
/** How long a closing node lets the polls of its 202s run before it reports them PENDING. */
const POLL_GRACE_MS = 5_000;
/** Declarations a node keeps validated from their acceptance to their send, at most (a few MB of normalised bodies). */
const MAX_KEPT_VALIDATIONS = 4_096;

/**
 * What could not be journaled (msg.req/msg.res of an `http in` flow...), per outbox entry, for the outcome of an entry
 * accepted by this process, even by a node since replaced by a redeploy. Keyed by config node and entry id; the
 * message id guards against an id reused by an in-memory outbox.
 */
const inMemoryParts = new Map<string, { msgid: unknown; properties: Record<string, unknown> }>();

/** Resolves at the outbox's next change (an entry ended: room again), or when the node closes. */
function nextChange(outbox: Dispatcher<StoredOutcome>, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      off();
      closing.removeEventListener("abort", stop);
      resolve();
    };
    const off = outbox.onChange(stop);
    closing.addEventListener("abort", stop, { once: true });
  });
}

export = function registerFlaDeclare(RED: NodeAPI): void {
  function FlaDeclare(this: Node, def: FlaDeclareDef): void {
    RED.nodes.createNode(this, def);
    const configNode = def.config ? (RED.nodes.getNode(def.config) as FlaConfigNode | null) : null;
    const config = configNode && configNode.type === "fla-config" ? configNode : undefined;
    const connection = config?.connection;
    const status = new StatusReporter(this, RED._, "fla-declare");
    const pollTimeoutMs = (Number(def.pollTimeout) > 0 ? Number(def.pollTimeout) : DEFAULT_POLL_TIMEOUT_SECONDS) * 1000;
    const closing = new AbortController();
    // The elements of a large array waiting for room in the outbox each listen on it: many listeners are expected.
    setMaxListeners(0, closing.signal);
    let setupProblem: FlaError | undefined;
    let customSchema: object | undefined;
    try {
      if (def.schemaType && def.schemaType !== "none" && def.schema?.trim())
        customSchema = loadCustomSchema(def.schema);
    } catch (err) {
      setupProblem = err instanceof FlaError ? err : new FlaError("FLA_CONFIG", String(err));
      this.error(setupProblem.message);
      this.status({ fill: "red", shape: "ring", text: setupProblem.message.slice(0, 60) });
    }
    logConnectionAtDeploy(this, connection);
    if (!setupProblem) status.showConnection(connection);
    if (!setupProblem) precompileSchemas(customSchema);

    const validation = (connection: FlaConnection): DeclareDeps["validation"] => ({
      role: connection.settings!.role,
      defaultEnterpriseNumber: connection.settings!.enterpriseNumber,
      customSchema,
    });
    const sideKey = (id: number): string => `${config?.id ?? ""}:${id}`;
    /**
     * The validation at acceptance of the entries this node accepted, until their outcome is handed on: they are sent
     * without being validated a second time. Beyond the bound, after a redeploy (the node, its schema or its config may
     * have changed) and after a restart, an entry is validated again from its journaled data when its turn comes.
     */
    const validatedAtAccept = new Map<number, ValidatedDeclaration>();

    /** Sends one entry of this node when the dispatcher gives it a slot. */
    const handle = async (entry: OutboxEntry) => {
      if (!connection?.outboxClient || !connection.settings) {
        const problem = connection?.problem ?? new FlaError("FLA_CONFIG", RED._("fla-declare.errors.noConfig"));
        return {
          type: "final" as const,
          outcome: storeOutcome(errorOutcome(String((entry.data as DeclarationData).operation), problem)),
        };
      }
      return sendDeclaration(
        entry,
        {
          client: connection.outboxClient,
          validation: validation(connection),
          waitForResult: def.waitForResult !== false,
          pollTimeoutMs,
          pollSignal: closing.signal,
        },
        entry.resumed ? undefined : validatedAtAccept.get(entry.id),
      );
    };

    /** An entry's end leaves as a new message: the original's journaled properties, plus what only this process kept. */
    const deliver = (dispatcher: Dispatcher<StoredOutcome>, delivery: Delivery<StoredOutcome>): void => {
      const data = delivery.data as DeclarationData | undefined;
      const msg: Record<string, unknown> = { ...(data?.msg ?? {}) };
      const kept = inMemoryParts.get(sideKey(delivery.id));
      if (kept && kept.msgid === msg._msgid) Object.assign(msg, kept.properties);
      inMemoryParts.delete(sideKey(delivery.id));
      validatedAtAccept.delete(delivery.id);
      const operation = data?.operation ?? String(def.operation);
      const outcome: Outcome = delivery.error
        ? errorOutcome(operation, delivery.error)
        : reviveOutcome(delivery.outcome);
      if (delivery.resumed) outcome.fla = { ...outcome.fla, resumed: true };
      emitOutcome(RED, this, msg as NodeMessageInFlow, (out) => this.send(out), outcome);
      status.finished(connection!, outcome);
      dispatcher.markDelivered(delivery.id);
    };

    let dispatcher: Dispatcher<StoredOutcome> | undefined;
    let closed = false;
    let unsubscribe: (() => void) | undefined;
    if (config && connection && !setupProblem) {
      config.outbox.ready.then(
        (opened) => {
          if (closed) return;
          dispatcher = opened;
          opened.attach(this.id, { handle, deliver: (delivery) => deliver(opened, delivery) });
          unsubscribe = opened.onChange(() => status.refresh(connection));
          status.watchOutbox(() => {
            const pending = opened.pending(this.id);
            const breaker = config.outbox.breaker.snapshot();
            return {
              pausedSince: breaker.state === "closed" ? undefined : breaker.openedAt,
              waiting: pending,
              inFlight: Math.min(pending, opened.stats.inFlight),
            };
          });
        },
        (error: unknown) => this.error(`FLA outbox: ${error instanceof Error ? error.message : String(error)}`),
      );
    }

    /**
     * Accepts one declaration. The elements of an array wait for room when the outbox is full (one large input must
     * not refuse its own tail); a single declaration is refused with FLA_QUEUE_FULL, so that its source can slow down.
     */
    const acceptInto = async (
      outbox: Dispatcher<StoredOutcome>,
      entry: NewOutboxEntry,
      waitForRoom: boolean,
    ): Promise<number> => {
      for (;;) {
        try {
          return await outbox.accept(this.id, entry);
        } catch (err) {
          if (!waitForRoom || !(err instanceof FlaError) || err.code !== "FLA_QUEUE_FULL" || closing.signal.aborted)
            throw err;
          await nextChange(outbox, closing.signal);
        }
      }
    };

    /** One message in: local anomalies out at once, valid declarations into the outbox; done() once all are on disk. */
    const onInput = async (msg: DeclareInput, send: Send, done: (err?: Error) => void): Promise<void> => {
      const problem =
        setupProblem ??
        (connection ? connection.problem : new FlaError("FLA_CONFIG", RED._("fla-declare.errors.noConfig")));
      if (problem || !connection?.settings || !config) {
        emitOutcome(
          RED,
          this,
          msg,
          send,
          errorOutcome(
            String(def.operation),
            problem ?? new FlaError("FLA_CONFIG", RED._("fla-declare.errors.noConfig")),
          ),
        );
        return finish(this, msg, done);
      }
      let outbox: Dispatcher<StoredOutcome>;
      try {
        outbox = await config.outbox.ready;
      } catch (err) {
        // The journal cannot be opened (permissions, disk): every message says so, nothing is dropped silently.
        const error = new FlaError(
          "FLA_FILE",
          `The FLA outbox cannot be opened: ${err instanceof Error ? err.message : String(err)}`,
        );
        emitOutcome(RED, this, msg, send, errorOutcome(String(def.operation), error));
        return finish(this, msg, done);
      }
      const { journaled, inMemory } = splitMessage(msg, SET_PER_DECLARATION);
      // One id for all the parts of an array payload; a single declaration needs none.
      let partId: string | undefined;
      const partsOf = (part: Part) => ({
        id: (partId ??= RED.util.generateId()),
        index: part.index,
        count: part.count,
        type: "array",
        len: 1,
        ...(msg.parts ? { parts: msg.parts } : {}),
      });

      const intoOutbox = async (request: DeclarationRequest, part?: Part): Promise<Outcome | undefined> => {
        const checked = checkDeclaration(
          request.operation,
          request.payload,
          request.trainingId,
          validation(connection),
        );
        if ("outcome" in checked) return checked.outcome;
        const copy: Record<string, unknown> = { ...journaled, payload: request.payload };
        if (part) copy.parts = partsOf(part);
        else if (msg.parts !== undefined) copy.parts = msg.parts;
        const data: DeclarationData = {
          operation: request.operation,
          ...(part ? {} : { trainingId: request.trainingId }),
          msg: copy,
        };
        const id = await acceptInto(
          outbox,
          { kind: DECLARATION_KIND, data, idempotent: checked.idempotent },
          part !== undefined,
        );
        if (inMemory) inMemoryParts.set(sideKey(id), { msgid: msg._msgid, properties: inMemory });
        if (validatedAtAccept.size < MAX_KEPT_VALIDATIONS) validatedAtAccept.set(id, checked.validated);
        return undefined;
      };

      await processDeclareMessage(
        {
          configuredOperation: def.operation,
          msgOperation: msg.operation,
          payload: msg.payload,
          trainingId: msg.trainingId,
        },
        intoOutbox,
        (outcome, part) => {
          status.finished(connection, outcome);
          emitOutcome(RED, this, msg, send, outcome, part && { id: (partId ??= RED.util.generateId()), ...part });
        },
      );
      finish(this, msg, done);
    };

    this.on("input", (msg: DeclareInput, send, done) => {
      // A failure outside the declarations still ends the message, through done(err): never silent, never thrown.
      onInput(msg, send, done).catch((err: unknown) => finish(this, msg, done, err));
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      unsubscribe?.();
      validatedAtAccept.clear();
      // Nothing queued fails: the entries stay in the outbox for the node that takes over (same id). The requests on
      // the wire finish; a poll of a 202 still running after the grace ends as PENDING (recorded, with its id).
      const pollGrace = setTimeout(() => closing.abort(), POLL_GRACE_MS);
      const detached = dispatcher ? dispatcher.detach(this.id) : Promise.resolve();
      closeAfter(
        this,
        detached,
        () => status.close(),
        () => {
          clearTimeout(pollGrace);
          done();
        },
      );
    });
  }

  // The dialog's lists and limits, from the runtime's constants (RED.settings in the editor).
  RED.nodes.registerType("fla-declare", FlaDeclare, {
    settings: { [DECLARE_CONTRACT_SETTING]: { value: declareEditorContract(), exportable: true } },
  });
};
