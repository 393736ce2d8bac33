/**
 * `npm start`: a working demo without a certificate of your own. Starts the local FLA simulator (in this process) and
 * Node-RED 4.1 (a child process) on a user directory inside the project, registers a demo client, deploys a demo flow on
 * the first start, prints what to click. Ctrl-C, or SIGTERM (docker stop, systemd), stops both.
 * Host, ports and user directory come from the environment (scripts/demo/environment.ts).
 */
import { LOCAL_SIMULATOR_PORT } from "../src/core/settings";
import { SEED, startSimulator, type Simulator } from "../src/simulator";
import { demoEnvironment, listensBeyondThisMachine } from "./demo/environment";
import { DEMO_IDS, pointDemoConfigAt } from "./demo/flow";
import { deployFlows, startNodeRedChild, waitForNodeRed, type NodeRedChild } from "./demo/nodeRed";
import { demoPaths, type DemoPaths } from "./demo/paths";
import { prepareDemo } from "./demo/setup";
import { NODE_RED_PORT } from "./demo/settings";

export interface DemoOptions {
  paths?: DemoPaths;
  nodeRedPort?: number;
  /** The address Node-RED listens on (FLA_DEMO_HOST); default: what the user directory's settings.js says. */
  nodeRedHost?: string;
  simulatorPort?: number;
  /** Keep Node-RED's log in `nodeRed.output()` instead of printing it (tests). */
  quiet?: boolean;
}

export interface RunningDemo {
  url: string;
  simulator: Simulator;
  nodeRed: NodeRedChild;
  stop(): Promise<void>;
}

function banner(
  url: string,
  simulator: Simulator,
  firstStart: boolean,
  userDir: string,
  host: string | undefined,
): string {
  const line = "─".repeat(72);
  const exposed = listensBeyondThisMachine(host)
    ? [
        `  Listening on ${host}: other machines reach the editor on this machine's address, port ${new URL(url).port}.`,
        "  The demo editor has no login: before you expose it beyond a network you trust, set adminAuth",
        `  in ${userDir}/settings.js (https://nodered.org/docs/user-guide/runtime/securing-node-red).`,
      ]
    : [];
  return [
    "",
    line,
    "  CareerPro FLA for Node-RED: demo running",
    "",
    `  Editor     ${url}   (tab "FLA demo")`,
    ...exposed,
    `  Simulator  ${simulator.url}   (${simulator.port === LOCAL_SIMULATOR_PORT ? 'the "local" environment' : "FLA_SIMULATOR_PORT"}, demo client registered)`,
    "",
    "  1. Open the editor and the debug sidebar (the bug icon top right, or Ctrl-G D).",
    '  2. Click the button left of "1. A valid training (accepted)": it appears under "accepted".',
    '  3. Click "2. A bad SSIN" and "3. Another employer\'s worker": their anomalies appear under "anomalies".',
    '  4. Click "4. Trainings of the demo worker" and "5. Training credit 2025" to read the data back.',
    "  More flows: menu > Import > Examples > node-red-contrib-careerpro-fla.",
    "",
    firstStart
      ? `  Demo flow deployed; your changes are kept in ${userDir}.`
      : `  Your flows in ${userDir} are kept as they are.`,
    "  The simulator forgets its declarations when the demo stops. Stop: Ctrl-C (or SIGTERM).",
    line,
    "",
  ].join("\n");
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo & { firstStart: boolean }> {
  const paths = options.paths ?? demoPaths();
  const setup = prepareDemo(paths);

  let simulator: Simulator;
  const simulatorPort = options.simulatorPort ?? LOCAL_SIMULATOR_PORT;
  try {
    simulator = await startSimulator({ port: simulatorPort, host: "127.0.0.1" });
  } catch (err) {
    const inUse = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw new Error(
      inUse
        ? `Port ${simulatorPort} is in use: stop the other FLA simulator (or whatever listens there) and start again.`
        : `The simulator could not start: ${(err as Error).message}`,
    );
  }
  // The simulator keeps nothing between starts: register the demo client every time.
  simulator.registerClient({
    clientId: setup.clientId,
    certificatePem: setup.certificate.certificatePem,
    role: "employer",
    enterpriseNumber: SEED.demoEmployer,
  });
  // The same demo certificate as an authorized representative, for the example that exports a list of client employers.
  simulator.registerClient({
    clientId: SEED.clientIds.provider,
    certificatePem: setup.certificate.certificatePem,
    role: "provider",
    enterpriseNumber: SEED.provider,
  });

  // The "local" environment looks for the simulator on port 3010: elsewhere, the demo config names its URLs.
  const demoFlow =
    simulator.port === LOCAL_SIMULATOR_PORT ? setup.demoFlow : pointDemoConfigAt(setup.demoFlow, simulator);

  const nodeRed = startNodeRedChild(paths, options.nodeRedHost, options.nodeRedPort ?? NODE_RED_PORT, options.quiet);
  const stop = async (): Promise<void> => {
    await nodeRed.stop();
    await simulator.stop();
  };
  try {
    await waitForNodeRed(nodeRed);
    if (setup.firstStart) await deployFlows(nodeRed.url, demoFlow);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: nodeRed.url, simulator, nodeRed, stop, firstStart: setup.firstStart };
}

async function main(): Promise<void> {
  const env = demoEnvironment();
  const paths = demoPaths(env.userDir);
  const demo = await startDemo({
    paths,
    nodeRedHost: env.host,
    nodeRedPort: env.port,
    simulatorPort: env.simulatorPort,
  });
  process.stdout.write(banner(demo.url, demo.simulator, demo.firstStart, paths.userDir, env.host) + "\n");

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping Node-RED and the simulator...\n`);
    demo.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Could not stop cleanly: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGHUP", () => shutdown("SIGHUP"));
  // `npm start` runs this through a shell. SIGTERM to npm (docker stop, systemd, kill) reaches that shell alone, which
  // exits without passing it on: this process is then left to init. Noticing the new parent stops everything as SIGTERM does.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown("SIGTERM (npm stopped)");
  }, 500).unref();
  // Node-RED stopped on its own (a crash, or a Ctrl-C that reached it first): stop the simulator too.
  void demo.nodeRed.exited.then((code) => {
    if (stopping) return;
    stopping = true;
    void demo.simulator.stop().then(() => process.exit(typeof code === "number" ? code : 0));
  });
}

export { DEMO_IDS };

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm start failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
