/**
 * What `npm start` reads from the environment, so that it runs on a server or in a container as well as on a laptop:
 * FLA_DEMO_HOST and FLA_DEMO_PORT (where the Node-RED editor listens), FLA_SIMULATOR_PORT (the local simulator) and
 * FLA_DEMO_USER_DIR (the Node-RED user directory, e.g. a volume). Unset or empty variables keep the defaults.
 */
import { resolve } from "node:path";
import { LOCAL_SIMULATOR_PORT } from "../../src/core/settings";
import { NODE_RED_PORT } from "./settings";

export interface DemoEnvironment {
  /** The address Node-RED listens on; undefined: the user directory's settings.js decides (127.0.0.1 as written). */
  host?: string;
  port: number;
  simulatorPort: number;
  /** Absolute; undefined: `.node-red` in the project. */
  userDir?: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65535)
    throw new Error(`${name}=${raw} is not a port: give a whole number from 1 to 65535.`);
  return value;
}

export function demoEnvironment(env: NodeJS.ProcessEnv = process.env): DemoEnvironment {
  const host = env.FLA_DEMO_HOST?.trim() || undefined;
  if (host !== undefined && !/^[\w.:-]+$/.test(host))
    throw new Error(
      `FLA_DEMO_HOST=${host} is not a host name or an IP address (e.g. 0.0.0.0 to listen on every interface).`,
    );
  const userDir = env.FLA_DEMO_USER_DIR?.trim();
  return {
    host,
    port: port(env, "FLA_DEMO_PORT", NODE_RED_PORT),
    simulatorPort: port(env, "FLA_SIMULATOR_PORT", LOCAL_SIMULATOR_PORT),
    userDir: userDir ? resolve(userDir) : undefined,
  };
}

/** True when the editor answers other machines too: the demo has no login, so the banner warns. */
export function listensBeyondThisMachine(host: string | undefined): boolean {
  return host !== undefined && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host);
}

/** The address this process uses to reach Node-RED: loopback when it listens on every interface. */
export function reachableHost(host: string | undefined): string {
  if (host === undefined || host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
