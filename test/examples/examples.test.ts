/** Each example of Import > Examples, loaded into the test-helper runtime and run against a simulator on port 0. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED, type Simulator } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, TEST_EMPLOYER_CLIENT_ID, TEST_PROVIDER_CLIENT_ID, testClient } from "../support/simulator";
import {
  click,
  collect,
  configIdOf,
  debugToHelper,
  EXAMPLES_DIR,
  helper,
  NODE_MODULES,
  node,
  pointConfigsAt,
  readExample,
  serveHttpNodes,
  tapAfter,
  type FlowNode,
  type Msg,
} from "./flowRuntime";

const CSV_EXAMPLE = "Declare trainings from a CSV file";
const EXPORT_EXAMPLE = "Export everything before 1 January 2027";
const EXPORT_CLIENTS_EXAMPLE = "Export everything before 1 January 2027 - client employers from a CSV file";
const HTTP_EXAMPLE = "HTTP endpoint - training credit of a worker";

interface Fla {
  status?: string;
  httpStatus?: number;
  anomalies: Array<{ code: string; source?: string; severity: string }>;
}

/** A valid training of the demo worker. */
const demoRow = {
  employer: { enterpriseNumber: SEED.demoEmployer },
  worker: { ssin: SEED.demoWorker },
  title: "Realm check",
  period: { startDate: "2025-04-01", endDate: "2025-04-01" },
  nature: "FORMAL",
  duration: { value: 3, unit: "HOURS" },
};

function lines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "");
}

describe("examples (Import > Examples)", function () {
  let certs: TestCertificates;
  let simulator: Simulator;
  let workDir: string;

  before(async function () {
    certs = await getTestCertificates();
    simulator = await startTestSimulator(certs.client.certificatePem);
    // The provider example's config node: the same certificate, as an authorized representative with mandates.
    simulator.registerClient(testClient(certs.client.certificatePem, { role: "provider" }));
    workDir = mkdtempSync(join(tmpdir(), "fla-examples-"));
    await helper.startServer();
  });

  after(async function () {
    await helper.stopServer();
    await simulator?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    await helper.unload();
  });

  /** The example as a user imports it, then given a registered certificate and pointed at the test simulator. */
  async function loadExample(flow: FlowNode[], clientId = TEST_EMPLOYER_CLIENT_ID): Promise<void> {
    const pfx = certs.pfx.openSslDefault;
    const credentials = { [configIdOf(flow)]: { pfx: pfx.base64, passphrase: pfx.password } };
    await helper.load(NODE_MODULES, pointConfigsAt(debugToHelper(flow), simulator, clientId), credentials);
  }

  it("are the four flows, each with the local environment, the demo employer (or demo provider) and no credentials", function () {
    const names = readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    assert.deepEqual(names, [CSV_EXAMPLE, EXPORT_EXAMPLE, EXPORT_CLIENTS_EXAMPLE, HTTP_EXAMPLE]);
    for (const name of names) {
      const flow = readExample(name);
      const config = node(flow, configIdOf(flow));
      assert.equal(config.environment, "local", name);
      assert.equal(config.enterpriseNumber, config.role === "provider" ? SEED.provider : SEED.demoEmployer, name);
      assert.equal(
        config.clientId,
        config.role === "provider" ? SEED.clientIds.provider : SEED.clientIds.employer,
        `${name}: a client id npm start registers`,
      );
      assert.equal(config.credentials, undefined, name);
      assert.ok(!JSON.stringify(flow).match(/"(pfx|passphrase|privateKey)"\s*:/), `${name} holds no credential`);
      assert.ok(
        flow.some((n) => n.type === "comment" && String(n.info).includes("npm start")),
        `${name} explains the npm start config`,
      );
      const ids = new Set(flow.map((n) => n.id));
      assert.equal(ids.size, flow.length, `${name}: node ids are unique`);
      for (const n of flow) {
        for (const out of (n.wires as string[][] | undefined) ?? [])
          for (const target of out) assert.ok(ids.has(target), `${name}: ${n.id} is wired to a missing ${target}`);
      }
    }
  });

  describe(CSV_EXAMPLE, function () {
    const accepted = () => join(workDir, "csv", "fla-accepted.jsonl");
    const anomalies = () => join(workDir, "csv", "fla-anomalies.jsonl");

    function csvFlow(): FlowNode[] {
      let flow = readExample(CSV_EXAMPLE).map((n) => {
        if (n.type === "file in") return { ...n, filename: join(EXAMPLES_DIR, "fla-trainings.csv") };
        if (n.id === "fla-ex-csv-accepted-file") return { ...n, filename: accepted() };
        if (n.id === "fla-ex-csv-anomalies-file") return { ...n, filename: anomalies() };
        return n;
      });
      flow = tapAfter(flow, "fla-ex-csv-accepted-file", "written-accepted");
      return tapAfter(flow, "fla-ex-csv-anomalies-file", "written-anomalies");
    }

    it("ships the sample CSV inline too, identical to examples/fla-trainings.csv", function () {
      const template = node(readExample(CSV_EXAMPLE), "fla-ex-csv-template");
      assert.equal(template.template, readFileSync(join(EXAMPLES_DIR, "fla-trainings.csv"), "utf8"));
    });

    it("a Training built in a Function node (its own JavaScript realm, as every row of this example is) is declared", async function () {
      const z = "realm-tab";
      const flow: FlowNode[] = [
        { id: z, type: "tab", label: "realm" },
        {
          id: "realm-fn",
          type: "function",
          z,
          name: "",
          outputs: 1,
          libs: [],
          timeout: 0,
          initialize: "",
          finalize: "",
          wires: [["realm-declare"]],
          func: `msg.payload = ${JSON.stringify({ ...demoRow, externalReference: "REALM-1" })}; return msg;`,
        },
        {
          id: "realm-declare",
          type: "fla-declare",
          z,
          config: "realm-config",
          operation: "createTraining",
          waitForResult: true,
          wires: [["realm-ok"], ["realm-bad"]],
        },
        { id: "realm-ok", type: "helper", z, wires: [] },
        { id: "realm-bad", type: "helper", z, wires: [] },
        { ...node(readExample(CSV_EXAMPLE), "fla-ex-csv-config"), id: "realm-config" },
      ];
      await loadExample(flow);
      const outcome = new Promise<Msg>((resolve) => {
        for (const id of ["realm-ok", "realm-bad"])
          helper.getNode(id)!.on("input", (msg) => resolve({ ...msg, output: id }));
      });
      helper.getNode("realm-fn")!.receive({});
      const msg = await outcome;
      assert.equal(msg.output, "realm-ok", `refused: ${JSON.stringify((msg.fla as Fla).anomalies.map((a) => a.code))}`);
    });

    it("declares the file: 3 rows accepted, 1 refused locally, 2 rejected by the FLA, each written to its file", async function () {
      const createdBefore = simulator.stats.trainingsCreated;
      await loadExample(csvFlow());
      const ok = collect("fla-ex-csv-accepted-debug");
      const bad = collect("fla-ex-csv-anomalies-debug");
      const writtenOk = collect("written-accepted");
      const writtenBad = collect("written-anomalies");
      click("fla-ex-csv-inject-file");

      const acceptedMsgs = await ok.waitFor(3);
      const anomalyMsgs = await bad.waitFor(3);
      await writtenOk.waitFor(3);
      await writtenBad.waitFor(3);

      const acceptedRefs = acceptedMsgs.map((m) => (m.row as Record<string, string>).externalReference).sort();
      assert.deepEqual(acceptedRefs, ["HR-2025-0001", "HR-2025-0002", "HR-2025-0003"]);
      for (const m of acceptedMsgs) assert.match(String((m.payload as { status: string }).status), /^ACCEPTED/);
      assert.equal(simulator.stats.trainingsCreated - createdBefore, 3);

      // The anomaly debug shows msg.fla.anomalies; the anomaly output kept the training as it was sent.
      const byRef = new Map(anomalyMsgs.map((m) => [(m.row as Record<string, string>).externalReference, m]));
      assert.deepEqual([...byRef.keys()].sort(), ["HR-2023-0006", "HR-2025-0004", "HR-2025-0005"]);
      const localSsin = byRef.get("HR-2025-0004")!.fla as Fla;
      assert.equal(localSsin.anomalies[0].source, "local");
      assert.equal(localSsin.anomalies[0].code, "LOCAL-SSIN-CHECKSUM");
      const notEmployed = byRef.get("HR-2025-0005")!.fla as Fla;
      assert.equal(notEmployed.anomalies[0].source, "fla");
      assert.equal(notEmployed.status, "REJECTED");
      assert.ok((byRef.get("HR-2023-0006")!.fla as Fla).anomalies.some((a) => a.severity === "BLOCKING"));
      assert.equal(
        (byRef.get("HR-2025-0005")!.payload as { worker: { ssin: string } }).worker.ssin,
        SEED.workerOfAnotherEmployer,
      );

      const acceptedLines = lines(accepted()).map(
        (l) => JSON.parse(l) as { trainingId: string; externalReference: string },
      );
      assert.deepEqual(acceptedLines.map((l) => l.externalReference).sort(), acceptedRefs);
      for (const line of acceptedLines)
        assert.ok(simulator.data.trainings.has(line.trainingId), `${line.trainingId} is in the simulator`);
      const anomalyLines = lines(anomalies()).map(
        (l) => JSON.parse(l) as { anomalies: Array<{ code: string }>; row: Record<string, string> },
      );
      assert.deepEqual(anomalyLines.map((l) => l.row.externalReference).sort(), [
        "HR-2023-0006",
        "HR-2025-0004",
        "HR-2025-0005",
      ]);
      for (const line of anomalyLines) assert.ok(line.anomalies.length > 0 && line.anomalies[0].code);
    });

    it("sending the same rows again (the inline sample) is safe: accepted rows come back ALREADY_DECLARED, nothing is created twice", async function () {
      await loadExample(csvFlow());
      const ok = collect("fla-ex-csv-accepted-debug");
      const bad = collect("fla-ex-csv-anomalies-debug");
      click("fla-ex-csv-inject-inline");
      await ok.waitFor(3);
      await bad.waitFor(3);
      // Whatever ran before, the three valid rows are now declared: a second run must not record anything.
      const createdBefore = simulator.stats.trainingsCreated;
      click("fla-ex-csv-inject-inline");
      const again = (await ok.waitFor(6)).slice(3);
      await bad.waitFor(6);
      assert.equal(simulator.stats.trainingsCreated, createdBefore);
      for (const m of again) {
        const fla = m.fla as Fla & { trainingId?: string };
        const ref = (m.row as Record<string, string>).externalReference;
        assert.equal(fla.status, "ALREADY_DECLARED", ref);
        assert.equal(fla.trainingId, simulator.data.findByExternalReference(SEED.demoEmployer, ref), ref);
      }
      assert.equal(ok.messages.length, 6);
      assert.equal(bad.messages.length, 6);
    });
  });

  describe(EXPORT_EXAMPLE, function () {
    this.timeout(120_000);

    /** The example with its folder moved to a temporary one (the helper runtime has no user directory of its own). */
    function exportFlow(flow: FlowNode[], folder: string): FlowNode[] {
      return flow.map((n) => (n.type === "fla-export" ? { ...n, folder } : n));
    }

    interface Manifest {
      complete: boolean;
      employers: Record<string, { status: string; trainings?: { written: number; total: number } }>;
      files: Record<string, { bytes: number; sha256: string }>;
    }

    it("employer role: one click exports every training, right and credit of the employer, and the done debug shows the complete manifest", async function () {
      const folder = join(workDir, "export");
      await loadExample(exportFlow(readExample(EXPORT_EXAMPLE), folder));
      const done = collect("fla-ex-export-done");
      const refused = collect("fla-ex-export-refused");
      const errors = collect("fla-ex-export-errors");
      click("fla-ex-export-inject");
      const [msg] = await done.waitFor(1, 110_000).catch((err: Error) => {
        throw new Error(`${err.message}; technical failures: ${JSON.stringify(errors.messages.map((m) => m.error))}`);
      });
      const manifest = msg.payload as Manifest;
      assert.equal(msg.complete, true);
      assert.equal(manifest.complete, true);
      assert.deepEqual(Object.keys(manifest.employers), [SEED.demoEmployer]);
      assert.equal(refused.messages.length, 0);
      for (const stem of ["trainings", "training-rights", "training-credits"]) {
        assert.ok(existsSync(join(folder, SEED.demoEmployer, `${stem}.jsonl`)), `${stem}.jsonl`);
        assert.ok(existsSync(join(folder, SEED.demoEmployer, `${stem}.csv`)), `${stem}.csv`);
      }
      assert.equal(
        lines(join(folder, SEED.demoEmployer, "trainings.jsonl")).length,
        manifest.employers[SEED.demoEmployer].trainings!.total,
      );
      assert.deepEqual(JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")), manifest);
    });

    it("provider: the sample list of client employers is exported; the typo and the employer without mandate are refused on their own", async function () {
      const folder = join(workDir, "export-clients");
      await loadExample(exportFlow(readExample(EXPORT_CLIENTS_EXAMPLE), folder), TEST_PROVIDER_CLIENT_ID);
      const done = collect("fla-ex-export-clients-done");
      const refused = collect("fla-ex-export-clients-refused");
      click("fla-ex-export-clients-inject-sample");
      const [msg] = await done.waitFor(1, 110_000);
      const refusals = await refused.waitFor(2);
      const manifest = msg.payload as Manifest;
      assert.deepEqual(Object.keys(manifest.employers), [...SEED.employersWithMandate, SEED.employerWithoutMandate]);
      for (const employer of SEED.employersWithMandate)
        assert.equal(manifest.employers[employer].status, "complete", employer);
      assert.equal(manifest.employers[SEED.employerWithoutMandate].status, "refused");
      assert.equal(msg.complete, false, "an employer was refused");
      const byStatus = new Map(refusals.map((m) => [(m.fla as Fla).status, m]));
      assert.equal(byStatus.get("FORBIDDEN")?.payload, SEED.employerWithoutMandate);
      assert.match(String(byStatus.get("INVALID")?.payload), /0123\.456\.789/);
    });

    it("provider: the File In variant reads the list from a CSV file", async function () {
      const folder = join(workDir, "export-clients-file");
      const csv = join(workDir, "fla-client-employers.csv");
      writeFileSync(csv, `enterpriseNumber\n${SEED.employersWithMandate[1]}\n`);
      const flow = exportFlow(readExample(EXPORT_CLIENTS_EXAMPLE), folder).map((n) =>
        n.type === "file in" ? { ...n, filename: csv } : n,
      );
      await loadExample(flow, TEST_PROVIDER_CLIENT_ID);
      const done = collect("fla-ex-export-clients-done");
      click("fla-ex-export-clients-inject-file");
      const [msg] = await done.waitFor(1, 110_000);
      assert.equal(msg.complete, true);
      assert.deepEqual(Object.keys((msg.payload as Manifest).employers), [SEED.employersWithMandate[1]]);
    });
  });

  describe(HTTP_EXAMPLE, function () {
    let server: Server | undefined;
    afterEach(function () {
      server?.close();
      server = undefined;
    });

    /** POST /fla/credit with `request` as its JSON body: the SSIN never in a URL. */
    async function post(
      flow: FlowNode[],
      request: Record<string, unknown>,
      clientId?: string,
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      await loadExample(flow, clientId);
      const served = await serveHttpNodes();
      server = served.server;
      const res = await fetch(`${served.url}/fla/credit`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    it("answers POST /fla/credit (the SSIN in a JSON body) with the worker's training credit", async function () {
      const { status, body } = await post(readExample(HTTP_EXAMPLE), { ssin: SEED.demoWorker, year: 2025 });
      assert.equal(status, 200);
      assert.equal(body.ssin, SEED.demoWorker);
      assert.equal(body.year, 2025);
      for (const field of ["entitlement", "attended", "remaining"]) assert.equal(typeof body[field], "number", field);
    });

    it("serves no GET: an SSIN in a URL is not read, and the FLA is not called", async function () {
      await loadExample(readExample(HTTP_EXAMPLE));
      const served = await serveHttpNodes();
      server = served.server;
      const before = simulator.stats.requests;
      const res = await fetch(`${served.url}/fla/credit?ssin=${SEED.demoWorker}&year=2025`);
      assert.equal(res.status, 404);
      assert.equal(simulator.stats.requests, before);
    });

    it("answers 400 with the anomaly for a wrong SSIN, without calling the FLA", async function () {
      const before = simulator.stats.requests;
      const { status, body } = await post(readExample(HTTP_EXAMPLE), { ssin: "85073003329", year: 2025 });
      assert.equal(status, 400);
      assert.equal((body.anomalies as Array<{ code: string }>)[0].code, "LOCAL-SSIN-CHECKSUM");
      assert.equal(simulator.stats.requests, before);
    });

    it("answers 4xx as the FLA did for another employer", async function () {
      const { status, body } = await post(readExample(HTTP_EXAMPLE), {
        ssin: SEED.workerOfAnotherEmployer,
        year: 2025,
        enterpriseNumber: SEED.employers[1],
      });
      assert.equal(status, 403);
      assert.ok((body.anomalies as unknown[]).length > 0);
    });

    it("answers 502 with the error code when the client id is not registered (the Catch path)", async function () {
      const { status, body } = await post(
        readExample(HTTP_EXAMPLE),
        { ssin: SEED.demoWorker, year: 2025 },
        "self_service_chaman_unknown",
      );
      assert.equal(status, 502);
      assert.equal(body.error, "FLA_AUTH");
      assert.ok(!JSON.stringify(body).includes(certs.pfx.openSslDefault.password));
    });
  });
});

export type { Msg };
