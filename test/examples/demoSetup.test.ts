/** `npm start`'s setup: the user directory it prepares, the demo flow run against a simulator, and a real start. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCertificate } from "../../src/core/certificate";
import { SEED, type Simulator } from "../../src/simulator";
import { DEMO_CLIENT_ID, DEMO_IDS, INVALID_SSIN, buildDemoFlow } from "../../scripts/demo/flow";
import { demoPaths, type DemoPaths } from "../../scripts/demo/paths";
import { prepareDemo, type DemoSetup } from "../../scripts/demo/setup";
import { startDemo } from "../../scripts/start";
import { freePort } from "../support/nodeRedProcess";
import { click, collect, loadDemoFlow, PROJECT_DIR, unloadDemoFlow, type FlowNode } from "./flowRuntime";

interface Fla {
  status?: string;
  trainingId?: string;
  anomalies: Array<{ code: string; source?: string }>;
}

const loadFresh = createRequire(__filename);

describe("npm start: the demo setup", function () {
  let root: string;
  let paths: DemoPaths;
  let setup: DemoSetup;

  before(function () {
    root = mkdtempSync(join(tmpdir(), "fla-demo-"));
    paths = demoPaths(join(root, ".node-red"), PROJECT_DIR);
    setup = prepareDemo(paths);
  });

  after(function () {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("writes a settings file for 127.0.0.1:1880 that loads the project as a module, with a random credential secret", function () {
    const settings = loadFresh(paths.settingsFile) as Record<string, unknown>;
    assert.equal(settings.uiHost, "127.0.0.1");
    assert.equal(settings.uiPort, 1880);
    assert.equal(settings.flowFile, "flows.json");
    assert.deepEqual(settings.nodesDir, [PROJECT_DIR]);
    assert.equal(settings.fileWorkingDirectory, paths.userDir);
    assert.match(String(settings.credentialSecret), /^[0-9a-f]{64}$/);
    assert.ok(
      !readFileSync(paths.settingsFile, "utf8").includes(String(settings.credentialSecret)),
      "the secret is read from its own file",
    );
    assert.equal(statSync(paths.credentialSecretFile).mode & 0o077, 0, "the secret file is private");
    const other = demoPaths(join(root, "other", ".node-red"), PROJECT_DIR);
    prepareDemo(other);
    assert.notEqual(
      readFileSync(other.credentialSecretFile, "utf8"),
      readFileSync(paths.credentialSecretFile, "utf8"),
      "each user directory has its own secret",
    );
  });

  it("makes a password-protected demo .pfx that the fla-config node can load", function () {
    assert.ok(setup.certificate.passphrase.length >= 12);
    const loaded = loadCertificate({
      format: "pfx",
      pfx: setup.certificate.pfxBase64,
      passphrase: setup.certificate.passphrase,
    });
    assert.ok(loaded);
    assert.throws(() =>
      loadCertificate({ format: "pfx", pfx: setup.certificate.pfxBase64, passphrase: "not the password" }),
    );
    assert.equal(statSync(paths.pfxFile).mode & 0o077, 0);
    assert.equal(statSync(paths.passphraseFile).mode & 0o077, 0);
    assert.match(setup.certificate.certificatePem, /^-----BEGIN CERTIFICATE-----/);
  });

  it("keeps the certificate, the secret and the user's settings on a second start; the demo flow is deployed only while flows.json is missing", function () {
    assert.equal(setup.firstStart, true);
    const edited = readFileSync(paths.settingsFile, "utf8") + "\n// edited by the user\n";
    writeFileSync(paths.settingsFile, edited);
    const secret = readFileSync(paths.credentialSecretFile, "utf8");
    writeFileSync(paths.flowsFile, "[]");
    const again = prepareDemo(paths);
    assert.equal(again.firstStart, false);
    assert.equal(again.certificate.pfxBase64, setup.certificate.pfxBase64);
    assert.equal(again.certificate.passphrase, setup.certificate.passphrase);
    assert.equal(readFileSync(paths.settingsFile, "utf8"), edited);
    assert.equal(readFileSync(paths.credentialSecretFile, "utf8"), secret);
    assert.equal(readFileSync(paths.flowsFile, "utf8"), "[]");
    rmSync(paths.flowsFile);
  });

  it("copies the sample CSV of the CSV example where that example reads it", function () {
    assert.equal(
      readFileSync(paths.sampleCsvFile, "utf8"),
      readFileSync(join(PROJECT_DIR, "examples", "fla-trainings.csv"), "utf8"),
    );
  });

  it("builds a demo flow whose only secrets are the config node's credentials", function () {
    const config = setup.demoFlow.find((n) => n.id === DEMO_IDS.config)!;
    assert.deepEqual(config.credentials, {
      pfx: setup.certificate.pfxBase64,
      passphrase: setup.certificate.passphrase,
    });
    assert.equal(config.environment, "local");
    assert.equal(config.clientId, DEMO_CLIENT_ID);
    const withoutCredentials = JSON.stringify(buildDemoFlow());
    assert.ok(!withoutCredentials.includes(setup.certificate.passphrase));
    assert.ok(!withoutCredentials.includes(setup.certificate.pfxBase64.slice(0, 40)));
  });

  describe("the demo flow against a simulator", function () {
    let simulator: Simulator;

    before(async function () {
      simulator = await loadDemoFlow(setup);
    });

    after(async function () {
      await unloadDemoFlow(simulator);
    });

    it("1. declares the valid training: accepted", async function () {
      const accepted = collect(DEMO_IDS.debugAccepted);
      click(DEMO_IDS.injectValid);
      const [msg] = await accepted.waitFor(1);
      const fla = msg.fla as Fla;
      assert.equal(fla.status, "ACCEPTED");
      assert.equal(simulator.data.trainings.get(fla.trainingId!)?.worker.ssin, SEED.demoWorker);
    });

    it("2. refuses the bad SSIN locally, without a call", async function () {
      const anomalies = collect(DEMO_IDS.debugAnomalies);
      const requests = simulator.stats.requests;
      click(DEMO_IDS.injectInvalid);
      const [msg] = await anomalies.waitFor(1);
      assert.equal((msg.payload as { worker: { ssin: string } }).worker.ssin, INVALID_SSIN);
      assert.equal((msg.fla as Fla).anomalies[0].code, "LOCAL-SSIN-CHECKSUM");
      assert.equal(simulator.stats.requests, requests);
    });

    it("3. gets the other employer's worker rejected by the simulator", async function () {
      const anomalies = collect(DEMO_IDS.debugAnomalies);
      click(DEMO_IDS.injectRejected);
      const [msg] = await anomalies.waitFor(1);
      const fla = msg.fla as Fla;
      assert.equal(fla.status, "REJECTED");
      assert.equal(fla.anomalies[0].source, "fla");
    });

    it("4. and 5. read back the trainings of the demo worker and the training credit", async function () {
      const trainings = collect(DEMO_IDS.debugTrainings);
      click(DEMO_IDS.injectTrainings);
      const [list] = await trainings.waitFor(1);
      const items = list.payload as Array<{ title: string; worker: { ssin: string } }>;
      assert.ok(items.length > 1);
      assert.ok(items.every((t) => t.worker.ssin === SEED.demoWorker));
      assert.ok(
        items.some((t) => t.title === "Forklift safety"),
        "the training declared by inject 1 is there",
      );

      const credit = collect(DEMO_IDS.debugCredit);
      click(DEMO_IDS.injectCredit);
      const [answer] = await credit.waitFor(1);
      assert.equal(typeof (answer.payload as { remaining: unknown }).remaining, "number");
    });
  });

  describe("a real start (Node-RED 4.1 child process)", function () {
    this.timeout(90_000);

    it("loads the package with its examples, deploys the demo flow with encrypted credentials, and keeps the flows on a second start", async function () {
      const userDir = join(root, "real", ".node-red");
      const realPaths = demoPaths(userDir, PROJECT_DIR);
      const port = await freePort();
      const first = await startDemo({ paths: realPaths, nodeRedPort: port, simulatorPort: 0, quiet: true });
      try {
        assert.equal(first.firstStart, true);
        const nodes = (await (
          await fetch(`${first.url}/nodes`, { headers: { Accept: "application/json" } })
        ).json()) as Array<{ module: string; types: string[]; enabled: boolean }>;
        const ours = nodes.filter((n) => n.module === "node-red-contrib-careerpro-fla");
        assert.deepEqual(ours.flatMap((n) => n.types).sort(), ["fla-config", "fla-declare", "fla-export", "fla-query"]);
        assert.ok(ours.every((n) => n.enabled));
        const examples = (await (
          await fetch(`${first.url}/library/examples/flows/node-red-contrib-careerpro-fla`)
        ).json()) as Array<{ fn?: string }>;
        assert.deepEqual(examples.map((e) => e.fn).sort(), [
          "Declare trainings from a CSV file",
          "Export everything before 1 January 2027",
          "Export everything before 1 January 2027 - client employers from a CSV file",
          "HTTP endpoint - training credit of a worker",
        ]);

        const deployed = (await (await fetch(`${first.url}/flows`)).json()) as FlowNode[];
        assert.ok(deployed.some((n) => n.id === DEMO_IDS.declare));
        const credentials = (await (
          await fetch(`${first.url}/credentials/fla-config/${DEMO_IDS.config}`)
        ).json()) as Record<string, unknown>;
        assert.equal(credentials.has_pfx, true);
        assert.equal(credentials.has_passphrase, true);
        const passphrase = readFileSync(realPaths.passphraseFile, "utf8").trim();
        assert.ok(existsSync(join(userDir, "flows_cred.json")));
        assert.ok(
          !readFileSync(join(userDir, "flows_cred.json"), "utf8").includes(passphrase),
          "flows_cred.json is encrypted",
        );
        assert.ok(!readFileSync(realPaths.flowsFile, "utf8").includes(passphrase));
      } finally {
        await first.stop();
      }
      assert.match(first.nodeRed.output(), /Started flows/);
      assert.ok(
        !first.nodeRed.output().includes(readFileSync(realPaths.passphraseFile, "utf8").trim()),
        "no secret in Node-RED's log",
      );
      assert.notEqual(first.nodeRed.child.exitCode ?? first.nodeRed.child.signalCode, null, "Node-RED has exited");

      const flowsBefore = readFileSync(realPaths.flowsFile, "utf8");
      const second = await startDemo({ paths: realPaths, nodeRedPort: port, simulatorPort: 0, quiet: true });
      try {
        assert.equal(second.firstStart, false);
        // The credentials are still readable with the secret kept in the user directory.
        const credentials = (await (
          await fetch(`${second.url}/credentials/fla-config/${DEMO_IDS.config}`)
        ).json()) as Record<string, unknown>;
        assert.equal(credentials.has_pfx, true);
      } finally {
        await second.stop();
      }
      assert.equal(readFileSync(realPaths.flowsFile, "utf8"), flowsBefore);
    });
  });
});
