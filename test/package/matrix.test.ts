/**
 * The compatibility matrix: the packed tarball, installed into a fresh user directory, on every Node-RED a user may run
 * (3.1 on Node 18, 4.1 on Node 20, 5.0 on Node 22 and 24). Each one must load every node of package.json, serve the
 * editor's files, and declare a training through a deployed flow against the simulator.
 *
 * It downloads Node.js binaries and Node-RED releases from the npm registry (once; they are cached, see
 * test/support/matrix.ts) and takes minutes, so it runs in CI (`.ci/run` sets CI=true) or with FLA_MATRIX=1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import {
  MATRIX,
  matrixEnabled,
  nodeBinary,
  nodeRedRelease,
  packProject,
  runNode,
  userDirWithTarball,
  type NodeBinary,
  type NodeRedRelease,
  type PackedProject,
} from "../support/matrix";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { simulatorConfigNode } from "../support/processFlow";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { WARNING_STATUS } from "../support/statusTexts";
import { waitUntil } from "../load/support";

const PACKAGE = "node-red-contrib-careerpro-fla";
const SKIP_REASON =
  "the compatibility matrix (Node-RED 3.1 to 5.0 on Node 18 to 24) runs in CI only: set CI=true or FLA_MATRIX=1 to run it here";

interface NodeSet {
  id: string;
  module: string;
  types: string[];
  enabled: boolean;
  err?: unknown;
}

/**
 * POST /fla-matrix/declare → FLA declare → the outcome (success, anomaly or failure) as the HTTP answer. No id equals
 * another property's value: Node-RED 5 takes such a property for a dependency on that node (a node named like its own
 * id fails to start: "Circular config node dependency").
 */
function declaringFlow(sim: TestSimulator, certs: TestCertificates): Array<Record<string, unknown>> {
  const answer = (id: string, status: number): Record<string, unknown> => ({
    id,
    type: "change",
    z: "tab",
    rules: [
      { t: "set", p: "statusCode", pt: "msg", to: String(status), tot: "num" },
      { t: "set", p: "payload", pt: "msg", to: id === "m-failed" ? "error" : "fla", tot: "msg" },
    ],
    wires: [["m-response"]],
  });
  return [
    { id: "tab", type: "tab", label: "matrix" },
    simulatorConfigNode("m-cfg", sim, certs, { name: "matrix simulator", timeout: 10 }),
    {
      id: "m-in",
      type: "http in",
      z: "tab",
      url: "/fla-matrix/declare",
      method: "post",
      upload: false,
      swaggerDoc: "",
      wires: [["m-declare"]],
    },
    {
      id: "m-declare",
      type: "fla-declare",
      z: "tab",
      name: "FLA declare",
      config: "m-cfg",
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 10,
      wires: [["m-accepted"], ["m-refused"]],
    },
    { id: "m-catch", type: "catch", z: "tab", scope: ["m-declare"], uncaught: false, wires: [["m-failed"]] },
    answer("m-accepted", 200),
    answer("m-refused", 422),
    answer("m-failed", 502),
    { id: "m-response", type: "http response", z: "tab", statusCode: "", headers: {}, wires: [] },
  ];
}

describe("compatibility matrix: the packed tarball on Node-RED 3.1 (Node 18), 4.1 (Node 20), 5.0 (Node 22, 24)", function () {
  this.timeout(20 * 60_000);

  let workDir: string;
  let packed: PackedProject;
  let certs: TestCertificates;
  let sim: TestSimulator;

  before(async function () {
    if (!matrixEnabled()) {
      // Printed so that a local run says why these tests are pending instead of passing them in silence.
      console.warn(`      skipped: ${SKIP_REASON}`);
      this.skip();
    }
    workDir = mkdtempSync(join(tmpdir(), "fla-matrix-"));
    packed = await packProject(workDir);
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem);
  });

  after(async function () {
    await sim?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  for (const target of MATRIX) {
    describe(`Node-RED ${target.nodeRed} on Node.js ${target.nodeMajor}`, function () {
      let red: NodeRedProcess | undefined;
      let versions = "";
      let node: NodeBinary;
      let nodeRed: NodeRedRelease;
      let userDir: string;

      before(async function () {
        [node, nodeRed] = await Promise.all([nodeBinary(target.nodeMajor), nodeRedRelease(target.nodeRed)]);
        versions = `Node-RED ${nodeRed.version} on Node.js ${node.version}`;
        userDir = await userDirWithTarball(workDir, packed.tarball);
        red = await startNodeRed({
          userDir,
          nodeBinary: node.path,
          redScript: nodeRed.redScript,
          startTimeoutMs: 120_000,
        });
        const settings = (await (await fetch(`${red.url}/settings`)).json()) as { version: string };
        assert.equal(settings.version, nodeRed.version, "the Node-RED answering is the one installed for this cell");
      });

      after(async function () {
        await red?.stop();
      });

      it(`loads every node of package.json from the installed tarball`, async function () {
        const res = await fetch(`${red!.url}/nodes`, { headers: { Accept: "application/json" } });
        assert.equal(res.status, 200);
        const sets = ((await res.json()) as NodeSet[]).filter((s) => s.module === PACKAGE);
        assert.deepEqual(sets.flatMap((s) => s.types).sort(), packed.nodeTypes, `${versions}: ${JSON.stringify(sets)}`);
        for (const set of sets) {
          assert.equal(
            set.err,
            undefined,
            `${versions}: ${set.id} failed to load: ${String(set.err)}\n${red!.output()}`,
          );
          assert.equal(set.enabled, true, `${versions}: ${set.id} is enabled`);
        }
      });

      it("serves the editor's files: node definitions, the config dialog's template, the French catalogues, the icons", async function () {
        const html = await (await fetch(`${red!.url}/nodes`, { headers: { Accept: "text/html" } })).text();
        for (const type of packed.nodeTypes)
          assert.match(
            html,
            new RegExp(`registerType\\(\\s*["']${type}["']`),
            `${versions}: the editor receives ${type}'s definition`,
          );
        assert.match(html, /data-template-name="fla-config"/, `${versions}: the config dialog's template`);
        for (const type of packed.nodeTypes) {
          const script: Response = await fetch(`${red!.url}/resources/${PACKAGE}/${type}.js`);
          assert.equal(script.status, 200, `${versions}: resources/${PACKAGE}/${type}.js`);
          assert.match(await script.text(), /RED\.nodes\.registerType\(type/, `${versions}: ${type}'s dialog script`);
        }
        // The editor receives the runtime's contract as exportable node settings.
        const editorSettings = (await (await fetch(`${red!.url}/settings`)).json()) as Record<string, unknown>;
        assert.ok(
          editorSettings.flaConfigContract && editorSettings.flaQueryContract,
          `${versions}: the node settings flaConfigContract and flaQueryContract`,
        );

        // What the editor loads for a French browser: every module's catalogue in one answer.
        const catalogues = (await (await fetch(`${red!.url}/nodes/messages?lng=fr`)).json()) as Record<
          string,
          Record<string, unknown>
        >;
        for (const type of packed.nodeTypes) {
          const catalogue = catalogues[`${PACKAGE}/${type}`];
          assert.ok(
            catalogue?.[type],
            `${versions}: the French catalogue of ${type}: ${Object.keys(catalogues)
              .filter((k) => k.startsWith(PACKAGE))
              .join(", ")}`,
          );
        }
        const french = (await (await fetch(`${red!.url}/locales/${PACKAGE}/fla-declare?lng=fr`)).json()) as Record<
          string,
          unknown
        >;
        assert.ok(french["fla-declare"], `${versions}: /locales serves the French catalogue`);

        for (const type of packed.nodeTypes) {
          const icon = await fetch(`${red!.url}/icons/${PACKAGE}/${type}.svg`);
          assert.equal(icon.status, 200, `${versions}: ${type}.svg`);
          assert.match(await icon.text(), /<svg/, `${versions}: ${type}.svg is our icon`);
        }
      });

      it("says 1 warning and 2 warnings in en-US, fr and nl with this Node-RED's i18n (its i18next and catalogue format)", async function () {
        // Node-RED 3.1 runs i18next 21 in its v3 JSON mode, 4.1 and 5.0 i18next 25, which they feed converted catalogues.
        const script = `
          const { i18n } = require(require.resolve("@node-red/util", { paths: [process.argv[1]] }));
          i18n.init({});
          (async () => {
            await i18n.registerMessageCatalog("matrix/fla-declare", process.argv[2], "fla-declare.json");
            await i18n.i.loadLanguages(${JSON.stringify(Object.keys(WARNING_STATUS))});
            const texts = {};
            for (const lng of ${JSON.stringify(Object.keys(WARNING_STATUS))}) {
              texts[lng] = [1, 2].map((count) => i18n._("matrix/fla-declare:fla-declare.status.warnings", { count, lng }));
            }
            process.stdout.write(JSON.stringify(texts));
          })();`;
        const locales = join(userDir, "node_modules", PACKAGE, "nodes", "locales");
        const texts = JSON.parse(
          await runNode(node.path, ["-e", script, join(nodeRed.redScript, ".."), locales]),
        ) as Record<string, string[]>;
        assert.deepEqual(texts, WARNING_STATUS, versions);
      });

      it("declares one training against the simulator through a deployed flow", async function () {
        const starts = (): number => (red!.output().match(/\[info\] Started flows/g) ?? []).length;
        const startedBefore = starts();
        const deployed = await fetch(`${red!.url}/flows`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
          body: JSON.stringify(declaringFlow(sim, certs)),
        });
        assert.equal(deployed.status, 204, `${versions}: deploy: ${await deployed.text()}`);
        // Node-RED answers the deploy before it starts the new flows.
        await waitUntil(
          () => starts() > startedBefore,
          60_000,
          `${versions}: the deployed flows to start\n${red!.output()}`,
        );

        const externalReference = `MATRIX-${target.nodeRed}-NODE${target.nodeMajor}`;
        const training = {
          employer: { enterpriseNumber: SEED.demoEmployer },
          worker: { ssin: SEED.demoWorker },
          externalReference,
          title: `Compatibility ${versions}`,
          period: { startDate: "2025-03-04", endDate: "2025-03-04" },
          nature: "FORMAL",
          duration: { value: 2, unit: "HOURS" },
        };
        const res = await fetch(`${red!.url}/fla-matrix/declare`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(training),
          signal: AbortSignal.timeout(60_000),
        }).catch((err: unknown) => {
          throw new Error(`${versions}: no answer to the declaration: ${(err as Error).message}\n${red!.output()}`);
        });
        const body = await res.text();
        assert.equal(res.status, 200, `${versions}: the declaration: ${body}\n${red!.output()}`);
        const fla = JSON.parse(body) as { status: string; trainingId?: string };
        assert.equal(fla.status, "ACCEPTED", body);
        const stored = sim.data.trainings.get(fla.trainingId!);
        assert.equal(stored?.externalReference, externalReference, `${versions}: the simulator holds the training`);
        assert.doesNotMatch(
          red!.output(),
          /\[(warn|error)\].*(careerpro|fla-)/i,
          `${versions}: Node-RED logged a warning or an error about the package`,
        );
      });
    });
  }
});
