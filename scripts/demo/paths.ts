/** Where `npm start` keeps its state: a Node-RED user directory inside the project, ignored by git. */
import { join, resolve } from "node:path";

export interface DemoPaths {
  projectDir: string;
  userDir: string;
  settingsFile: string;
  flowsFile: string;
  credentialSecretFile: string;
  /** The demo client's certificate: the .pfx, its password and the public certificate registered in the simulator. */
  certificateDir: string;
  pfxFile: string;
  passphraseFile: string;
  certificatePemFile: string;
  /** The sample CSV of the "Declare trainings from a CSV file" example, copied where that example looks for it. */
  sampleCsvFile: string;
}

/** From dist/scripts/demo/ (compiled) the project is three folders up. */
export const PROJECT_DIR = resolve(__dirname, "..", "..", "..");

export const SAMPLE_CSV_NAME = "fla-trainings.csv";

export function demoPaths(userDir = join(PROJECT_DIR, ".node-red"), projectDir = PROJECT_DIR): DemoPaths {
  const certificateDir = join(userDir, "fla-demo");
  return {
    projectDir,
    userDir,
    settingsFile: join(userDir, "settings.js"),
    flowsFile: join(userDir, "flows.json"),
    credentialSecretFile: join(userDir, ".credential-secret"),
    certificateDir,
    pfxFile: join(certificateDir, "demo-client.p12"),
    passphraseFile: join(certificateDir, "demo-client.passphrase"),
    certificatePemFile: join(certificateDir, "demo-client.cer.pem"),
    sampleCsvFile: join(userDir, SAMPLE_CSV_NAME),
  };
}
