/**
 * What a user installs: `npm pack` gives the tarball the Flow Library and npm would publish; it must hold only what a
 * user needs, and once installed into a fresh Node-RED user directory, Node-RED 4.1 must load the four nodes from it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT, startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";

const execFileAsync = promisify(execFile);

/** execFile, with what the command printed in the error when it fails. */
async function run(
  command: string,
  args: string[],
  options: Parameters<typeof execFileAsync>[2],
): Promise<{ stdout: string }> {
  try {
    const { stdout } = await execFileAsync(command, args, { ...options, encoding: "utf8" });
    return { stdout: String(stdout) };
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.message}\n${e.stderr ?? ""}`);
  }
}
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const PACKAGE = "node-red-contrib-careerpro-fla";
const TYPES = ["fla-config", "fla-declare", "fla-export", "fla-query"];

/** Top-level entries a user needs; everything in the tarball must be under one of them. */
const SHIPPED = [
  /^dist\/src\//,
  /^nodes\//,
  /^resources\//,
  /^examples\//,
  /^bin\//,
  /^README\.md$/,
  /^LICENSE$/,
  /^package\.json$/,
];
const NEVER = [
  /^test\//,
  /^src\//,
  /^dist\/test\//,
  /^dist\/scripts\//,
  /^dist\/bench\//,
  /^scripts\//,
  /^bench\//,
  /^\.node-red\//,
  /^test-artifacts\//,
  /\.ts$/,
  /\.map$/,
  /^node_modules\//,
];

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

interface NodeSet {
  id: string;
  module: string;
  types: string[];
  enabled: boolean;
  /** Set when the module failed to load (Node-RED then still lists its types). */
  err?: unknown;
}

describe("npm package: the packed tarball installs into Node-RED and loads the four nodes", function () {
  this.timeout(300_000);

  const workDir = mkdtempSync(join(tmpdir(), "fla-pack-"));
  const npmEnv = {
    ...process.env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  let packed: PackResult;
  let tarball: string;
  let files: string[];
  let nodeRed: NodeRedProcess | undefined;
  let userDir: string;

  before(async function () {
    // `npm test` has just built dist/; --ignore-scripts keeps `prepack` from recompiling dist/ under the running tests.
    assert.ok(
      existsSync(join(PROJECT_ROOT, "dist", "src", "nodes", "fla-config.js")),
      "dist/ is built (npm run build)",
    );
    const { stdout } = await run(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", workDir], {
      cwd: PROJECT_ROOT,
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    packed = (JSON.parse(stdout) as PackResult[])[0];
    tarball = join(workDir, packed.filename);
    files = packed.files.map((f) => f.path).sort();
  });

  after(async () => {
    await nodeRed?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("ships only what a user needs: compiled code, editor files and icons, examples, the simulator CLI, README, LICENSE", () => {
    assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);
    const unexpected = files.filter((f) => !SHIPPED.some((re) => re.test(f)));
    assert.deepEqual(unexpected, [], "files outside the shipped folders");
    const forbidden = files.filter((f) => NEVER.some((re) => re.test(f)));
    assert.deepEqual(forbidden, [], "tests, sources, source maps or dev-only output in the tarball");
  });

  it("carries no install-time script: installing it runs nothing (npm flags packages that do)", async () => {
    const { stdout } = await run("tar", ["-xzOf", tarball, "package/package.json"], { cwd: workDir });
    const scripts = (JSON.parse(stdout) as { scripts?: Record<string, string> }).scripts ?? {};
    const atInstall = [
      "preinstall",
      "install",
      "postinstall",
      "prepublish",
      "preprepare",
      "prepare",
      "postprepare",
    ].filter((name) => name in scripts);
    assert.deepEqual(atInstall, [], `install-time scripts in the published package.json: ${JSON.stringify(scripts)}`);
  });

  it("ships every file package.json points at and every file those require", () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
      "node-red": { nodes: Record<string, string> };
      bin: Record<string, string>;
    };
    assert.deepEqual(Object.keys(pkg["node-red"].nodes).sort(), TYPES);
    const needed = ["package.json", "README.md", "LICENSE"];
    for (const entry of [...Object.values(pkg["node-red"].nodes), ...Object.values(pkg.bin)]) {
      const path = entry.replace(/^\.\//, "");
      needed.push(path);
      // nodes/*.js and bin/*.js are one-line shims over the compiled code: the target must ship too.
      const target = /require\("\.\.\/(dist\/[^"]+)"\)/.exec(readFileSync(join(PROJECT_ROOT, path), "utf8"));
      if (target) needed.push(target[1]);
    }
    for (const type of TYPES) {
      needed.push(`nodes/${type}.html`, `resources/${type}.js`, `nodes/icons/${type}.svg`);
      for (const lang of ["en-US", "fr", "nl"])
        needed.push(`nodes/locales/${lang}/${type}.json`, `nodes/locales/${lang}/${type}.html`);
    }
    assert.deepEqual(
      needed.filter((f) => !files.includes(f)),
      [],
      "files missing from the tarball",
    );
    assert.ok(
      files.filter((f) => f.startsWith("examples/") && f.endsWith(".json")).length >= 4,
      "at least four examples",
    );
  });

  it("installs from the tarball into a fresh user directory, and Node-RED 4.1 loads fla-config, fla-declare, fla-export and fla-query", async () => {
    userDir = join(workDir, "userDir");
    mkdirSync(userDir);
    writeFileSync(
      join(userDir, "package.json"),
      JSON.stringify({ name: "fla-pack-userdir", version: "0.0.0", private: true }),
    );
    // Its dependencies come from the npm cache when they are there (the project installed the same ones).
    await run(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock", tarball], {
      cwd: userDir,
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    const installed = join(userDir, "node_modules", PACKAGE);
    assert.ok(
      lstatSync(installed).isDirectory() && !lstatSync(installed).isSymbolicLink(),
      "a real copy, not a link to the project",
    );
    assert.equal(existsSync(join(installed, "test")), false);
    assert.equal(existsSync(join(installed, "src")), false);

    nodeRed = await startNodeRed({ userDir });
    const res = await fetch(`${nodeRed.url}/nodes`, { headers: { Accept: "application/json" } });
    assert.equal(res.status, 200);
    const sets = ((await res.json()) as NodeSet[]).filter((s) => s.module === PACKAGE);
    assert.deepEqual(sets.flatMap((s) => s.types).sort(), TYPES, JSON.stringify(sets));
    for (const set of sets) {
      assert.equal(set.err, undefined, `${set.id} failed to load: ${String(set.err)}`);
      assert.equal(set.enabled, true, `${set.id} is enabled`);
    }

    // The module Node-RED loaded is the installed copy, with the editor's files, icons and translations reachable.
    const module = (await (
      await fetch(`${nodeRed.url}/nodes/${PACKAGE}`, { headers: { Accept: "application/json" } })
    ).json()) as { version: string };
    assert.equal(module.version, JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version);
    const editorHtml = await (await fetch(`${nodeRed.url}/nodes`, { headers: { Accept: "text/html" } })).text();
    for (const type of TYPES)
      assert.match(
        editorHtml,
        new RegExp(`registerType\\(\\s*["']${type}["']`),
        `the editor receives ${type}'s definition`,
      );
    // Each dialog's script, from the package's resources/ folder.
    for (const type of TYPES) {
      const script: Response = await fetch(`${nodeRed.url}/resources/${PACKAGE}/${type}.js`);
      assert.equal(script.status, 200, `resources/${PACKAGE}/${type}.js`);
      assert.equal(
        await script.text(),
        readFileSync(join(installed, "resources", `${type}.js`), "utf8"),
        `Node-RED serves ${type}'s dialog script`,
      );
    }
    // Node-RED answers any unknown icon with its default arrow: the icons must be found where it looks (nodes/icons/).
    const iconSets = (await (
      await fetch(`${nodeRed.url}/icons`, { headers: { Accept: "application/json" } })
    ).json()) as Record<string, string[]>;
    assert.deepEqual(
      [...(iconSets[PACKAGE] ?? [])].sort(),
      TYPES.map((t) => `${t}.svg`),
      `Node-RED found the package's icons: ${JSON.stringify(iconSets[PACKAGE])}`,
    );
    for (const type of TYPES) {
      const icon: Response = await fetch(`${nodeRed.url}/icons/${PACKAGE}/${type}.svg`);
      assert.equal(icon.status, 200);
      const shipped = files.find((f) => f.endsWith(`icons/${type}.svg`));
      assert.ok(shipped, `${type}.svg is in the tarball`);
      assert.equal(
        await icon.text(),
        readFileSync(join(installed, shipped), "utf8"),
        `Node-RED serves ${type}'s own icon`,
      );
    }
    const french = (await (await fetch(`${nodeRed.url}/locales/${PACKAGE}/fla-declare?lng=fr`)).json()) as Record<
      string,
      unknown
    >;
    assert.ok(french["fla-declare"], "the French catalogue is served");
    assert.doesNotMatch(
      nodeRed.output(),
      /\[(warn|error)\].*careerpro/i,
      "Node-RED logged no warning about the package",
    );
  });
});
