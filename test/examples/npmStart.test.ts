/**
 * `npm start` on a server or in a container: host, ports and user directory from the environment, and SIGTERM to the
 * npm process (what `docker stop` and systemd send) stops Node-RED and the simulator as Ctrl-C does.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoEnvironment, listensBeyondThisMachine, reachableHost } from "../../scripts/demo/environment";
import { DEMO_IDS, type FlowNode } from "../../scripts/demo/flow";
import { freePort, PROJECT_ROOT } from "../support/nodeRedProcess";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** True when nothing listens on host:port any more (we can listen there ourselves). */
function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

async function poll(what: string, timeoutMs: number, check: () => Promise<boolean>, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm start: settings from the environment", function () {
  it("reads FLA_DEMO_HOST, FLA_DEMO_PORT, FLA_SIMULATOR_PORT and FLA_DEMO_USER_DIR, with the laptop defaults when unset", function () {
    assert.deepEqual(demoEnvironment({}), { host: undefined, port: 1880, simulatorPort: 3010, userDir: undefined });
    assert.deepEqual(
      demoEnvironment({
        FLA_DEMO_HOST: "0.0.0.0",
        FLA_DEMO_PORT: "8080",
        FLA_SIMULATOR_PORT: "3011",
        FLA_DEMO_USER_DIR: "/data",
      }),
      {
        host: "0.0.0.0",
        port: 8080,
        simulatorPort: 3011,
        userDir: "/data",
      },
    );
    assert.deepEqual(demoEnvironment({ FLA_DEMO_HOST: " ", FLA_DEMO_PORT: "" }), {
      host: undefined,
      port: 1880,
      simulatorPort: 3010,
      userDir: undefined,
    });
  });

  it("refuses a port or a host it cannot use, naming the variable", function () {
    for (const bad of ["0", "65536", "80a", "-1", "1.5"])
      assert.throws(
        () => demoEnvironment({ FLA_DEMO_PORT: bad }),
        new RegExp(`FLA_DEMO_PORT=${bad.replace(".", "\\.")} is not a port`),
      );
    assert.throws(() => demoEnvironment({ FLA_SIMULATOR_PORT: "x" }), /FLA_SIMULATOR_PORT=x is not a port/);
    assert.throws(() => demoEnvironment({ FLA_DEMO_HOST: "0.0.0.0; rm" }), /FLA_DEMO_HOST=.* is not a host name/);
  });

  it("warns only when the editor answers beyond this machine, and reaches Node-RED on loopback when it listens everywhere", function () {
    for (const host of [undefined, "127.0.0.1", "127.0.0.2", "::1", "localhost"])
      assert.equal(listensBeyondThisMachine(host), false, String(host));
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "fla.example.org"])
      assert.equal(listensBeyondThisMachine(host), true, host);
    assert.equal(reachableHost("0.0.0.0"), "127.0.0.1");
    assert.equal(reachableHost("::"), "127.0.0.1");
    assert.equal(reachableHost("::1"), "[::1]");
    assert.equal(reachableHost("127.0.0.2"), "127.0.0.2");
  });
});

describe("npm start: a real start, stopped with SIGTERM to the npm process", function () {
  this.timeout(120_000);
  // 127.0.0.2 is loopback too on Linux: the editor answering there and not on 127.0.0.1 shows FLA_DEMO_HOST was used.
  const HOST = "127.0.0.2";
  let userDir: string;
  let npmStart: ChildProcess | undefined;
  let output = "";

  before(function () {
    if (process.platform !== "linux") this.skip();
    userDir = mkdtempSync(join(tmpdir(), "fla-npm-start-"));
  });

  after(function () {
    // Whatever is left if the test failed half-way: the process group npm start made (npm, sh, node, Node-RED).
    if (npmStart?.pid) {
      try {
        process.kill(-npmStart.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it("listens where the environment says, and SIGTERM frees the editor's and the simulator's ports", async function () {
    const demoPort = await freePort();
    const simulatorPort = await freePort();
    const log = (): string => output;
    // --ignore-scripts skips `prestart` (the build: `npm test` has just built dist/, and a rebuild would rewrite
    // dist/ under the running tests); the start script itself runs, through npm and its shell as for a user.
    npmStart = spawn(NPM, ["start", "--ignore-scripts"], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        FLA_DEMO_HOST: HOST,
        FLA_DEMO_PORT: String(demoPort),
        FLA_SIMULATOR_PORT: String(simulatorPort),
        FLA_DEMO_USER_DIR: userDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that a failed test can clean up everything it started (see after()).
      detached: true,
    });
    npmStart.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    npmStart.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const npmExited = new Promise<void>((resolve) => npmStart!.once("exit", () => resolve()));

    await poll("the demo banner", 90_000, async () => /demo running/.test(output), log);
    const editor = `http://${HOST}:${demoPort}`;
    assert.equal(await answers(`${editor}/settings`), true, `the editor answers on ${HOST}\n${output}`);
    assert.equal(
      await answers(`http://127.0.0.1:${demoPort}/settings`),
      false,
      "and not on 127.0.0.1: Node-RED took FLA_DEMO_HOST",
    );
    assert.equal(await portIsFree("127.0.0.1", simulatorPort), false, "the simulator listens on FLA_SIMULATOR_PORT");
    assert.match(
      output,
      new RegExp(`Editor +http://${HOST.replace(/\./g, "\\.")}:${demoPort}`),
      "the banner gives the editor's address",
    );
    const flows = (await (await fetch(`${editor}/flows`)).json()) as FlowNode[];
    const config = flows.find((n) => n.id === DEMO_IDS.config);
    assert.equal(
      config?.apiUrl,
      `http://127.0.0.1:${simulatorPort}/REST/federalLearningAccount/v1`,
      "the demo config points at the simulator's port",
    );

    process.kill(npmStart.pid!, "SIGTERM");
    await npmExited;
    await poll("the editor's port to be free", 20_000, () => portIsFree(HOST, demoPort), log);
    await poll("the simulator's port to be free", 20_000, () => portIsFree("127.0.0.1", simulatorPort), log);
    await poll(
      "the demo's goodbye",
      5_000,
      async () => /SIGTERM.*: stopping Node-RED and the simulator/.test(output),
      log,
    );
  });
});
