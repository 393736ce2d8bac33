/**
 * `npm run docs`: writes the code tables of the README and the node help from the TypeScript that defines them, so
 * that they cannot drift. Each table sits between two markers:
 *
 *   <!-- generated: error-codes (npm run docs) -->
 *   ...
 *   <!-- end generated -->
 *
 * Sources: the runtime's own constants, each text written once: the error codes (FLA_ERROR_CODES, core/errors.ts), the
 * `msg.fla.status` values (FLA_STATUSES, core/result.ts) with the node status text each one shows (the runtime's
 * STATUS_KEYS and the locale catalogues), and every anomaly catalogue (LOCAL-*, CLIENT-*: core/docs/anomalyCatalogues.ts).
 * core/docs adds only which node's help lists each code and status, and the fr/nl hints. A help file gets the texts of its
 * language. test/docs/tables.test.ts fails when a file differs from what this script would write.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ANOMALY_CATALOGUES, type AnomalyCatalogue } from "../../src/core/docs/anomalyCatalogues";
import { ANOMALY_HINTS } from "../../src/core/docs/anomalyHints";
import { FLA_ERROR_CODE_DOCS, type DocumentedNode, type ErrorCodeDoc } from "../../src/core/docs/errorCodes";
import { ENVIRONMENT_NOTES } from "../../src/core/docs/environments";
import { FLA_STATUS_DOCS, type StatusDoc } from "../../src/core/docs/statuses";
import { ENVIRONMENT_PRESETS, type EnvironmentPreset } from "../../src/core/settings";
import { STATUS_KEYS } from "../../src/nodes/shared/statusReporter";

export const PROJECT_ROOT = resolve(__dirname, "..", "..", "..");

export type Lang = "en" | "fr" | "nl";
type Format = "md" | "html";
export type BlockName = "statuses" | "anomaly-codes" | "error-codes" | "environments";

/** What the tables are made of: the real constants, or (in a test) a changed copy of them. */
export interface DocSources {
  errorCodes: Record<string, ErrorCodeDoc>;
  statuses: Record<string, StatusDoc>;
  statusKeys: Record<string, string>;
  catalogues: readonly AnomalyCatalogue[];
  /** French and Dutch hints of the catalogues' English ones. */
  hints: Record<string, { fr: string; nl: string }>;
  environments: Record<string, EnvironmentPreset>;
  environmentNotes: Record<string, string>;
  /** Reads a node's locale catalogue, e.g. ("fr", "fla-declare"). */
  locale: (lang: Lang, type: string) => Record<string, unknown>;
}

const LOCALE_DIRS: Record<Lang, string> = { en: "en-US", fr: "fr", nl: "nl" };

function readLocale(lang: Lang, type: string): Record<string, unknown> {
  const file = join(PROJECT_ROOT, "nodes", "locales", LOCALE_DIRS[lang], `${type}.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>)[type];
}

export const REAL_SOURCES: DocSources = {
  errorCodes: FLA_ERROR_CODE_DOCS,
  statuses: FLA_STATUS_DOCS,
  statusKeys: STATUS_KEYS,
  catalogues: ANOMALY_CATALOGUES,
  hints: ANOMALY_HINTS,
  environments: ENVIRONMENT_PRESETS,
  environmentNotes: ENVIRONMENT_NOTES,
  locale: readLocale,
};

export interface Target {
  /** Relative to the project root. */
  path: string;
  lang: Lang;
  format: Format;
  /** The node a help file documents: its tables keep that node's codes and statuses. */
  node?: DocumentedNode;
  blocks: readonly BlockName[];
}

const NODE_BLOCKS: Record<DocumentedNode, readonly BlockName[]> = {
  declare: ["statuses", "anomaly-codes", "error-codes"],
  query: ["statuses", "anomaly-codes", "error-codes"],
  export: ["statuses", "error-codes"],
};

export const TARGETS: readonly Target[] = [
  { path: "README.md", lang: "en", format: "md", blocks: ["environments", "statuses", "anomaly-codes", "error-codes"] },
  ...(["declare", "query", "export"] as const).flatMap((node) =>
    (["en", "fr", "nl"] as const).map((lang) => ({
      path: `nodes/locales/${LOCALE_DIRS[lang]}/fla-${node}.html`,
      lang,
      format: "html" as const,
      node,
      blocks: NODE_BLOCKS[node],
    })),
  ),
];

/** The few words the tables need around the constants' texts. */
const WORDS: Record<Lang, { output: string; status: string; toCatch: string; colon: string }> = {
  en: { output: "Output", status: "node status", toCatch: "Goes to a <i>catch</i> node", colon: ": " },
  fr: { output: "Sortie", status: "statut du nœud", toCatch: "Va vers un nœud <i>catch</i>", colon: " : " },
  nl: { output: "Uitgang", status: "nodestatus", toCatch: "Gaat naar een <i>catch</i>-node", colon: ": " },
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\|*_]/g, (c) => `\\${c}`).replace(/</g, "&lt;");
}

/** Text with `code` spans, rendered for the format: code stays code, the rest is escaped. */
function inline(text: string, format: Format): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      const code = part.startsWith("`") && part.endsWith("`") && part.length > 1;
      if (format === "md") return code ? part.replace(/\|/g, "\\|") : escapeMarkdown(part);
      return code ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : escapeHtml(part);
    })
    .join("");
}

function forNode<T extends { nodes: readonly DocumentedNode[] }>(
  table: Record<string, T>,
  node?: DocumentedNode,
): [string, T][] {
  return Object.entries(table).filter(([, doc]) => node === undefined || doc.nodes.includes(node));
}

/** The status text a declare or query node shows for a status, in that language; a missing key is an error. */
function nodeStatusText(sources: DocSources, lang: Lang, status: string, doc: StatusDoc): string | undefined {
  const node = doc.nodes.find((n) => n === "declare" || n === "query");
  const key = sources.statusKeys[status];
  if (!node || key === undefined) return undefined;
  const texts = sources.locale(lang, `fla-${node}`).status as Record<string, string> | undefined;
  const text = texts?.[`${key}_plural`] ?? texts?.[key];
  if (text === undefined)
    throw new Error(`fla-${node}.status.${key} (the node status of ${status}) is missing from the ${lang} catalogue`);
  return text.replace(/__\w+__/g, "N");
}

/** The label of output 1 or 2 of a node, from its locale catalogue. */
function outputLabel(sources: DocSources, lang: Lang, node: DocumentedNode, output: "success" | "anomaly"): string {
  const labels = Object.values((sources.locale(lang, `fla-${node}`).outputs ?? {}) as Record<string, string>);
  const label = labels[output === "success" ? 0 : 1];
  if (label === undefined) throw new Error(`fla-${node}.outputs has no label for its ${output} output in ${lang}`);
  return label;
}

function statusesBlock(sources: DocSources, target: Target): string[] {
  const { lang, node } = target;
  if (target.format === "md") {
    const rows = forNode(sources.statuses, node).map(([status, doc]) => {
      const output = doc.output === "catch" ? "Catch" : doc.output === "success" ? "1" : "2";
      const shown = nodeStatusText(sources, lang, status, doc);
      return `| \`${status}\` | ${doc.nodes.join(", ")} | ${output} | ${shown ? escapeMarkdown(shown) : ""} | ${inline(doc.text[lang], "md")} |`;
    });
    return [
      "| `msg.fla.status` | nodes | output | node status | meaning |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
    ];
  }
  const items = forNode(sources.statuses, node).map(([status, doc]) => {
    const words = WORDS[lang];
    const shown = node !== "export" ? nodeStatusText(sources, lang, status, doc) : undefined;
    const where =
      doc.output === "catch"
        ? words.toCatch
        : `${words.output} <i>${escapeHtml(outputLabel(sources, lang, node as DocumentedNode, doc.output))}</i>`;
    const status_ = shown ? `, ${words.status} <i>${escapeHtml(shown)}</i>` : "";
    return `    <li><code>${status}</code>${words.colon}${inline(doc.text[lang], "html")} ${where}${status_}.</li>`;
  });
  return ["<ul>", ...items, "</ul>"];
}

function anomalyCodesBlock(sources: DocSources, target: Target): string[] {
  const { lang, format } = target;
  const lines: string[] = [];
  for (const catalogue of sources.catalogues) {
    const rows = Object.entries(catalogue.codes).map(([code, text]) => {
      const translated = lang === "en" ? text.hint : sources.hints[code]?.[lang];
      const hint = text.hint && translated ? ` ${translated}` : "";
      return format === "md"
        ? `| \`${code}\` | ${inline(text[lang] + hint, "md")} |`
        : `    <li><code>${code}</code>${WORDS[lang].colon}${inline(text[lang] + hint, "html")}</li>`;
    });
    if (format === "md") {
      if (lines.length > 0) lines.push("");
      lines.push(
        `\`${catalogue.prefix}*\`: ${inline(catalogue.title[lang], "md")}`,
        "",
        "| code | what is wrong |",
        "| --- | --- |",
        ...rows,
      );
    } else {
      lines.push(
        `<p><code>${catalogue.prefix}*</code>${WORDS[lang].colon}${inline(catalogue.title[lang], "html")}</p>`,
        "<ul>",
        ...rows,
        "</ul>",
      );
    }
  }
  return lines;
}

function errorCodesBlock(sources: DocSources, target: Target): string[] {
  const rows = forNode(sources.errorCodes, target.node).map(([code, doc]) =>
    target.format === "md"
      ? `| \`${code}\` | ${inline(doc.text[target.lang], "md")} |`
      : `    <li><code>${code}</code>${WORDS[target.lang].colon}${inline(doc.text[target.lang], "html")}</li>`,
  );
  return target.format === "md"
    ? ["| code | meaning and what to do |", "| --- | --- |", ...rows]
    : ["<ul>", ...rows, "</ul>"];
}

/** The environment presets of the config node (README only). */
function environmentsBlock(sources: DocSources, target: Target): string[] {
  if (target.format !== "md") throw new Error(`${target.path}: the environments table is written for the README only`);
  const rows = Object.entries(sources.environments).map(([name, preset]) => {
    const token =
      preset.audience === preset.tokenUrl
        ? `\`${preset.tokenUrl}\``
        : `\`${preset.tokenUrl}\` (audience \`${preset.audience}\`)`;
    return `| ${name} | ${token} | \`${preset.apiUrl}\` | ${escapeMarkdown(sources.environmentNotes[name] ?? "")} |`;
  });
  return [
    "| environment | token URL and audience | API URL | certain? |",
    "| --- | --- | --- | --- |",
    ...rows,
    "| custom | yours | yours | |",
  ];
}

const BLOCKS: Record<BlockName, (sources: DocSources, target: Target) => string[]> = {
  statuses: statusesBlock,
  "anomaly-codes": anomalyCodesBlock,
  "error-codes": errorCodesBlock,
  environments: environmentsBlock,
};

const MARKED = /^([ \t]*)<!-- generated: ([a-z-]+) \(npm run docs\) -->\n[\s\S]*?^[ \t]*<!-- end generated -->$/gm;

/** The file's text with every generated block written anew; throws when a block is missing, doubled or unknown. */
export function regenerate(text: string, target: Target, sources: DocSources = REAL_SOURCES): string {
  const seen: string[] = [];
  const result = text.replace(MARKED, (_whole, indent: string, name: string) => {
    if (!(target.blocks as readonly string[]).includes(name))
      throw new Error(`${target.path}: unknown generated block "${name}"`);
    if (seen.includes(name)) throw new Error(`${target.path}: generated block "${name}" appears twice`);
    seen.push(name);
    const body = BLOCKS[name as BlockName](sources, target).map((line) => (line ? indent + line : line));
    return [`${indent}<!-- generated: ${name} (npm run docs) -->`, ...body, `${indent}<!-- end generated -->`].join(
      "\n",
    );
  });
  const missing = target.blocks.filter((name) => !seen.includes(name));
  if (missing.length > 0)
    throw new Error(`${target.path}: no markers for the generated block(s) ${missing.join(", ")}`);
  return result;
}

export interface FileState {
  path: string;
  actual: string;
  expected: string;
}

export function generatedFiles(sources: DocSources = REAL_SOURCES, root = PROJECT_ROOT): FileState[] {
  return TARGETS.map((target) => {
    const actual = readFileSync(join(root, target.path), "utf8");
    return { path: target.path, actual, expected: regenerate(actual, target, sources) };
  });
}

function main(): void {
  for (const file of generatedFiles()) {
    if (file.actual === file.expected) continue;
    writeFileSync(join(PROJECT_ROOT, file.path), file.expected);
    console.log(`updated ${file.path}`);
  }
  console.log("docs: the generated tables are up to date");
}

if (require.main === module) main();
