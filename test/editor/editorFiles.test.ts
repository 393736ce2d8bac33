/**
 * The editor files Node-RED loads: each dialog's script parses, catalogues are valid JSON with the same keys and
 * placeholders in every language, every key a dialog or the runtime uses exists, help is present and well formed,
 * and the help lists exactly the local anomaly codes the validation produces.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_ANOMALY_CODES } from "../../src/core/validation";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

const TYPES = ["fla-config", "fla-declare", "fla-query", "fla-export"] as const;
const LANGS = ["en-US", "fr", "nl"] as const;
const nodesDir = join(PROJECT_ROOT, "nodes");

type Flat = Record<string, string>;

function flatten(value: unknown, prefix = "", out: Flat = {}): Flat {
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child && typeof child === "object") flatten(child, path, out);
    else out[path] = String(child);
  }
  return out;
}

const catalogue = (lang: string, type: string): Flat => flatten(JSON.parse(readFileSync(join(nodesDir, "locales", lang, `${type}.json`), "utf8")));
const placeholders = (text: string): string => (text.match(/__\w+__/g) ?? []).sort().join(",");

/** Keys the runtime (src/nodes) looks up with RED._ for each node type. */
const RUNTIME_KEYS: Record<string, string[]> = {
  "fla-declare": ["requesting", "queued", "noConfig", "accepted", "warnings", "rejected", "pending", "alreadyDeclared", "cancelled", "invalid", "forbidden", "notFound", "done"].map((k) => `fla-declare.status.${k}`).concat("fla-declare.errors.noConfig"),
  "fla-query": ["requesting", "queued", "noConfig", "ok", "invalid", "forbidden", "notFound", "rejected", "done"].map((k) => `fla-query.status.${k}`).concat("fla-query.errors.noConfig"),
  "fla-config": [],
  "fla-export": ["starting", "resuming", "employer", "collection.trainings", "collection.trainingRights", "collection.trainingCredits", "page", "pageOf", "items", "waiting", "complete", "incomplete", "failed"]
    .map((k) => `fla-export.status.${k}`)
    .concat(["noConfig", "stoppedBeforeStart", "manifestUnreadable"].map((k) => `fla-export.errors.${k}`), "fla-export.log.resuming"),
};

describe("editor files (nodes/*.html, locales, icons)", () => {
  for (const type of TYPES) {
    describe(type, () => {
      const html = readFileSync(join(nodesDir, `${type}.html`), "utf8");
      const en = catalogue("en-US", type);

      it("has one dialog script that parses, a template, and no inline help or key", () => {
        const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
        assert.equal(scripts.length, 1);
        // Compiles the script to check its syntax; it is never called.
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        assert.doesNotThrow(() => new Function("RED", "$", scripts[0]));
        assert.match(html, new RegExp(`data-template-name="${type}"`));
        assert.doesNotMatch(html, /data-help-name/);
        assert.doesNotMatch(html, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      });

      it("uses only catalogue keys that exist, and the runtime's keys exist too", () => {
        const used = new Set<string>(RUNTIME_KEYS[type]);
        for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) for (const k of m[1].split(";")) used.add(k.replace(/^\[[^\]]+\]/, ""));
        for (const m of html.matchAll(/\bt\("([^"]+)"/g)) if (!m[1].endsWith(".")) used.add(`${type}.${m[1]}`);
        const missing = [...used].filter((k) => !k.endsWith(".") && !(k in en));
        assert.deepEqual(missing, []);
      });

      for (const lang of ["fr", "nl"] as const) {
        it(`${lang} has exactly the en-US keys with the same placeholders`, () => {
          const other = catalogue(lang, type);
          assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort());
          for (const key of Object.keys(en)) assert.equal(placeholders(other[key]), placeholders(en[key]), `${lang} ${key}`);
        });
      }

      for (const lang of LANGS) {
        it(`${lang} help is a well-formed Node-RED help block with Inputs/Outputs lists`, () => {
          const help = readFileSync(join(nodesDir, "locales", lang, `${type}.html`), "utf8");
          assert.match(help, new RegExp(`<script type="text/html" data-help-name="${type}">`));
          for (const tag of ["h3", "dl", "dt", "dd", "ul", "li", "ol", "p", "pre", "code"]) {
            const opened = (help.match(new RegExp(`<${tag}[\\s>]`, "g")) ?? []).length;
            const closed = (help.match(new RegExp(`</${tag}>`, "g")) ?? []).length;
            assert.equal(opened, closed, `<${tag}> in ${lang}/${type}.html`);
          }
          if (type !== "fla-config") assert.match(help, /class="message-properties"/);
        });
      }

      it("has its palette icon", () => {
        assert.match(readFileSync(join(nodesDir, "icons", `${type}.svg`), "utf8"), /<svg[\s\S]*viewBox="0 0 40 60"/);
      });
    });
  }

  it("the declare and query help of every language list exactly the local anomaly codes", () => {
    for (const lang of LANGS) {
      const help = ["fla-declare", "fla-query"].map((type) => readFileSync(join(nodesDir, "locales", lang, `${type}.html`), "utf8")).join("\n");
      const listed = new Set(help.match(/LOCAL-[A-Z-]+[A-Z]/g) ?? []);
      assert.deepEqual([...listed].sort(), Object.keys(LOCAL_ANOMALY_CODES).sort(), lang);
    }
  });
});
