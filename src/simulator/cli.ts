/** `fla-simulator`: starts the local FLA simulator from the command line, prints its URLs, stops on SIGINT/SIGTERM. */
import { USAGE, parseCliArguments, type CliConfig } from "./cliOptions";
import { SEED, startSimulator } from "./index";

async function main(): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCliArguments(process.argv.slice(2));
  } catch (err) {
    console.error(`fla-simulator: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  const simulator = await startSimulator(config.options);
  if (config.client) simulator.registerClient(config.client);
  for (const fault of config.faults) simulator.faults.add(fault);

  console.log(`FLA simulator listening on ${simulator.url} (${Date.now() - started} ms)`);
  console.log(`  token URL (and assertion audience): ${simulator.tokenUrl}`);
  console.log(`  API URL:                            ${simulator.apiUrl}`);
  if (config.client)
    console.log(
      `  registered client: ${config.client.clientId} (${config.client.role}, ${config.client.enterpriseNumber})`,
    );
  else console.log("  no client registered: pass --certificate cert.pem [--client-id ID --role employer|provider]");
  console.log(
    `  demo employer ${SEED.demoEmployer}, demo worker ${SEED.demoWorker}, provider ${SEED.provider} (mandates: ${SEED.employersWithMandate.join(", ")})`,
  );
  console.log(
    `  declarations: ${config.options.asyncDeclarations ? "asynchronous (202)" : "synchronous (201/200)"}; data: ${config.options.seed === false ? "demo identifiers only" : `${simulator.data.employers.size} employers, ${simulator.data.workers.size} workers, ${simulator.data.trainings.size} trainings, ${simulator.data.rights.size} rights${config.options.scale ? " (scaled)" : ""}`}; today ${simulator.today}`,
  );
  if (config.options.scale) {
    const employers = [...simulator.data.employers.keys()];
    const mandated = employers.filter((e) => simulator.data.hasMandate(SEED.provider, e));
    const without = employers.filter((e) => !simulator.data.hasMandate(SEED.provider, e));
    console.log(
      `  scaled: provider ${SEED.provider} has mandates for ${mandated.length} of ${employers.length} employers; not for ${without.slice(0, 3).join(", ")}${without.length > 3 ? ", ..." : ""}`,
    );
  }
  for (const fault of simulator.faults.list()) console.log(`  fault #${fault.id}: ${JSON.stringify(fault)}`);

  const stop = (signal: string): void => {
    console.log(`${signal}: stopping the FLA simulator`);
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: Error) => {
  console.error(`fla-simulator: ${err.message}`);
  process.exit(1);
});
