/**
 * The status texts and messages the runtime shows exist in every language. The keys come from the runtime itself
 * (test/docs/runtimeKeys.ts), so renaming one in the code or in a catalogue fails here.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STATUS_KEYS } from "../../src/nodes/shared/statusReporter";
import { PROJECT_ROOT } from "../support/nodeRedProcess";
import { NODE_TYPES, runtimeKeys } from "./runtimeKeys";

function catalogueKeys(lang: string, type: string): Set<string> {
  const keys = new Set<string>();
  const walk = (value: unknown, prefix: string): void => {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child && typeof child === "object") walk(child, `${prefix}${key}.`);
      else keys.add(`${prefix}${key}`);
    }
  };
  walk(JSON.parse(readFileSync(join(PROJECT_ROOT, "nodes", "locales", lang, `${type}.json`), "utf8")), "");
  return keys;
}

describe("status keys and runtime messages (read from the runtime)", () => {
  const keys = runtimeKeys();

  it("the status reporters show a key for every msg.fla.status they map, and their progress keys", () => {
    for (const type of ["fla-declare", "fla-query"] as const) {
      for (const key of [...Object.values(STATUS_KEYS), "requesting", "queued", "paused", "noConfig", "done"]) {
        assert.ok(keys[type].includes(`${type}.status.${key}`), `${type}.status.${key} not seen`);
      }
    }
    for (const key of [
      "starting",
      "resuming",
      "collection.trainingCredits",
      "pageOf",
      "page",
      "complete",
      "incomplete",
      "failed",
      "paused",
      "waiting",
    ]) {
      assert.ok(keys["fla-export"].includes(`fla-export.status.${key}`), `fla-export.status.${key} not seen`);
    }
  });

  for (const lang of ["en-US", "fr", "nl"]) {
    it(`every key the runtime uses exists in the ${lang} catalogues`, () => {
      for (const type of NODE_TYPES) {
        const present = catalogueKeys(lang, type);
        assert.deepEqual(
          keys[type].filter((key) => !present.has(key)),
          [],
          `${lang}/${type}.json`,
        );
      }
    });
  }
});
