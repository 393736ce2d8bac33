/** Node-RED 4.1 (the project's devDependency) as a child process on the demo user directory, and its admin API. */
import { spawn, type ChildProcess } from "node:child_process";
import { reachableHost } from "./environment";
import type { DemoPaths } from "./paths";
import type { FlowNode } from "./flow";

export interface NodeRedChild {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  /** What Node-RED printed, when started with `quiet` (otherwise it goes to this process's output). */
  output(): string;
  /** Asks Node-RED to stop (it stops its flows, then exits); kills it if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `listenHost` overrides the settings file's uiHost (FLA_DEMO_HOST); without it the user's settings.js decides, and the
 * demo reaches Node-RED on 127.0.0.1 (what the written settings.js says).
 */
export function startNodeRedChild(
  paths: DemoPaths,
  listenHost: string | undefined,
  port: number,
  quiet = false,
): NodeRedChild {
  const redJs = require.resolve("node-red/red.js", { paths: [paths.projectDir] });
  const args = [redJs, "--userDir", paths.userDir, "--settings", paths.settingsFile, "--port", String(port)];
  if (listenHost !== undefined) args.push("--define", `uiHost=${listenHost}`);
  const child = spawn(process.execPath, args, {
    cwd: paths.userDir,
    stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: "false" },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? 0));
    child.once("error", () => resolve(1));
  });
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { url: `http://${reachableHost(listenHost)}:${port}`, child, exited, stop, output: () => output };
}

/** Waits until the admin API answers, or fails when the process exits first (e.g. the port is taken). */
export async function waitForNodeRed(nodeRed: NodeRedChild, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void nodeRed.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`Node-RED stopped during its start (exit ${exitCode}): see its log above.`);
    try {
      const res = await fetch(`${nodeRed.url}/settings`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Node-RED did not answer on ${nodeRed.url} within ${timeoutMs / 1000} s.`);
}

/**
 * Deploys flows through the admin API (a full deploy). Credentials given inline in a node (`credentials: {...}`) are
 * moved by Node-RED into flows_cred.json, encrypted with the user directory's credential secret.
 */
export async function deployFlows(url: string, flows: FlowNode[]): Promise<void> {
  const res = await fetch(`${url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(flows),
  });
  if (!res.ok)
    throw new Error(`Node-RED refused the demo flow (HTTP ${res.status}): ${(await res.text()).slice(0, 300)}`);
}
