/**
 * The outbox of one config node: nothing a flow hands over is lost on redeploy, restart, crash or outage.
 *
 * ON DISK (Journal, one file per config node; the adapter's choice: `<userDir>/fla-outbox/<configId>.journal`, folder
 * 0700, file 0600 since entries hold SSINs). Append-only JSON lines, each `<crc32 hex> <json>\n` with a `seq`:
 *   header {version, nextId} · put {id, owner, kind, acceptedAt, idempotent, data} · attempt {id, attempts} (written
 *   and synced before a non-idempotent entry's request goes on the wire) · failed {id, failures, notBefore} (that
 *   attempt ended, retryable) · outcome {id, result} (the end, recorded before it is handed on) · done {id} (handed
 *   on) · orphaned {id} (moved to the orphans file) · state {id, attempts, failures, notBefore, interrupted}
 *   (compaction's summary).
 *   Inspect with `cut -c10- <file> | jq .` (the first 9 characters are the checksum and a space).
 *   Orphans (entries of nodes that no longer exist) are appended, as plain JSON lines, to the file the adapter names
 *   (e.g. `<configId>.orphans.jsonl` beside the journal); they are never silently deleted.
 *
 * IN MEMORY: per entry not yet done a descriptor (ids, counters, offsets of its put and outcome records; ~250 bytes);
 * the data and the outcome are read back from the file when a slot is free / when it is handed on. Queues are O(1)
 * FIFOs of descriptors. Without a user directory the journal runs in memory (same API, no durability).
 *
 * GUARANTEES
 * - `accept` resolves only after the entry is synced to disk (group commit: the appends of one turn of the event loop,
 *   or made while a write is under way, share one write + one fdatasync).
 * - After a crash, every accepted entry is there. A torn tail is cut off with a warning (it was never acknowledged).
 * - A non-idempotent entry whose attempt started before a crash and whose end is unknown comes back with
 *   `interrupted: true`: the handler must not send it again blindly (end it with FLA_UNCERTAIN). Idempotent entries
 *   (with an externalReference) are simply sent again (a 409 then means ALREADY_DECLARED).
 * - Outcomes are recorded before they are handed on and the entry is done only after `markDelivered`: at-least-once
 *   delivery; an outcome not marked delivered before a stop is handed on again at the next attach of its owner.
 * - Redeploy: `detach` keeps the entries; the next `attach` with the same owner id sends them on (`resumed: true`).
 *   A node inside a subflow instance has the id `<instance id>-<node id in the template>` (Node-RED 3.1 to 5.0),
 *   the same at every deploy and start (test/load/outboxSubflow.test.ts). Node-RED's list of nodes (eachNode) does
 *   not name such nodes: they escape the orphans file only by being attached when the flows start, so the entries
 *   of a declare node disabled inside a subflow template would go to the orphans file (not tested; never deleted).
 * - Outage: a circuit breaker shared by the config node holds dispatch back and sends one probe at growing intervals;
 *   failures during an outage do not use up an entry's attempts; `giveUpMs` after acceptance an entry ends with
 *   FLA_UNAVAILABLE.
 *
 * INTEGRATION SKETCH (for the adapters)
 *   config node:  journal = await Journal.open(userDir ? join(userDir, "fla-outbox", `${id}.journal`) : undefined,
 *                   { warn: node.warn });  // async: accept() must wait for it
 *                 breaker = new CircuitBreaker({ threshold });
 *                 dispatcher = new Dispatcher({ journal, breaker, maxConcurrent, maxQueue, maxAttempts, maxBackoffMs,
 *                   giveUpMs, warn: node.warn });
 *                 once the flows have started: counts = await dispatcher.moveOrphans(existingNodeIds, orphansFile),
 *                   one log line per owner; on close: await dispatcher.close(closeTimeout); breaker.dispose().
 *                 status: stats.breaker.state !== "closed" -> "paused: FLA unavailable since <openedAt>, <waiting>".
 *   fla-declare:  on start dispatcher.attach(node.id, { handle, deliver }); on input
 *                   await dispatcher.accept(node.id, { kind, data: msg's JSON-serialisable properties,
 *                   idempotent: has externalReference }); deliver builds the output msg (`resumed` -> msg.fla.resumed),
 *                   sends it, then dispatcher.markDelivered(id); on close await dispatcher.detach(node.id).
 *                 handle returns { type: "final", outcome } for any answer of the platform (even a 400/409), and
 *                   { type: "retry", outcome, retryAfterMs } for 5xx/429/503/reset/timeout/refused, and for an
 *                   unreadable 2xx of a duplicate-safe declaration ({ breaker: "success" }: the platform answered);
 *                   the decision is resendDecision.ts's, shared with the API client's own retries. An `interrupted`
 *                   non-idempotent entry ends with FLA_UNCERTAIN without being sent.
 *   fla-query:    not journaled: permit = await breaker.acquire(signal); send; permit.success() / .failure(retryAfterMs)
 *                   / .release() (not sent).
 */
export { CircuitBreaker } from "./breaker";
export type { BreakerOptions, BreakerSnapshot, BreakerState, Permit } from "./breaker";
export { systemClock } from "./clock";
export type { Clock } from "./clock";
export { Dispatcher } from "./dispatcher";
export type {
  Delivery,
  DispatcherOptions,
  DispatcherStats,
  EntryId,
  HandlerResult,
  NewOutboxEntry,
  OutboxEntry,
  OwnerBinding,
} from "./dispatcher";
export { Journal } from "./journal";
export { isResendable, outboxFailureDecision, resendDecision } from "./resendDecision";
export type { BreakerReport, FailedAttempt, OutboxFailureDecision, ResendDecision } from "./resendDecision";
export type { JournalEntry, JournalOptions, JournalStats } from "./journal";
