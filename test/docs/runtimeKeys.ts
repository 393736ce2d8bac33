/**
 * The catalogue keys the runtime (src/nodes) looks up with RED._, found from the runtime itself rather than from a
 * hand-kept list: the status reporters are run through every status they can show with a translator that records
 * each key, and the literal keys are read from the adapters' source. A key renamed in the code or in a catalogue then
 * fails test/docs/statusKeys.test.ts and test/editor/editorFiles.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node } from "node-red";
import type { FlaConnection } from "../../src/core/connection";
import { FLA_STATUS_DOCS } from "../../src/core/docs/statuses";
import { COLLECTIONS, type ExportProgress, type Manifest } from "../../src/core/export/types";
import type { FlaStatus, Outcome } from "../../src/core/result";
import { ExportStatusReporter } from "../../src/nodes/shared/exportStatus";
import { StatusReporter } from "../../src/nodes/shared/statusReporter";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

export const NODE_TYPES = ["fla-config", "fla-declare", "fla-query", "fla-export"] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** A node that only takes statuses: what the reporters need of Node-RED's node. */
const statusSink = { status: (): void => undefined } as unknown as Node;

const connection = (queued: number): FlaConnection =>
  ({ limiter: { stats: { inFlight: 1, queued } } }) as unknown as FlaConnection;

function outcomeWith(status: string): Outcome {
  return {
    output: "success",
    payload: null,
    fla: { operation: "test", status: status as FlaStatus, anomalies: [], attempts: 1, durationMs: 0 },
  };
}

/** Every status key a declare or query node's StatusReporter shows. Each scenario has its own reporter: only a fresh one shows at once. */
function statusReporterKeys(prefix: "fla-declare" | "fla-query", keys: Set<string>): void {
  const t = (key: string): string => {
    keys.add(key);
    return key;
  };
  const run = (scenario: (reporter: StatusReporter) => void): void => {
    const reporter = new StatusReporter(statusSink, t, prefix);
    scenario(reporter);
    reporter.close();
  };
  run((r) => r.showConnection(undefined));
  run((r) => r.started(connection(0)));
  run((r) => r.started(connection(3)));
  run((r) => {
    r.watchOutbox(() => ({ pausedSince: Date.now(), waiting: 2, inFlight: 0 }));
    r.refresh(connection(0));
  });
  run((r) => {
    r.watchOutbox(() => ({ waiting: 2, inFlight: 1 }));
    r.refresh(connection(0));
  });
  // Every documented status, and one it does not know (which shows the generic "done").
  for (const status of [...Object.keys(FLA_STATUS_DOCS), "NOT_A_STATUS"])
    run((r) => r.finished(connection(0), outcomeWith(status)));
}

function exportReporterKeys(keys: Set<string>): void {
  const t = (key: string): string => {
    keys.add(key);
    return key;
  };
  const run = (scenario: (reporter: ExportStatusReporter) => void): void => {
    const reporter = new ExportStatusReporter(statusSink, t);
    scenario(reporter);
    reporter.close();
  };
  run((r) => r.starting("/data/fla-export", false));
  run((r) => {
    r.setWaiting(2);
    r.starting("/data/fla-export", true);
  });
  for (const collection of COLLECTIONS) {
    for (const pageCount of [3, undefined]) {
      const progress = {
        collection,
        employerIndex: 1,
        employerCount: 2,
        page: 1,
        pageCount,
        written: 5,
      } as ExportProgress;
      run((r) => r.progress(progress));
    }
  }
  for (const complete of [true, false])
    run((r) => r.finished({ complete, employers: {} } as unknown as Manifest, "/data/fla-export"));
  run((r) => r.paused(Date.now()));
  run((r) => r.failed("FLA_FILE"));
}

/** Keys written out in the adapters: `RED._("fla-x.a.b")`, and fla-export's `t("a.b")` shorthand. */
function literalKeys(keys: Record<NodeType, Set<string>>): void {
  const dirs = [join(PROJECT_ROOT, "src", "nodes"), join(PROJECT_ROOT, "src", "nodes", "shared")];
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".ts"))) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const m of source.matchAll(/RED\._\(\s*"((fla-[a-z]+)\.[A-Za-z]+\.[A-Za-z.]+)"/g))
        keys[m[2] as NodeType].add(m[1]);
      if (file === "fla-export.ts")
        for (const m of source.matchAll(/\bt\(\s*"([A-Za-z]+\.[A-Za-z.]+)"/g))
          keys["fla-export"].add(`fla-export.${m[1]}`);
    }
  }
}

export function runtimeKeys(): Record<NodeType, string[]> {
  const keys = Object.fromEntries(NODE_TYPES.map((type) => [type, new Set<string>()])) as Record<NodeType, Set<string>>;
  statusReporterKeys("fla-declare", keys["fla-declare"]);
  statusReporterKeys("fla-query", keys["fla-query"]);
  exportReporterKeys(keys["fla-export"]);
  literalKeys(keys);
  return Object.fromEntries(NODE_TYPES.map((type) => [type, [...keys[type]].sort()])) as Record<NodeType, string[]>;
}
