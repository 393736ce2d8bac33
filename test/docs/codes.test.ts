/**
 * Codes named in the prose of the documents and the node help, outside the generated tables, are codes that exist:
 * a renamed or removed error or anomaly code cannot live on in a sentence.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ANOMALY_CATALOGUES } from "../../src/core/docs/anomalyCatalogues";
import { FLA_ERROR_CODE_DOCS } from "../../src/core/docs/errorCodes";
import { FLA_ERROR_CODES } from "../../src/core/errors";
import { FLA_STATUSES } from "../../src/core/result";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

const DOCUMENTS = [
  "README.md",
  "ARCHITECTURE.md",
  "CONTRIBUTING.md",
  ...["en-US", "fr", "nl"].flatMap((lang) =>
    readdirSync(join(PROJECT_ROOT, "nodes", "locales", lang))
      .filter((name) => name.endsWith(".html"))
      .map((name) => `nodes/locales/${lang}/${name}`),
  ),
];

/** Every source file under a folder, recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** The FLA_* environment variables the package, its scripts, its tests and its CI read. */
function environmentVariables(): Set<string> {
  const names = new Set<string>();
  const read = (files: string[], pattern: RegExp): void => {
    for (const file of files)
      for (const m of readFileSync(join(PROJECT_ROOT, file), "utf8").matchAll(pattern)) names.add(m[1] ?? m[2] ?? m[3]);
  };
  // Scripts may pass a name to a helper (`port(env, "FLA_DEMO_PORT")`); tests only count where they read env, since
  // they also quote error codes, old ones included.
  read(
    [...sources("src"), ...sources("scripts"), ...sources("bench"), ".ci/run"],
    /env(?:\.|\[")(FLA_[A-Z_]+)|"(FLA_[A-Z_]+)"|\$\{?(FLA_[A-Z_]+)/g,
  );
  read(sources("test"), /env(?:\.|\[")(FLA_[A-Z_]+)/g);
  return names;
}

/** Codes written as code (`FLA_X`, <code>LOCAL-X</code>) or in running text, generated tables left out. */
function namedCodes(text: string): string[] {
  const prose = text.replace(/<!-- generated: [\s\S]*?<!-- end generated -->/g, "");
  const codes = [
    ...[...prose.matchAll(/(?:`|<code>)(FLA_[A-Z_]+)(?:`|<\/code>)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/\b((?:LOCAL|CLIENT)-[A-Z][A-Z-]*[A-Z])\b/g)].map((m) => m[1]),
  ];
  return [...new Set(codes)];
}

describe("codes named in the documents exist", () => {
  it("finds code spans and anomaly codes outside the generated tables", () => {
    const text =
      "`FLA_AUTH` and <code>FLA_OLD</code>, LOCAL-TYPE, `FLA_DEMO_HOST`\n<!-- generated: x (npm run docs) -->\nLOCAL-GONE\n<!-- end generated -->";
    assert.deepEqual(namedCodes(text), ["FLA_AUTH", "FLA_OLD", "FLA_DEMO_HOST", "LOCAL-TYPE"]);
  });

  const known = new Set<string>([
    ...Object.keys(FLA_ERROR_CODE_DOCS),
    // The tables themselves, which the documents name as where to add a code (imported, so a rename fails to compile).
    ...Object.keys({ FLA_ERROR_CODES, FLA_STATUSES }),
    ...ANOMALY_CATALOGUES.flatMap((catalogue) => Object.keys(catalogue.codes)),
    ...environmentVariables(),
  ]);

  for (const document of DOCUMENTS) {
    it(`${document} names only existing error codes, anomaly codes and environment variables`, () => {
      const unknown = namedCodes(readFileSync(join(PROJECT_ROOT, document), "utf8")).filter((code) => !known.has(code));
      assert.deepEqual(unknown, [], `${document} names codes that do not exist`);
    });
  }
});
