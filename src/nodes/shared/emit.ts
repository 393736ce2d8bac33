/**
 * Sends one outcome out of the node: success (output 1), anomaly (output 2) or node.error for a Catch node; and ends
 * the input with done.
 *
 * Node-RED copies a message with a recursive deep copy in send (every wire but the first), node.error (each Catch
 * node) and done (each Complete node). The core never hands out a payload that copy cannot handle (see
 * core/validation/inspect.ts), but another property of the message can still make it throw, and by then Node-RED has
 * taken msg.req/msg.res off the message (an `http in` request would never be answered). So each of these calls is
 * guarded: nothing here throws, the request and response are put back, and what could not be passed on is logged.
 */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import type { Outcome } from "../../core/result";

type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;
type Message = NodeMessageInFlow & Record<string, unknown>;

export interface PartInfo {
  id: string;
  index: number;
  count?: number;
}

export interface Emitter {
  emit(outcome: Outcome, part?: PartInfo): void;
}

function describe(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return "unknown error";
  }
}

/** Runs a Node-RED call that may copy `msg`; on failure puts msg.req/msg.res back and returns the error. */
function guarded(msg: Message | undefined, call: () => void): unknown {
  const req = msg?.req;
  const res = msg?.res;
  try {
    call();
    return undefined;
  } catch (err) {
    if (msg) {
      if (req !== undefined) msg.req = req;
      if (res !== undefined) msg.res = res;
    }
    return err ?? new Error("unknown error");
  }
}

/** Logs without a message (nothing to copy): the last resort, which must not throw either. */
function logOnly(node: Node, text: string): void {
  try {
    node.error(text);
  } catch {
    // Even logging failed: nothing more can be done without risking the process.
  }
}

/**
 * A message for one part of an input: the input's other properties, copied, with `msg.parts` a join node understands
 * (nesting any parts it had). Not its payload: the caller sets the part's own element or answer. Copying the whole
 * input for each part made an array payload quadratic.
 */
function partMessage(RED: NodeAPI, msg: Message, part: PartInfo): Message {
  const others: Record<string, unknown> = {};
  for (const key of Object.keys(msg)) if (key !== "payload" && key !== "parts") others[key] = msg[key];
  const copy = RED.util.cloneMessage(others) as Message;
  const parts: Record<string, unknown> = { id: part.id, index: part.index, type: "array", len: 1 };
  if (part.count !== undefined) parts.count = part.count;
  if (msg.parts) parts.parts = msg.parts;
  copy.parts = parts as unknown as NodeMessageInFlow["parts"];
  return copy;
}

function summaryOf(outcome: Outcome): string {
  const codes = outcome.fla.anomalies.map((a) => a.code).join(", ");
  return `${outcome.fla.operation}: ${outcome.output} ${outcome.fla.status}${codes ? ` (${codes})` : ""}`;
}

/** Sends one outcome for `msg` (the message itself, or a message per part). Never throws. */
export function emitOutcome(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessageInFlow,
  send: Send,
  outcome: Outcome,
  part?: PartInfo,
): void {
  const input = msg as Message;
  let out: Message | undefined;
  const copied = guarded(input, () => {
    out = part ? partMessage(RED, input, part) : input;
    out.fla = outcome.fla;
    if (outcome.output !== "error") {
      // A part's anomaly carries the user's element: a copy of its own, as the split node gives.
      out.payload =
        part && outcome.output === "anomaly" ? RED.util.cloneMessage(outcome.payload as NodeMessage) : outcome.payload;
    }
  });
  if (copied !== undefined || !out) {
    logOnly(node, `The message could not be copied for its outcome [${summaryOf(outcome)}]: ${describe(copied)}`);
    return;
  }
  const message = out;
  if (outcome.output === "error") {
    const failed = guarded(message, () => node.error(outcome.error, message));
    if (failed !== undefined)
      logOnly(node, `${outcome.error.message} (the message could not be passed to a Catch node: ${describe(failed)})`);
    return;
  }
  const failed = guarded(message, () => send(outcome.output === "success" ? [message, null] : [null, message]));
  if (failed !== undefined) logOnly(node, `The message could not be sent [${summaryOf(outcome)}]: ${describe(failed)}`);
}

export function createEmitter(RED: NodeAPI, node: Node, msg: NodeMessageInFlow, send: Send): Emitter {
  return {
    emit(outcome, part) {
      emitOutcome(RED, node, msg, send, outcome, part);
    },
  };
}

/**
 * Ends the input: done() or done(err). Never throws. If Node-RED cannot copy the input for a Complete or Catch node
 * (an array payload holding an element it cannot copy), the payload is replaced by a short note and done tried once more.
 */
export function finish(node: Node, msg: NodeMessageInFlow, done: (err?: Error) => void, err?: unknown): void {
  const error = err === undefined ? undefined : err instanceof Error ? err : new Error(describe(err));
  const call = (): void => (error ? done(error) : done());
  const input = msg as Message;
  const failed = guarded(input, call);
  if (failed === undefined) return;
  input.payload = { replaced: true, reason: "Node-RED could not copy the payload of this message" };
  const again = guarded(input, call);
  if (again !== undefined) logOnly(node, `The message could not be ended: ${describe(again)}`);
}
