/**
 * `npm start`: a working demo without a certificate of your own. Starts the local FLA simulator (in this process) and
 * Node-RED 4.1 (a child process) on a user directory inside the project, registers a demo client, deploys a demo flow on
 * the first start, prints what to click. Ctrl-C stops both.
 */
import { LOCAL_SIMULATOR_PORT } from "../src/core/settings";
import { SEED, startSimulator, type Simulator } from "../src/simulator";
import { DEMO_IDS } from "./demo/flow";
import { deployFlows, startNodeRedChild, waitForNodeRed, type NodeRedChild } from "./demo/nodeRed";
import { demoPaths, type DemoPaths } from "./demo/paths";
import { prepareDemo } from "./demo/setup";
import { NODE_RED_HOST, NODE_RED_PORT } from "./demo/settings";

export interface DemoOptions {
  paths?: DemoPaths;
  nodeRedPort?: number;
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

function banner(url: string, simulator: Simulator, firstStart: boolean, userDir: string): string {
  const line = "─".repeat(72);
  return [
    "",
    line,
    "  CareerPro FLA for Node-RED: demo running",
    "",
    `  Editor     ${url}   (tab "FLA demo")`,
    `  Simulator  ${simulator.url}   (the "local" environment, demo client registered)`,
    "",
    "  1. Open the editor and the debug sidebar (the bug icon top right, or Ctrl-G D).",
    "  2. Click the button left of \"1. A valid training (accepted)\": it appears under \"accepted\".",
    "  3. Click \"2. A bad SSIN\" and \"3. Another employer's worker\": their anomalies appear under \"anomalies\".",
    "  4. Click \"4. Trainings of the demo worker\" and \"5. Training credit 2025\" to read the data back.",
    "  More flows: menu > Import > Examples > node-red-contrib-careerpro-fla.",
    "",
    firstStart ? `  Demo flow deployed; your changes are kept in ${userDir}.` : `  Your flows in ${userDir} are kept as they are.`,
    "  The simulator forgets its declarations when the demo stops. Stop: Ctrl-C.",
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
    throw new Error(inUse ? `Port ${simulatorPort} is in use: stop the other FLA simulator (or whatever listens there) and start again.` : `The simulator could not start: ${(err as Error).message}`);
  }
  // The simulator keeps nothing between starts: register the demo client every time.
  simulator.registerClient({ clientId: setup.clientId, certificatePem: setup.certificate.certificatePem, role: "employer", enterpriseNumber: SEED.demoEmployer });
  // The same demo certificate as an authorized representative, for the example that exports a list of client employers.
  simulator.registerClient({ clientId: SEED.clientIds.provider, certificatePem: setup.certificate.certificatePem, role: "provider", enterpriseNumber: SEED.provider });

  const nodeRed = startNodeRedChild(paths, NODE_RED_HOST, options.nodeRedPort ?? NODE_RED_PORT, options.quiet);
  const stop = async (): Promise<void> => {
    await nodeRed.stop();
    await simulator.stop();
  };
  try {
    await waitForNodeRed(nodeRed);
    if (setup.firstStart) await deployFlows(nodeRed.url, setup.demoFlow);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: nodeRed.url, simulator, nodeRed, stop, firstStart: setup.firstStart };
}

async function main(): Promise<void> {
  const paths = demoPaths();
  const demo = await startDemo({ paths });
  process.stdout.write(banner(demo.url, demo.simulator, demo.firstStart, paths.userDir) + "\n");

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
