/**
 * The code tables of the README and the node help are what `npm run docs` writes from the TypeScript: the error
 * codes, the msg.fla statuses with the node status each shows, and every anomaly catalogue.
 */
import assert from "node:assert/strict";
import { ANOMALY_CATALOGUES } from "../../src/core/docs/anomalyCatalogues";
import { ANOMALY_HINTS } from "../../src/core/docs/anomalyHints";
import { FLA_ERROR_CODE_DOCS } from "../../src/core/docs/errorCodes";
import { FLA_STATUS_DOCS } from "../../src/core/docs/statuses";
import { STATUS_KEYS } from "../../src/nodes/shared/statusReporter";
import { type DocSources, generatedFiles, REAL_SOURCES, regenerate, TARGETS } from "../../scripts/docs/tables";

describe("generated doc tables (npm run docs)", () => {
  it("README.md and the node help hold exactly the tables the TypeScript defines", () => {
    const stale = generatedFiles()
      .filter((file) => file.actual !== file.expected)
      .map((file) => file.path);
    assert.deepEqual(stale, [], "these files differ from the TypeScript: run npm run docs");
  });

  it("each file lists the codes and statuses of its node, with the texts of its language", () => {
    const files = new Map(generatedFiles().map((file) => [file.path, file.actual]));
    for (const target of TARGETS) {
      const text = files.get(target.path) ?? "";
      for (const [code, doc] of Object.entries(FLA_ERROR_CODE_DOCS)) {
        if (target.node === undefined || doc.nodes.includes(target.node))
          assert.ok(text.includes(code), `${code} in ${target.path}`);
      }
      for (const [status, doc] of Object.entries(FLA_STATUS_DOCS)) {
        if (target.node === undefined || doc.nodes.includes(target.node))
          assert.ok(text.includes(status), `${status} in ${target.path}`);
      }
      if (target.blocks.includes("anomaly-codes")) {
        for (const catalogue of ANOMALY_CATALOGUES) {
          for (const [code, texts] of Object.entries(catalogue.codes)) {
            assert.ok(text.includes(code), `${code} in ${target.path}`);
            // The first words of the text, before anything the format escapes.
            const words = texts[target.lang].split(/[`'"<>&|*_\\]/)[0].slice(0, 30);
            assert.ok(text.includes(words), `${target.lang} text of ${code} in ${target.path}: ${words}`);
          }
        }
      }
    }
  });

  it("a new code in a catalogue, a new catalogue or a new error code makes the files out of date", () => {
    const sources: DocSources = {
      ...REAL_SOURCES,
      errorCodes: {
        ...FLA_ERROR_CODE_DOCS,
        FLA_TEST_ONLY: { nodes: ["query"], text: { en: "Test only.", fr: "Test seulement.", nl: "Enkel test." } },
      },
      catalogues: [
        ...ANOMALY_CATALOGUES,
        {
          prefix: "TEST-",
          title: { en: "Test codes.", fr: "Codes de test.", nl: "Testcodes." },
          codes: { "TEST-ONLY-CODE": { en: "Test only.", fr: "Test seulement.", nl: "Enkel test." } },
        },
      ],
    };
    const files = generatedFiles(sources);
    const readme = files.find((file) => file.path === "README.md");
    assert.ok(
      readme &&
        readme.expected.includes("TEST-ONLY-CODE") &&
        readme.expected.includes("FLA_TEST_ONLY") &&
        readme.expected !== readme.actual,
    );
    const frDeclare = files.find((file) => file.path === "nodes/locales/fr/fla-declare.html");
    assert.ok(frDeclare && frDeclare.expected.includes("<code>TEST-ONLY-CODE</code> : Test seulement."));
    const nlQuery = files.find((file) => file.path === "nodes/locales/nl/fla-query.html");
    assert.ok(nlQuery && nlQuery.expected.includes("<code>FLA_TEST_ONLY</code>: Enkel test."));
    const enExport = files.find((file) => file.path === "nodes/locales/en-US/fla-export.html");
    assert.ok(
      enExport && !enExport.expected.includes("FLA_TEST_ONLY"),
      "a code of another node stays out of the export help",
    );
  });

  it("a status key renamed in the runtime, or missing from a catalogue, stops the generation", () => {
    const renamed: DocSources = { ...REAL_SOURCES, statusKeys: { ...STATUS_KEYS, ALREADY_DECLARED: "alreadyDeclard" } };
    assert.throws(() => generatedFiles(renamed), /fla-declare\.status\.alreadyDeclard .*missing from the en catalogue/);
    const dropped: DocSources = {
      ...REAL_SOURCES,
      locale: (lang, type) => {
        const catalogue = REAL_SOURCES.locale(lang, type);
        const { pending: _dropped, ...status } = catalogue.status as Record<string, string>;
        return { ...catalogue, status };
      },
    };
    assert.throws(() => generatedFiles(dropped), /fla-declare\.status\.pending .*missing/);
  });

  it("every status with an output has a status key, and every status key a description", () => {
    for (const [status, doc] of Object.entries(FLA_STATUS_DOCS)) {
      if (doc.output !== "catch") assert.ok(STATUS_KEYS[status], `STATUS_KEYS has no key for ${status}`);
    }
    assert.deepEqual(
      Object.keys(STATUS_KEYS).filter((status) => !(status in FLA_STATUS_DOCS)),
      [],
      "statuses without a description in src/core/docs/statuses.ts",
    );
  });

  it("every English hint of an anomaly code has its French and Dutch version, and no other code has one", () => {
    const hinted = ANOMALY_CATALOGUES.flatMap((catalogue) =>
      Object.entries(catalogue.codes)
        .filter(([, text]) => text.hint)
        .map(([code]) => code),
    );
    assert.deepEqual(Object.keys(ANOMALY_HINTS).sort(), hinted.sort(), "src/core/docs/anomalyHints.ts");
  });

  it("markers that are missing, doubled or unknown are an error, not a silently shorter file", () => {
    const readme = TARGETS.find((target) => target.path === "README.md");
    assert.ok(readme);
    const marker = (name: string): string => `<!-- generated: ${name} (npm run docs) -->\n<!-- end generated -->\n`;
    const complete = marker("environments") + marker("statuses") + marker("anomaly-codes") + marker("error-codes");
    assert.doesNotThrow(() => regenerate(complete, readme));
    assert.throws(
      () => regenerate(marker("environments") + marker("statuses") + marker("anomaly-codes"), readme),
      /no markers for the generated block\(s\) error-codes/,
    );
    assert.throws(() => regenerate(complete + marker("statuses"), readme), /appears twice/);
    assert.throws(() => regenerate(complete + marker("settings"), readme), /unknown generated block "settings"/);
  });
});
