/**
 * The Node-RED settings of the demo user directory, written on first start and then left to the user. The credential
 * secret is random, made on first start and kept in the user directory, so the credentials stay readable across starts.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { DemoPaths } from "./paths";

export const NODE_RED_HOST = "127.0.0.1";
export const NODE_RED_PORT = 1880;

/** `projectFromUserDir`: the project as a path relative to the user directory ("..": the user directory is <project>/.node-red). */
export function settingsSource(projectFromUserDir = ".."): string {
  return `// Node-RED settings of the \`npm start\` demo, written on its first start (scripts/start.ts). Yours to edit: later
// starts never overwrite this file. Delete the whole .node-red folder to start the demo afresh.
const fs = require("fs");
const path = require("path");

module.exports = {
  uiHost: "${NODE_RED_HOST}",
  uiPort: ${NODE_RED_PORT},
  flowFile: "flows.json",
  flowFilePretty: true,
  // Random, made on the first start; it encrypts flows_cred.json (the demo certificate and its password).
  credentialSecret: fs.readFileSync(path.join(__dirname, ".credential-secret"), "utf8").trim(),
  // The project itself, loaded as the module node-red-contrib-careerpro-fla (its nodes and Import > Examples).
  nodesDir: [path.resolve(__dirname, ${JSON.stringify(projectFromUserDir)})],
  // Relative file names in File nodes (the examples' CSV and export files) are read and written here.
  fileWorkingDirectory: __dirname,
  editorTheme: {
    projects: { enabled: false },
    tours: false,
  },
  // No call home: the demo talks to 127.0.0.1 only.
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
`;
}

export function ensureCredentialSecret(paths: DemoPaths): string {
  if (!existsSync(paths.credentialSecretFile)) {
    mkdirSync(paths.userDir, { recursive: true });
    writeFileSync(paths.credentialSecretFile, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
  }
  return readFileSync(paths.credentialSecretFile, "utf8").trim();
}

/** Writes settings.js unless it exists; returns true when it was written. */
export function ensureSettingsFile(paths: DemoPaths): boolean {
  if (existsSync(paths.settingsFile)) return false;
  mkdirSync(paths.userDir, { recursive: true });
  writeFileSync(paths.settingsFile, settingsSource(relative(paths.userDir, paths.projectDir) || "."));
  return true;
}
