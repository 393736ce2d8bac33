/** The fla-export node in the test helper's runtime: a user directory of its own, English status texts, the archive read back. */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node, NodeStatus } from "node-red";
import type { Manifest } from "../../src/core/export";
import { PROJECT_ROOT } from "../support/nodeRedProcess";
import {
  catchNode,
  configFlowNode,
  configNode,
  helper,
  load,
  Outputs,
  pfxCredentials,
  wiredFlow,
  type NodeTestContext,
} from "./fixture";

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const exportNode = require("../../../nodes/fla-export.js") as (RED: unknown) => void;

type Catalog = Record<string, unknown>;

/** The helper's RED._ returns keys; this one reads our en-US catalogue, so that statuses read as a user sees them. */
export function englishExportNode(RED: unknown): void {
  const catalog = JSON.parse(
    readFileSync(join(PROJECT_ROOT, "nodes", "locales", "en-US", "fla-export.json"), "utf8"),
  ) as Catalog;
  const translate = (key: string, substitutions: Record<string, unknown> = {}): string => {
    const found = key
      .split(".")
      .reduce<unknown>((at, part) => (at && typeof at === "object" ? (at as Catalog)[part] : undefined), catalog);
    if (typeof found !== "string") return key;
    return found.replace(/__(\w+)__/g, (whole, name: string) =>
      name in substitutions ? String(substitutions[name]) : whole,
    );
  };
  exportNode(
    new Proxy(RED as object, {
      get: (target, prop, receiver) => (prop === "_" ? translate : Reflect.get(target, prop, receiver)),
    }),
  );
}

export const EXPORT_NODES = [configNode, englishExportNode, catchNode];

/** A fresh Node-RED user directory for the runtime (RED.settings.userDir), where the default folder lies. */
export function useFreshUserDir(): string {
  const userDir = mkdtempSync(join(tmpdir(), "fla-export-userdir-"));
  (helper as unknown as { settings(s: Record<string, unknown>): void }).settings({ userDir });
  return userDir;
}

export function resetUserDir(): void {
  (helper as unknown as { settings(s: Record<string, unknown>): void }).settings({});
}

export interface LoadedExport {
  node: Node;
  out: Outputs;
  statuses: NodeStatus[];
}

/** Loads config → fla-export → two helper nodes and a Catch; records every status the node shows. */
export async function loadExport(ctx: NodeTestContext, props: Record<string, unknown> = {}): Promise<LoadedExport> {
  const flow = wiredFlow(configFlowNode(ctx.sim), { id: "export", type: "fla-export", folder: "fla-export", ...props });
  const statuses: NodeStatus[] = [];
  await load(EXPORT_NODES, flow, { cfg: pfxCredentials(ctx.certs) });
  const node = helper.getNode("export");
  // The test helper spies on Node methods and emits `call:<method>` for each call.
  (node as unknown as { on(event: string, listener: (call: { args: [NodeStatus] }) => void): void }).on(
    "call:status",
    (call) => statuses.push(call.args[0]),
  );
  return { node, out: new Outputs("export"), statuses };
}

export function readManifestFile(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as Manifest;
}

export function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function sha256Of(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}
