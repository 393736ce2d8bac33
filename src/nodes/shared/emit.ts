/** Sends one outcome out of the node: success (output 1), anomaly (output 2) or node.error for a Catch node. */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import type { Outcome } from "../../core/result";

type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;

export interface PartInfo {
  id: string;
  index: number;
  count?: number;
}

export interface Emitter {
  emit(outcome: Outcome, part?: PartInfo): void;
}

/** A message for one part of an input: a copy, with `msg.parts` a join node understands (nesting any parts it had). */
function partMessage(RED: NodeAPI, msg: NodeMessageInFlow, part: PartInfo): NodeMessageInFlow {
  const copy = RED.util.cloneMessage(msg) as Omit<NodeMessageInFlow, "parts"> & { parts?: Record<string, unknown> };
  const parts: Record<string, unknown> = { id: part.id, index: part.index, type: "array", len: 1 };
  if (part.count !== undefined) parts.count = part.count;
  if (msg.parts) parts.parts = msg.parts;
  copy.parts = parts;
  return copy as NodeMessageInFlow;
}

/** Sends one outcome for `msg` (the message itself, or a copy per part). */
export function emitOutcome(RED: NodeAPI, node: Node, msg: NodeMessageInFlow, send: Send, outcome: Outcome, part?: PartInfo): void {
  const out = (part ? partMessage(RED, msg, part) : msg) as NodeMessageInFlow & { fla?: unknown };
  out.fla = outcome.fla;
  if (outcome.output === "error") {
    node.error(outcome.error, out);
    return;
  }
  out.payload = outcome.payload;
  send(outcome.output === "success" ? [out, null] : [null, out]);
}

export function createEmitter(RED: NodeAPI, node: Node, msg: NodeMessageInFlow, send: Send): Emitter {
  return {
    emit(outcome, part) {
      emitOutcome(RED, node, msg, send, outcome, part);
    },
  };
}
