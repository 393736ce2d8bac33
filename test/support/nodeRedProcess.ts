/**
 * A real Node-RED 4.1 process on a temporary user directory, with this package linked into its node_modules the way
 * an installed palette module is. For tests that need what the test helper does not give: flows written to disk, the
 * credential store, adminAuth, the editor.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..", "..");

export interface NodeRedProcess {
  url: string;
  userDir: string;
  /** Everything the process printed, for secret checks. */
  output(): string;
  stop(): Promise<void>;
  /** Kills the process with SIGKILL (a crash: no close handler runs) and resolves once it has exited. */
  kill(): Promise<void>;
}

export interface NodeRedOptions {
  /** Extra settings, as JavaScript source of an object literal's members (e.g. `adminAuth: {...},`). */
  extraSettings?: string;
  credentialSecret?: string;
  /**
   * An existing user directory whose node_modules already holds the package (e.g. installed from the packed tarball):
   * used as it is, nothing is linked. Default: a new temporary directory with the project linked in.
   */
  userDir?: string;
  /** The Node.js binary to run Node-RED with (default: the one running the tests). */
  nodeBinary?: string;
  /** Node-RED's red.js (default: the project's Node-RED 4.1). */
  redScript?: string;
  /** How long to wait for the editor to answer (default 30 s). */
  startTimeoutMs?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForEditor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/settings`);
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Node-RED did not start within ${timeoutMs} ms`);
}

function linkedUserDir(): string {
  const userDir = mkdtempSync(join(tmpdir(), "fla-nodered-"));
  mkdirSync(join(userDir, "node_modules"));
  symlinkSync(PROJECT_ROOT, join(userDir, "node_modules", "node-red-contrib-careerpro-fla"), "dir");
  writeFileSync(
    join(userDir, "package.json"),
    JSON.stringify({
      name: "fla-test-userdir",
      private: true,
      dependencies: { "node-red-contrib-careerpro-fla": "*" },
    }),
  );
  return userDir;
}

/**
 * Starts Node-RED on a free port. A port found free can be taken by another process before Node-RED binds it (tests
 * run beside other servers): then it starts again on another port, at most three times.
 */
export async function startNodeRed(options: NodeRedOptions = {}): Promise<NodeRedProcess> {
  const userDir = options.userDir ?? linkedUserDir();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(userDir, options);
    } catch (error) {
      if (attempt >= 3 || !/port in use|EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnFreePort(userDir: string, options: NodeRedOptions): Promise<NodeRedProcess> {
  const port = await freePort();
  writeFileSync(
    join(userDir, "settings.js"),
    `module.exports = {
  uiHost: "127.0.0.1",
  uiPort: ${port},
  flowFile: "flows.json",
  credentialSecret: ${JSON.stringify(options.credentialSecret ?? "fla-test-secret")},
  logging: { console: { level: "info", metrics: false, audit: false } },
  // Tests reach only 127.0.0.1: no palette catalogue download, no update check, no consent dialog over the editor.
  editorTheme: { tours: false, palette: { catalogues: [] } },
  telemetry: { enabled: false, updateNotification: false },
  ${options.extraSettings ?? ""}
};
`,
  );
  let output = "";
  const redScript = options.redScript ?? join(PROJECT_ROOT, "node_modules", "node-red", "red.js");
  const child = spawn(options.nodeBinary ?? process.execPath, [redScript, "--userDir", userDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForEditor(url, child, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return {
    url,
    userDir,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
    kill: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGKILL");
      }),
  };
}
