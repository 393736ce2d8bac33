/**
 * A separate process that runs an export, for the test that kills it with SIGKILL. Reads its settings (simulator URLs,
 * registered client, key pair, export options) from the JSON file named by its first argument; prints one line per page.
 */
import { promises as fs } from "node:fs";
import { runExport, type ExportOptions } from "../../src/core/export";
import type { RegisteredClient } from "../../src/simulator";
import { connect } from "./apiSimulatorSetup";

interface ChildSettings {
  sim: { tokenUrl: string; apiUrl: string };
  client: RegisteredClient;
  keys: { certificatePem: string; privateKeyPem: string };
  options: ExportOptions;
  /** ExportDeps.progressSaveMs (undefined: the default). */
  progressSaveMs?: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(await fs.readFile(process.argv[2], "utf8")) as ChildSettings;
  const { client } = connect(settings.sim, settings.client, settings.keys);
  await runExport(settings.options, {
    client,
    packageId: "node-red-contrib-careerpro-fla@test",
    progressSaveMs: settings.progressSaveMs,
    onProgress: (p) => process.stdout.write(`${p.collection} ${p.page} ${p.written}\n`),
  });
  client.destroy();
  process.stdout.write("done\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
