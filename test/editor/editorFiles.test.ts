/**
 * The editor files Node-RED loads: each .html is markup with its script in resources/ (compiled from src/editor) and
 * a registration of literals only, catalogues are valid JSON with the same keys and placeholders in every language,
 * every key a dialog or the runtime uses exists, help is present and well formed, and the help lists exactly the local
 * anomaly codes the validation produces.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configEditorContract, declareEditorContract, queryEditorContract } from "../../src/core/editorContract";
import { LOCAL_ANOMALY_CODES } from "../../src/core/validation";
import { PROJECT_ROOT } from "../support/nodeRedProcess";
import { runtimeKeys } from "../docs/runtimeKeys";

const TYPES = ["fla-config", "fla-declare", "fla-query", "fla-export"] as const;
const LANGS = ["en-US", "fr", "nl"] as const;
const nodesDir = join(PROJECT_ROOT, "nodes");
const resourcesDir = join(PROJECT_ROOT, "resources");
const PACKAGE = "node-red-contrib-careerpro-fla";

type Flat = Record<string, string>;

function flatten(value: unknown, prefix = "", out: Flat = {}): Flat {
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child && typeof child === "object") flatten(child, path, out);
    else out[path] = String(child);
  }
  return out;
}

const catalogue = (lang: string, type: string): Flat =>
  flatten(JSON.parse(readFileSync(join(nodesDir, "locales", lang, `${type}.json`), "utf8")));
const placeholders = (text: string): string => (text.match(/__\w+__/g) ?? []).sort().join(",");

/** Keys the runtime (src/nodes) looks up with RED._ for each node type, found by running it (test/docs/runtimeKeys.ts). */
const RUNTIME_KEYS: Record<string, string[]> = runtimeKeys();

/** Keys the dialogs build from the runtime's contract (`t(\`query.${name}\`)`), which no regex of the script can see. */
function contractKeys(type: string): string[] {
  if (type === "fla-config") {
    const config = configEditorContract();
    const environments = [...Object.keys(config.environments), "custom"];
    const certain = environments.filter((env) => env === "custom" || config.environments[env].certain);
    const roles = Object.keys(config.scopes);
    const fields = ["tokenUrl", "audience", "apiUrl", ...Object.keys(config.defaults)];
    return [
      ...environments.flatMap((env) => [`environment.${env}`, `environment.short.${env}`]),
      ...certain.map((env) => `tip.${env}`),
      ...roles.flatMap((role) => [`role.${role}`, `tip.role.${role}`]),
      ...fields.map((field) => `label.${field}`),
      "errors.enterpriseNumber.format",
      "errors.enterpriseNumber.checksum",
    ].map((key) => `fla-config.${key}`);
  }
  if (type === "fla-query") {
    const query = queryEditorContract();
    const queries = [...Object.keys(query.queries), "msg"];
    return [
      ...queries.flatMap((name) => [`query.${name}`, `tip.query.${name}`]),
      ...query.params.map((param) => `label.${param}`),
    ].map((key) => `fla-query.${key}`);
  }
  if (type === "fla-declare") {
    const operations = [...Object.keys(declareEditorContract().operations), "msg"];
    return operations
      .flatMap((name) => [`operation.${name}`, `tip.operation.${name}`])
      .map((key) => `fla-declare.${key}`);
  }
  return [];
}

describe("editor files (nodes/*.html, resources/*.js, locales, icons)", () => {
  for (const type of TYPES) {
    describe(type, () => {
      const html = readFileSync(join(nodesDir, `${type}.html`), "utf8");
      const script = readFileSync(join(resourcesDir, `${type}.js`), "utf8");
      const en = catalogue("en-US", type);

      it("is markup: its script comes from resources/, and its one inline script registers the node with literals only", () => {
        const sources = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
        assert.deepEqual(sources, [`resources/${PACKAGE}/${type}.js`]);
        // Compiles the script to check its syntax; it is never called.
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        assert.doesNotThrow(() => new Function("RED", "$", script));
        const inline = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
        assert.equal(inline.length, 1);
        const code = inline[0].replace(/^\s*\/\/.*$/gm, "").trim();
        // node-red-dev and the Flow Library read type, category, colour, icon and ports from this call; nothing else is here.
        assert.match(code, new RegExp(`^window\\.\\w+Editor\\.registerType\\("${type}", \\{[^{}()=]*\\}\\);$`), code);
        assert.match(html, new RegExp(`data-template-name="${type}"`));
        assert.doesNotMatch(html, /data-help-name/);
        assert.doesNotMatch(html, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      });

      it("uses only catalogue keys that exist, and the runtime's keys exist too", () => {
        const used = new Set<string>([...RUNTIME_KEYS[type], ...contractKeys(type)]);
        for (const m of html.matchAll(/data-i18n="([^"]+)"/g))
          for (const k of m[1].split(";")) used.add(k.replace(/^\[[^\]]+\]/, ""));
        for (const m of script.matchAll(/\bt\("([^"]+)"/g)) if (!m[1].endsWith(".")) used.add(`${type}.${m[1]}`);
        const missing = [...used].filter((k) => !k.endsWith(".") && !(k in en));
        assert.deepEqual(missing, []);
      });

      for (const lang of ["fr", "nl"] as const) {
        it(`${lang} has exactly the en-US keys with the same placeholders`, () => {
          const other = catalogue(lang, type);
          assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort());
          for (const key of Object.keys(en))
            assert.equal(placeholders(other[key]), placeholders(en[key]), `${lang} ${key}`);
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
      const help = ["fla-declare", "fla-query"]
        .map((type) => readFileSync(join(nodesDir, "locales", lang, `${type}.html`), "utf8"))
        .join("\n");
      const listed = new Set(help.match(/LOCAL-[A-Z-]+[A-Z]/g) ?? []);
      assert.deepEqual([...listed].sort(), Object.keys(LOCAL_ANOMALY_CODES).sort(), lang);
    }
  });
});
