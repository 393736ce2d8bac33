import type { Node } from "node-red";

/**
 * Ends a close handler once `work` settles: `cleanup` runs and `done` is called whatever happens. A failure is logged
 * on the node: left as an unhandled rejection it would stop Node-RED, and a done never called holds a redeploy for
 * Node-RED's close timeout.
 */
export function closeAfter(node: Node, work: Promise<unknown>, cleanup: () => void, done: () => void): void {
  work
    .then(cleanup)
    .catch((error: unknown) => node.error(`FLA close: ${error instanceof Error ? error.message : String(error)}`))
    .finally(done)
    .catch(() => undefined);
}
