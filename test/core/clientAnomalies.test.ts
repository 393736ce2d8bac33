/**
 * The client-made anomaly codes: each one the source names is in the translated catalogue, each
 * one of the catalogue is used, and none is made up in the platform's FLA- namespace.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CLIENT_ANOMALY_CODES, clientAnomaly, type ClientAnomalyCode } from "../../src/core/clientAnomalies";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

const SRC = join(PROJECT_ROOT, "src");
const CATALOGUE_FILE = join(SRC, "core", "clientAnomalies.ts");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every quoted "CLIENT-..." literal of the sources, with the files that hold it. */
function clientLiterals(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    for (const match of readFileSync(file, "utf8").matchAll(/["'`](CLIENT-[A-Z0-9-]+)["'`]/g)) {
      found.set(match[1], [...(found.get(match[1]) ?? []), relative(PROJECT_ROOT, file)]);
    }
  }
  return found;
}

const CODES = Object.keys(CLIENT_ANOMALY_CODES) as ClientAnomalyCode[];

describe("client anomaly codes (CLIENT-*)", () => {
  const files = sourceFiles(SRC);

  it("finds the sources it checks", () => {
    assert.ok(files.length > 50, `${files.length} files under ${SRC}`);
    assert.ok(CODES.length >= 11);
  });

  it("every CLIENT-* code the sources name is in the catalogue", () => {
    const missing = [...clientLiterals(files)].filter(([code]) => !(code in CLIENT_ANOMALY_CODES));
    assert.deepEqual(missing, []);
  });

  it("every code of the catalogue is used outside it (no entry documents a code that never occurs)", () => {
    const used = clientLiterals(files.filter((file) => file !== CATALOGUE_FILE));
    assert.deepEqual(
      CODES.filter((code) => !used.has(code)),
      [],
    );
  });

  it("every code has its texts in English, French and Dutch, a hint and a severity", () => {
    for (const code of CODES) {
      const entry = CLIENT_ANOMALY_CODES[code];
      for (const lang of ["en", "fr", "nl"] as const) assert.ok(entry[lang].trim().length > 10, `${code}: ${lang}`);
      assert.notEqual(entry.fr, entry.en, `${code}: fr is translated`);
      assert.notEqual(entry.nl, entry.en, `${code}: nl is translated`);
      assert.ok(entry.hint && entry.hint.length > 10, `${code}: hint`);
      assert.ok(entry.severity === "BLOCKING" || entry.severity === "WARNING", `${code}: severity`);
    }
  });

  it("an occurrence is source client, in the three languages, with the platform's own words when it gave any", () => {
    for (const code of CODES) {
      const anomaly = clientAnomaly(code, {
        operation: "trainings",
        trainingId: "T-1",
        declarationId: "D-1",
        position: "page 2",
        reason: "timeout",
      });
      assert.equal(anomaly.code, code);
      assert.equal(anomaly.source, "client");
      assert.equal(anomaly.severity, CLIENT_ANOMALY_CODES[code].severity);
      assert.equal(anomaly.message, anomaly.description?.en);
      assert.ok(anomaly.description?.fr && anomaly.description.nl, code);
      assert.notEqual(anomaly.description.fr, anomaly.description.en, code);
      assert.notEqual(anomaly.description.nl, anomaly.description.en, code);
    }
    const said = clientAnomaly("CLIENT-NOT-FOUND", { said: "no training T-9" });
    assert.match(said.message, /no training T-9/);
    assert.match(said.description!.fr, /no training T-9/);
  });

  it("no anomaly code is made up in the platform's FLA- namespace (only FLA-E-/FLA-W- codes, the platform's, in the simulator)", () => {
    const madeUp: string[] = [];
    for (const file of files) {
      if (file.startsWith(join(SRC, "simulator"))) continue;
      for (const match of readFileSync(file, "utf8").matchAll(/["'`](FLA-[A-Z][A-Z0-9-]*)["'`]/g))
        madeUp.push(`${relative(PROJECT_ROOT, file)}: ${match[1]}`);
    }
    assert.deepEqual(madeUp, []);
  });
});
