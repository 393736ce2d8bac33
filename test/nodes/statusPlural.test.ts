/**
 * Plural forms in the node status ("accepted with 1 warning", "2 warnings") in English, French and Dutch, rendered by
 * the StatusReporter through Node-RED's own i18n (the i18next of the Node-RED the tests run, 4.1).
 *
 * The catalogues use i18next's v3 plural keys (`key` and `key_plural`), the format Node-RED documents for message
 * catalogues: Node-RED 3.1 runs i18next 21 with compatibilityJSON "v3" (it would ignore `_one`/`_other`), and Node-RED 4
 * and later convert `_plural` to `_other` when they load a catalogue. The compatibility matrix checks the same strings
 * with the i18n of Node-RED 3.1 and 5.0 (test/package/matrix.test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Node, NodeStatus } from "node-red";
import type { FlaConnection } from "../../src/core/connection";
import type { Anomaly, Outcome } from "../../src/core/result";
import { StatusReporter } from "../../src/nodes/shared/statusReporter";
import { PROJECT_ROOT } from "../support/nodeRedProcess";
import { WARNING_STATUS as EXPECTED } from "../support/statusTexts";

interface NodeRedI18n {
  init(settings: Record<string, unknown>): void;
  registerMessageCatalog(namespace: string, dir: string, file: string): Promise<void>;
  _(key: string, options: Record<string, unknown>): string;
  i: { loadLanguages(languages: string[]): Promise<void> };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const i18n = (require("@node-red/util") as { i18n: NodeRedI18n }).i18n;

function warning(n: number): Anomaly {
  return { code: `W-${n}`, severity: "WARNING", message: "An identical training exists.", source: "fla" };
}

function acceptedWith(warnings: number): Outcome {
  const anomalies = Array.from({ length: warnings }, (_, n) => warning(n));
  return {
    output: "success",
    payload: {},
    fla: { operation: "createTraining", status: "ACCEPTED_WITH_WARNINGS", anomalies, attempts: 1, durationMs: 1 },
  };
}

/** The text the StatusReporter shows for an outcome, in a language. */
function render(prefix: "fla-declare" | "fla-query", lng: string, outcome: Outcome): string {
  const shown: NodeStatus[] = [];
  const node = { status: (status: NodeStatus) => shown.push(status) } as unknown as Node;
  const namespace = `fla-plural-test/${prefix}`;
  const reporter = new StatusReporter(
    node,
    (key, substitutions) => i18n._(`${namespace}:${key}`, { ...substitutions, lng }),
    prefix,
  );
  // With no request running, the reporter shows the last result without asking the connection anything.
  reporter.finished(undefined as unknown as FlaConnection, outcome);
  reporter.close();
  assert.equal(shown.length, 1);
  // Without the time of the result at the end ("4:37:04 PM", "16:37:04").
  return String(shown[0].text).replace(/ \d{1,2}:\d{2}:\d{2}.*$/, "");
}

describe("node status: plural forms in en-US, fr and nl", function () {
  before(async function () {
    i18n.init({}); // a no-op when the test helper's runtime has already initialised it
    for (const prefix of ["fla-declare", "fla-query"])
      await i18n.registerMessageCatalog(
        `fla-plural-test/${prefix}`,
        join(PROJECT_ROOT, "nodes", "locales"),
        `${prefix}.json`,
      );
    await i18n.i.loadLanguages(Object.keys(EXPECTED));
  });

  for (const prefix of ["fla-declare", "fla-query"] as const) {
    for (const [lng, [one, two]] of Object.entries(EXPECTED)) {
      it(`${prefix}, ${lng}: "${one}", "${two}"`, function () {
        assert.equal(render(prefix, lng, acceptedWith(1)), one);
        assert.equal(render(prefix, lng, acceptedWith(2)), two);
      });
    }
  }
});
