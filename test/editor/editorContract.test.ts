/**
 * One editor/runtime contract: what the dialogs get from the runtime equals what the runtime does, the dialogs' own
 * checks (run here from the compiled resources/*.js) judge like the runtime, and no editor file keeps a copy.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { outboxConfig } from "../../src/core/connection";
import {
  CONFIG_CONTRACT_SETTING,
  configEditorContract,
  DECLARE_CONTRACT_SETTING,
  DEFAULT_DECLARATION,
  DEFAULT_QUERY,
  declareEditorContract,
  EXPORT_CONTRACT_SETTING,
  exportEditorContract,
  QUERY_CONTRACT_SETTING,
  queryEditorContract,
} from "../../src/core/editorContract";
import { DEFAULT_POLL_TIMEOUT_SECONDS } from "../../src/core/declare/poll";
import { COLLECTIONS, DEFAULT_EXPORT_FOLDER, FIRST_FLA_YEAR } from "../../src/core/export/types";
import { exportChoices } from "../../src/nodes/shared/exportSettings";
import { resolveExportFolder } from "../../src/nodes/shared/exportFolder";
import { EXPIRY_WARNING_DAYS } from "../../src/core/certificate";
import { isValidEnterpriseNumber, makeEnterpriseNumber, normalizeEnterpriseNumber } from "../../src/core/identifiers";
import { ENVIRONMENT_PRESETS, resolveSettings, SCOPES } from "../../src/core/settings";
import { DECLARE_OPERATIONS, QUERY_OPERATIONS } from "../../src/core/validation/types";
import { BODY_SCHEMAS } from "../../src/core/validation/schemas";
import { OPERATIONS } from "../../src/core/api/catalogue";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

type Validator = (this: Record<string, unknown>, value: unknown, opt?: unknown) => boolean | string;
interface Definition {
  defaults: Record<string, { value: unknown; validate?: Validator }>;
}

/**
 * Runs a compiled dialog script as the editor would, with the settings the runtime exports, and returns the definition
 * it registers. `$` finds no open dialog, so the validators judge saved values, as on import or deploy.
 */
function loadDialog(type: string): Definition {
  const settings = JSON.parse(
    JSON.stringify({
      [CONFIG_CONTRACT_SETTING]: configEditorContract(),
      [DECLARE_CONTRACT_SETTING]: declareEditorContract(),
      [QUERY_CONTRACT_SETTING]: queryEditorContract(),
      [EXPORT_CONTRACT_SETTING]: exportEditorContract(),
    }),
  ) as Record<string, unknown>;
  const registered: Record<string, Definition> = {};
  const window: Record<string, { registerType(type: string, look: object): void }> = {};
  const RED = {
    _: (key: string) => key,
    settings,
    nodes: { registerType: (name: string, definition: Definition) => (registered[name] = definition) },
    validators: { typedInput: () => () => true },
  };
  const $ = (): { length: number } => ({ length: 0 });
  runInNewContext(readFileSync(join(PROJECT_ROOT, "resources", `${type}.js`), "utf8"), { RED, $, window, URL });
  const editor = Object.values(window)[0];
  assert.ok(editor, `${type}.js offers its .html a registerType`);
  editor.registerType(type, { category: "test" });
  return registered[type];
}

function runtimeAcceptsUrl(url: string): boolean {
  try {
    resolveSettings({ environment: "custom", tokenUrl: url, apiUrl: url, clientId: "c" });
    return true;
  } catch {
    return false;
  }
}

describe("editor/runtime contract", () => {
  describe("what the runtime exports (RED.settings)", () => {
    it("the config dialog's environments, scopes and certificate warning are the runtime's", () => {
      const contract = configEditorContract();
      assert.deepEqual(contract.environments, ENVIRONMENT_PRESETS);
      assert.deepEqual(contract.scopes, SCOPES);
      assert.equal(contract.expiryWarningDays, EXPIRY_WARNING_DAYS);
    });

    it("the config dialog's defaults are what the runtime uses for an empty field", () => {
      const { defaults } = configEditorContract();
      const empty = outboxConfig({});
      assert.deepEqual(
        {
          timeout: resolveSettings({ clientId: "c" }).timeoutMs / 1000,
          maxConcurrent: empty.maxConcurrent,
          maxQueue: empty.maxQueue,
          maxAttempts: empty.maxAttempts,
          maxBackoff: empty.maxBackoffMs / 1000,
          circuitThreshold: empty.circuitThreshold,
          giveUpHours: empty.giveUpMs / 3_600_000,
        },
        defaults,
      );
    });

    it("the query dialog offers every query the validation knows, with the parameters it accepts and paging where it pages", () => {
      const { queries, params, maxPageSize } = queryEditorContract();
      assert.deepEqual(Object.keys(queries).sort(), [...QUERY_OPERATIONS].sort());
      for (const operation of QUERY_OPERATIONS) {
        const accepted = [...OPERATIONS[operation].pathParams, ...OPERATIONS[operation].queryParams];
        assert.deepEqual(
          [...queries[operation].params].sort(),
          accepted.filter((name) => name !== "page" && name !== "pageSize").sort(),
          operation,
        );
        assert.equal(queries[operation].paged, accepted.includes("page"), operation);
      }
      assert.deepEqual([...params].sort(), [...new Set(Object.values(queries).flatMap((q) => q.params))].sort());
      assert.equal(maxPageSize, 100);
    });

    it("the declare dialog offers every declaration the validation knows, a schema only for those with a body", () => {
      const { operations } = declareEditorContract();
      assert.deepEqual(Object.keys(operations).sort(), [...DECLARE_OPERATIONS].sort());
      for (const operation of DECLARE_OPERATIONS)
        assert.equal(operations[operation].hasBody, operation in BODY_SCHEMAS, operation);
    });

    it("the export dialog starts at the runtime's first FLA year, with its collections and folder", () => {
      const contract = exportEditorContract();
      assert.equal(contract.firstYear, FIRST_FLA_YEAR);
      assert.deepEqual(contract.collections, [...COLLECTIONS]);
      assert.deepEqual(
        resolveExportFolder(undefined, "/srv/node-red"),
        resolveExportFolder(contract.defaultFolder, "/srv/node-red"),
      );
    });

    it("the config, declare and query defaults are what the runtime uses when a node has none", () => {
      const config = configEditorContract();
      const empty = resolveSettings({ clientId: "c" });
      assert.equal(config.defaultEnvironment, empty.environment);
      assert.equal(config.defaultRole, empty.role);
      const declare = declareEditorContract();
      assert.equal(declare.defaultPollTimeout, DEFAULT_POLL_TIMEOUT_SECONDS);
      assert.equal(declare.defaultOperation, DEFAULT_DECLARATION);
      assert.ok(declare.operations[declare.defaultOperation], "the default declaration is one the catalogue offers");
      const query = queryEditorContract();
      assert.equal(query.defaultQuery, DEFAULT_QUERY);
      assert.ok(query.queries[query.defaultQuery], "the default query is one the catalogue offers");
    });

    it("survives the JSON Node-RED sends it in", () => {
      assert.deepEqual(JSON.parse(JSON.stringify(configEditorContract())), configEditorContract());
      assert.deepEqual(JSON.parse(JSON.stringify(queryEditorContract())), queryEditorContract());
      assert.deepEqual(JSON.parse(JSON.stringify(declareEditorContract())), declareEditorContract());
      assert.deepEqual(JSON.parse(JSON.stringify(exportEditorContract())), exportEditorContract());
    });
  });

  describe("the dialogs' checks (resources/*.js) judge like the runtime", () => {
    const config = loadDialog("fla-config");

    it("the enterprise number: valid, check digits wrong, format wrong, as identifiers.ts says", () => {
      const validate = config.defaults.enterpriseNumber.validate!;
      const samples = ["0203.430.576", "BE 0203.430.576", "be0203430576", "203430576", "0203-430-576", "0203/430/576"];
      samples.push("0203.430.577", "2203430576", "02034305", "ABC", "0203 430 57a", "BE", " ", "");
      for (let i = 0; i < 200; i++) {
        const first8 = `${i % 2}${String((i * 7_654_321) % 10_000_000).padStart(7, "0")}`;
        const good = makeEnterpriseNumber(first8);
        const wrongCheck = `${good.slice(0, 8)}${String((Number(good.slice(8)) + 1 + (i % 90)) % 100).padStart(2, "0")}`;
        samples.push(good, wrongCheck, good.slice(1), `BE ${good.slice(0, 4)}.${good.slice(4, 7)}.${good.slice(7)}`);
      }
      for (const value of samples) {
        const normalized = normalizeEnterpriseNumber(value);
        const runtimeValid = value.trim() === "" || (normalized !== undefined && isValidEnterpriseNumber(normalized));
        const verdict = validate.call({}, value, {});
        assert.equal(
          verdict === true,
          runtimeValid,
          `${JSON.stringify(value)}: editor ${String(verdict)}, runtime ${runtimeValid ? "valid" : "invalid"}`,
        );
      }
    });

    it("a URL: https anywhere, plain http only where the runtime allows it", () => {
      const validate = config.defaults.tokenUrl.validate!;
      const urls = [
        "https://services.socialsecurity.be/REST/oauth/v5/token",
        "http://services.socialsecurity.be/REST/oauth/v5/token",
        "http://127.0.0.1:3010/x",
        "http://127.8.9.1/x",
        "http://localhost:1880/x",
        "http://[::1]:3010/x",
        "http://10.0.0.1/x",
        "http://localhost.example/x",
        "ftp://127.0.0.1/x",
        "not a url",
      ];
      for (const url of urls)
        assert.equal(validate.call({ environment: "custom" }, url, {}) === true, runtimeAcceptsUrl(url), url);
    });

    it("the defaults of a new config node are the runtime's", () => {
      const { defaults } = config;
      assert.equal(defaults.tokenUrl.value, ENVIRONMENT_PRESETS.production.tokenUrl);
      assert.equal(defaults.apiUrl.value, ENVIRONMENT_PRESETS.production.apiUrl);
      for (const [name, value] of Object.entries(configEditorContract().defaults))
        assert.equal(defaults[name].value, value, name);
    });

    it("the defaults of new declare, query and config nodes are the contract's", () => {
      const declare = loadDialog("fla-declare").defaults;
      assert.equal(declare.operation.value, declareEditorContract().defaultOperation);
      assert.equal(declare.pollTimeout.value, DEFAULT_POLL_TIMEOUT_SECONDS);
      assert.equal(loadDialog("fla-query").defaults.query.value, queryEditorContract().defaultQuery);
      assert.equal(config.defaults.environment.value, configEditorContract().defaultEnvironment);
      assert.equal(config.defaults.role.value, configEditorContract().defaultRole);
      const exportDefaults = loadDialog("fla-export").defaults;
      assert.equal(exportDefaults.folder.value, DEFAULT_EXPORT_FOLDER);
      for (const collection of COLLECTIONS) assert.ok(exportDefaults[collection], collection);
    });

    it("the export's years: the dialog accepts exactly what the runtime accepts at deploy", () => {
      const { defaults } = loadDialog("fla-export");
      const thisYear = new Date().getFullYear();
      const years = [
        "",
        String(FIRST_FLA_YEAR - 1),
        String(FIRST_FLA_YEAR),
        String(thisYear),
        String(thisYear + 1),
        "9999",
        "25",
        "2025a",
        " 2025 ",
      ];
      for (const fromYear of years) {
        for (const toYear of years) {
          const runtime = !("problem" in exportChoices({ fromYear, toYear }));
          const node = { fromYear, toYear };
          const editor =
            defaults.fromYear.validate!.call(node, fromYear, {}) === true &&
            defaults.toYear.validate!.call(node, toYear, {}) === true;
          assert.equal(
            editor,
            runtime,
            `${JSON.stringify(fromYear)} to ${JSON.stringify(toYear)}: editor ${String(editor)}, runtime ${String(runtime)}`,
          );
        }
      }
    });

    it("the export folder: the dialog refuses none the runtime accepts (the runtime judges it at deploy)", () => {
      const { folder } = loadDialog("fla-export").defaults;
      for (const value of ["fla-export", "a/../b", "./a/b", "a\\..\\b", "/srv/exports", "C:\\exports", "../outside"]) {
        const runtime = !("problem" in resolveExportFolder(value, "/srv/node-red"));
        const editor = folder.validate ? folder.validate.call({}, value, {}) === true : true;
        if (runtime) assert.equal(editor, true, `${value}: the runtime accepts it, the dialog refuses it`);
      }
    });

    it("the query node's parameters are the contract's", () => {
      const query = loadDialog("fla-query");
      for (const param of queryEditorContract().params)
        assert.ok(query.defaults[param] && query.defaults[`${param}Type`], param);
      assert.equal(
        query.defaults.pageSize.validate!.call({}, String(queryEditorContract().maxPageSize + 1), {}) === true,
        false,
      );
    });
  });

  it("no editor file keeps a copy of a preset, a scope, an operation, a default, the first year or a certificate parser", () => {
    const files = [
      ...readdirSync(join(PROJECT_ROOT, "nodes"))
        .filter((f) => f.endsWith(".html"))
        .map((f) => join(PROJECT_ROOT, "nodes", f)),
      ...readdirSync(join(PROJECT_ROOT, "src", "editor")).map((f) => join(PROJECT_ROOT, "src", "editor", f)),
      ...readdirSync(join(PROJECT_ROOT, "resources")).map((f) => join(PROJECT_ROOT, "resources", f)),
    ];
    const presetUrls = Object.values(ENVIRONMENT_PRESETS).flatMap((preset) => [
      preset.tokenUrl,
      preset.audience,
      preset.apiUrl,
    ]);
    const hosts = Object.values(ENVIRONMENT_PRESETS).map((preset) => new URL(preset.tokenUrl).host);
    const copies = [...presetUrls, ...hosts, ...Object.values(SCOPES), "careerpro-federal-learning-account"];
    const queryNames = QUERY_OPERATIONS.map((name) => `"${name}"`);
    const declarationNames = DECLARE_OPERATIONS.map((name) => `"${name}"`);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const copy of copies) assert.ok(!text.includes(copy), `${file} holds a copy of ${copy}`);
      if (/fla-query/.test(file))
        for (const name of queryNames) assert.ok(!text.includes(name), `${file} names the query ${name}`);
      if (/fla-declare/.test(file))
        for (const name of declarationNames) assert.ok(!text.includes(name), `${file} names the declaration ${name}`);
      if (/fla-declare/.test(file))
        assert.doesNotMatch(
          text,
          new RegExp(`\\b${DEFAULT_POLL_TIMEOUT_SECONDS}\\b`),
          `${file} holds a copy of the poll timeout`,
        );
      if (/fla-config/.test(file))
        for (const value of ['"production"', '"employer"'])
          assert.ok(!text.includes(value), `${file} holds the default ${value}`);
      if (/fla-export/.test(file)) {
        assert.ok(!text.includes(String(FIRST_FLA_YEAR)), `${file} holds a copy of the first FLA year`);
        // The .html names its own node type "fla-export"; the scripts hold the behaviour.
        const scriptCopies = file.endsWith(".html")
          ? []
          : [...COLLECTIONS.map((name) => `"${name}"`), `"${DEFAULT_EXPORT_FOLDER}"`, '".."', "d{4}"];
        for (const copy of scriptCopies) assert.ok(!text.includes(copy), `${file} holds a copy of ${copy}`);
      }
      // A certificate is read by the runtime only (POST fla-config/certificate-file): no DER or ASN.1 reading here.
      assert.doesNotMatch(text, /0x30|derHeader|derKeyLabel|asn1/i, `${file} reads DER`);
      // The summary has one name per field; no list of guesses.
      assert.doesNotMatch(
        text,
        /\bpick\(|"serialNumberHex"|"thumbprintSha1"|"fingerprintSha1"|"daysLeft"|"friendlyName"/,
        `${file} guesses field names`,
      );
    }
  });
});
