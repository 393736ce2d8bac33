/**
 * Preloaded (`node -r`) into `node-red-dev validate` so that it runs without the network, for the package test.
 *
 * The tool asks four things of the internet: the Flow Library catalogue (P08 similar names, N01 duplicate node types),
 * the npm registry's `node-red` document (P06 supported Node-RED versions, P07 Node.js version), the dependency tree of
 * each dependency (D02) and the latest version of each dependency (D03). Here:
 * - the catalogue answers "no modules": P08 and N01 are not judged offline (the test ignores them);
 * - the `node-red` document is built from the Node-RED the project develops against (node_modules/node-red), so P06
 *   and P07 check the package against that release;
 * - D02 and D03 see no packages: not judged offline either.
 * Any other request fails loudly, so that a new online check in a later node-red-dev is noticed, not silently passed.
 *
 * With FLA_VALIDATE_REGISTRY=1 only the catalogue is answered here (a CI machine reaches the npm registry, not
 * catalogue.nodered.org): P06, P07, D02 and D03 are then judged against the real registry.
 */
import Module from "node:module";
import { readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";

const PROJECT_ROOT = resolve(__dirname, "..", "..", "..");
const TOOL_DIR = `${sep}node-red-dev${sep}`;

function localNodeRedDocument(): unknown {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", "node-red", "package.json"), "utf8")) as {
    version: string;
    engines: unknown;
  };
  return {
    "dist-tags": { latest: pkg.version },
    versions: { [pkg.version]: { version: pkg.version, engines: pkg.engines } },
  };
}

const offlineAxios = {
  get(url: string): Promise<{ status: number; data: unknown }> {
    if (/^https:\/\/catalogue\.nodered\.org\/catalogue\.json/.test(url))
      return Promise.resolve({ status: 200, data: { modules: [] } });
    if (url === "https://registry.npmjs.org/node-red")
      return Promise.resolve({ status: 200, data: localNodeRedDocument() });
    return Promise.reject(
      new Error(`offline validation: node-red-dev asked for ${url}, which this preload does not answer`),
    );
  },
};

const registryOnly = process.env.FLA_VALIDATE_REGISTRY === "1";

/** The real axios, except for the catalogue. */
function catalogueOnlyAxios(real: { get(url: string, ...rest: unknown[]): Promise<unknown> }): unknown {
  return {
    ...real,
    get(url: string, ...rest: unknown[]): Promise<unknown> {
      if (/^https:\/\/catalogue\.nodered\.org\/catalogue\.json/.test(url))
        return Promise.resolve({ status: 200, data: { modules: [] } });
      return real.get(url, ...rest);
    },
  };
}

const offlineModules: Record<string, unknown> = {
  axios: offlineAxios,
  "npm-remote-ls": {
    ls: (_name: string, _version: string, _flatten: boolean, callback: (list: string[]) => void) => callback([]),
    config: () => undefined,
  },
  "npm-check": () => Promise.resolve({ get: () => [] }),
};

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Load };
const load = moduleWithLoad._load;
moduleWithLoad._load = function (request, parent, isMain) {
  if (!parent?.filename?.includes(TOOL_DIR)) return load.call(this, request, parent, isMain);
  if (registryOnly) {
    const real = load.call(this, request, parent, isMain);
    return request === "axios" ? catalogueOnlyAxios(real as Parameters<typeof catalogueOnlyAxios>[0]) : real;
  }
  if (Object.hasOwn(offlineModules, request)) return offlineModules[request];
  return load.call(this, request, parent, isMain);
};
