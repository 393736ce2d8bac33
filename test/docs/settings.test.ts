/**
 * The README's table of the config node's settings names each one by its editor label and gives its default: both
 * are checked against the English catalogue and the constants the runtime uses.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_CIRCUIT_THRESHOLD,
  DEFAULT_GIVE_UP_HOURS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_BACKOFF_SECONDS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_OUTBOX_QUEUE,
} from "../../src/core/connection";
import { DEFAULT_TIMEOUT_SECONDS } from "../../src/core/settings";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

/** The default the runtime applies to each numeric setting of the config node ("on" for a switch). */
const DEFAULTS: Record<string, string> = {
  timeout: String(DEFAULT_TIMEOUT_SECONDS),
  maxConcurrent: String(DEFAULT_MAX_CONCURRENT),
  maxQueue: String(DEFAULT_OUTBOX_QUEUE),
  persistOutbox: "on",
  maxAttempts: String(DEFAULT_MAX_ATTEMPTS),
  maxBackoff: String(DEFAULT_MAX_BACKOFF_SECONDS),
  circuitThreshold: String(DEFAULT_CIRCUIT_THRESHOLD),
  giveUpHours: String(DEFAULT_GIVE_UP_HOURS),
};

describe("the README's config node settings", () => {
  it("use the editor's labels and the runtime's defaults", () => {
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    const labels = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, "nodes", "locales", "en-US", "fla-config.json"), "utf8")) as Record<
        string,
        { label: Record<string, string> }
      >
    )["fla-config"].label;
    const rows = [...readme.matchAll(/^\| FLA config \| ([^|(]+?) \(`(\w+)`, ([\d,]+|on|off)\b/gm)].map((m) => ({
      label: m[1],
      key: m[2],
      value: m[3].replace(/,/g, ""),
    }));
    assert.deepEqual(
      rows.map((row) => row.key).sort(),
      Object.keys(DEFAULTS).sort(),
      "the rows of the FLA config settings",
    );
    for (const row of rows) {
      assert.equal(row.value, DEFAULTS[row.key], `default of ${row.key}`);
      assert.equal(row.label, labels[row.key], `label of ${row.key}`);
    }
  });
});
