/**
 * What the editor needs to know of the runtime, built from the runtime's own constants: the node adapters hand it to
 * Node-RED as exportable node settings (RED.settings.flaConfigContract, flaDeclareContract, flaQueryContract,
 * flaExportContract), so the dialogs never keep a copy of a preset, a scope, a default, a list or a rule.
 *
 * Their types are in editorContractTypes.d.ts, which the editor's scripts read too.
 *
 * Rules the editor's synchronous `validate` needs (a URL, an enterprise number) travel as data: `validate` also runs
 * for nodes whose dialog is closed (import, deploy), where no server round trip can answer it. Everything that needs
 * more than data (reading a certificate) is asked of the server through the admin endpoints (configAdmin.ts).
 */
import { operationsForEditor as catalogueForEditor } from "./api/catalogue";
import { EXPIRY_WARNING_DAYS } from "./certificate";
import {
  DEFAULT_CIRCUIT_THRESHOLD,
  DEFAULT_GIVE_UP_HOURS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_BACKOFF_SECONDS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_OUTBOX_QUEUE,
} from "./connection";
import { QUERY_PARAMETER_NAMES } from "./messages/queryParams";
import type {
  ConfigEditorContract,
  DeclareEditorContract,
  EnterpriseNumberRule,
  ExportEditorContract,
  QueryEditorContract,
} from "./editorContractTypes";
import { DEFAULT_POLL_TIMEOUT_SECONDS } from "./declare/poll";
import { COLLECTIONS, DEFAULT_EXPORT_FOLDER, FIRST_FLA_YEAR, YEAR_PATTERN, YEARS_AFTER_CURRENT } from "./export/types";
import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_ROLE,
  DEFAULT_TIMEOUT_SECONDS,
  ENVIRONMENT_PRESETS,
  PLAIN_HTTP_HOSTS,
  SCOPES,
} from "./settings";
import type { DeclareOperation, QueryOperation } from "./validation/types";

export type {
  ConfigEditorContract,
  DeclareEditorContract,
  ExportEditorContract,
  QueryEditorContract,
} from "./editorContractTypes";

/** The exportable node settings; Node-RED requires their names to start with the camel-cased node type. */
export const CONFIG_CONTRACT_SETTING = "flaConfigContract";
export const QUERY_CONTRACT_SETTING = "flaQueryContract";
export const DECLARE_CONTRACT_SETTING = "flaDeclareContract";
export const EXPORT_CONTRACT_SETTING = "flaExportContract";

/** What a new declare or query node does until the user picks: the most common declaration and query. */
export const DEFAULT_DECLARATION: DeclareOperation = "createTraining";
export const DEFAULT_QUERY: QueryOperation = "trainings";

/** Kept in step with identifiers.ts by test/editor/editorContract.test.ts, which compares both on many numbers. */
const ENTERPRISE_NUMBER_RULE: EnterpriseNumberRule = {
  prefix: "BE",
  ignored: "[\\s.\\-/]",
  length: 10,
  firstDigits: "01",
  checkDigits: { modulus: 97, baseLength: 8 },
};

export function configEditorContract(): ConfigEditorContract {
  return {
    environments: { ...ENVIRONMENT_PRESETS },
    scopes: { ...SCOPES },
    defaults: {
      timeout: DEFAULT_TIMEOUT_SECONDS,
      maxConcurrent: DEFAULT_MAX_CONCURRENT,
      maxQueue: DEFAULT_OUTBOX_QUEUE,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      maxBackoff: DEFAULT_MAX_BACKOFF_SECONDS,
      circuitThreshold: DEFAULT_CIRCUIT_THRESHOLD,
      giveUpHours: DEFAULT_GIVE_UP_HOURS,
    },
    plainHttpHosts: { names: [...PLAIN_HTTP_HOSTS.names], prefix: PLAIN_HTTP_HOSTS.prefix },
    enterpriseNumber: ENTERPRISE_NUMBER_RULE,
    expiryWarningDays: EXPIRY_WARNING_DAYS,
    defaultEnvironment: DEFAULT_ENVIRONMENT,
    defaultRole: DEFAULT_ROLE,
  };
}

/** The catalogue's operations as the declare and query nodes offer them: the one place the editor reads the catalogue. */
function operationsForEditor(): {
  declarations: DeclareEditorContract["operations"];
  queries: QueryEditorContract["queries"];
} {
  const declarations: DeclareEditorContract["operations"] = {};
  const queries: QueryEditorContract["queries"] = {};
  for (const operation of catalogueForEditor()) {
    if (operation.kind === "declare") declarations[operation.name] = { hasBody: operation.hasBody };
    else
      queries[operation.name] = {
        params: [...operation.pathParams, ...operation.queryParams.map((param) => param.name)],
        paged: operation.paged,
      };
  }
  return { declarations, queries };
}

function maxPageSize(): number {
  const sizes = catalogueForEditor().flatMap((operation) =>
    operation.maxPageSize === undefined ? [] : [operation.maxPageSize],
  );
  if (sizes.length === 0) throw new Error("The catalogue has no paged collection.");
  return Math.min(...sizes);
}

export function declareEditorContract(): DeclareEditorContract {
  return {
    operations: operationsForEditor().declarations,
    defaultOperation: DEFAULT_DECLARATION,
    defaultPollTimeout: DEFAULT_POLL_TIMEOUT_SECONDS,
  };
}

export function exportEditorContract(): ExportEditorContract {
  return {
    firstYear: FIRST_FLA_YEAR,
    collections: [...COLLECTIONS],
    defaultFolder: DEFAULT_EXPORT_FOLDER,
    years: { pattern: YEAR_PATTERN, afterCurrent: YEARS_AFTER_CURRENT },
  };
}

export function queryEditorContract(): QueryEditorContract {
  const { queries } = operationsForEditor();
  const used = new Set(Object.values(queries).flatMap((query) => query.params));
  return {
    queries,
    params: QUERY_PARAMETER_NAMES.filter((name) => used.has(name)),
    maxPageSize: maxPageSize(),
    defaultQuery: DEFAULT_QUERY,
  };
}
