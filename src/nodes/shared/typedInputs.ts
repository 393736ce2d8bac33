import type { Node, NodeAPI, NodeMessageInFlow } from "node-red";

/** Evaluates a TypedInput (str, num, msg, flow, global, env, jsonata...) to its value for this message. */
export function evaluateTypedInput(
  RED: NodeAPI,
  node: Node,
  value: string,
  type: string,
  msg: NodeMessageInFlow,
): Promise<unknown> {
  if (!type || (type === "str" && value === "")) return Promise.resolve(value === "" ? undefined : value);
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type, node, msg, (err: Error | null, result: unknown) =>
      err ? reject(err) : resolve(result),
    );
  });
}
