/** Everything `npm start` prepares on disk before Node-RED starts; idempotent, never overwrites the user's files. */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureDemoCertificate, type DemoCertificate } from "./certificate";
import { DEMO_CLIENT_ID, demoFlowWithCredentials, type FlowNode } from "./flow";
import { SAMPLE_CSV_NAME, type DemoPaths } from "./paths";
import { ensureCredentialSecret, ensureSettingsFile } from "./settings";

export interface DemoSetup {
  paths: DemoPaths;
  clientId: string;
  certificate: DemoCertificate;
  /** True when flows.json does not exist yet: the demo flow must be deployed once Node-RED runs. */
  firstStart: boolean;
  /** What to deploy on the first start (credentials inline); the flows of later starts are the user's. */
  demoFlow: FlowNode[];
}

export function prepareDemo(paths: DemoPaths): DemoSetup {
  mkdirSync(paths.userDir, { recursive: true });
  ensureCredentialSecret(paths);
  ensureSettingsFile(paths);
  const certificate = ensureDemoCertificate(paths);
  const sampleCsv = join(paths.projectDir, "examples", SAMPLE_CSV_NAME);
  if (!existsSync(paths.sampleCsvFile) && existsSync(sampleCsv)) copyFileSync(sampleCsv, paths.sampleCsvFile);
  return {
    paths,
    clientId: DEMO_CLIENT_ID,
    certificate: {
      pfxBase64: certificate.pfxBase64,
      passphrase: certificate.passphrase,
      certificatePem: certificate.certificatePem,
    },
    firstStart: !existsSync(paths.flowsFile),
    demoFlow: demoFlowWithCredentials({
      clientId: DEMO_CLIENT_ID,
      credentials: { pfx: certificate.pfxBase64, passphrase: certificate.passphrase },
    }),
  };
}
