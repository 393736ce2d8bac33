/**
 * A real Node-RED process: `http in` → fla-declare → `http response`. A JSON body nested 5,000 or 10,000 levels deep
 * (30 KB) must get one local anomaly while the process keeps serving: the deep copy, Node-RED's clone for node.error
 * and done(err) as an unhandled rejection could each end the process. The flow makes Node-RED copy the message
 * everywhere it can: a second wire on the anomaly output, a Catch and a Complete node on fla-declare.
 */
import assert from "node:assert/strict";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { simulatorConfigNode } from "../support/processFlow";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { SEED } from "../../src/simulator";

function nestedJson(levels: number): string {
  return '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
}

function training(extra = ""): string {
  const body = JSON.stringify({
    employer: { enterpriseNumber: SEED.demoEmployer },
    worker: { ssin: SEED.demoWorker },
    title: `http in ${Date.now()}`,
    period: { startDate: "2024-03-04", endDate: "2024-03-04" },
    nature: "FORMAL",
    duration: { value: 2, unit: "HOURS" },
  });
  return extra ? body.slice(0, -1) + `,"extra":${extra}}` : body;
}

const REPORT = (output: string): string =>
  `msg.payload = { output: ${JSON.stringify(output)}, status: msg.fla && msg.fla.status, codes: ((msg.fla && msg.fla.anomalies) || []).map(a => a.code), error: msg.error && msg.error.message }; return msg;`;

describe("security: http in → fla-declare in a real Node-RED process", function () {
  this.timeout(90_000);
  let certs: TestCertificates;
  let sim: TestSimulator;
  let red: NodeRedProcess;

  before(async () => {
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem);
    red = await startNodeRed();
    const flow = [
      { id: "tab", type: "tab", label: "http" },
      simulatorConfigNode("cfg", sim, certs, { name: "FLA http" }),
      {
        id: "in",
        type: "http in",
        z: "tab",
        x: 100,
        y: 100,
        url: "/declare",
        method: "post",
        upload: false,
        wires: [["declare"]],
      },
      {
        id: "declare",
        type: "fla-declare",
        z: "tab",
        x: 300,
        y: 100,
        config: "cfg",
        operation: "createTraining",
        waitForResult: false,
        pollTimeout: 5,
        wires: [["ok"], ["bad", "debug"]],
      },
      { id: "ok", type: "function", z: "tab", x: 500, y: 60, func: REPORT("success"), outputs: 1, wires: [["out"]] },
      { id: "bad", type: "function", z: "tab", x: 500, y: 100, func: REPORT("anomaly"), outputs: 1, wires: [["out"]] },
      {
        id: "debug",
        type: "debug",
        z: "tab",
        x: 500,
        y: 140,
        active: true,
        tosidebar: true,
        console: false,
        complete: "true",
        wires: [],
      },
      {
        id: "catch",
        type: "catch",
        z: "tab",
        x: 100,
        y: 200,
        scope: ["declare"],
        uncaught: false,
        wires: [["failed"]],
      },
      { id: "failed", type: "function", z: "tab", x: 300, y: 200, func: REPORT("error"), outputs: 1, wires: [["out"]] },
      {
        id: "complete",
        type: "complete",
        z: "tab",
        x: 100,
        y: 260,
        scope: ["declare"],
        uncaught: false,
        wires: [["debugDone"]],
      },
      {
        id: "debugDone",
        type: "debug",
        z: "tab",
        x: 300,
        y: 260,
        active: true,
        tosidebar: true,
        console: false,
        complete: "false",
        wires: [],
      },
      { id: "out", type: "http response", z: "tab", x: 700, y: 100, statusCode: "", headers: {}, wires: [] },
    ];
    const deployed = await fetch(`${red.url}/flows`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify(flow),
    });
    assert.equal(deployed.status, 204, await deployed.text());
  });
  after(async () => {
    await red?.stop();
    await sim?.stop();
  });

  async function post(
    body: string,
  ): Promise<{ status: number; json: { output: string; status?: string; codes: string[]; error?: string } }> {
    // The flow starts a moment after the deploy answers.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${red.url}/declare`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      if (res.status === 404 && attempt < 50) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      return { status: res.status, json: (await res.json()) as { output: string; codes: string[] } };
    }
  }

  it("a valid declaration goes through (the flow works)", async () => {
    const answer = await post(training());
    assert.equal(answer.json.output, "success", JSON.stringify(answer.json));
  });

  for (const levels of [5_000, 10_000]) {
    it(`a body nested ${levels.toLocaleString("en")} levels deep: one LOCAL-PAYLOAD-TOO-DEEP answer, the process stays up and answers the next request`, async () => {
      const before = sim.stats.requests;
      const body = training(nestedJson(levels));
      assert.ok(body.length > 25_000);
      const answer = await post(body);
      assert.equal(answer.status, 200);
      assert.equal(answer.json.output, "anomaly", JSON.stringify(answer.json));
      assert.equal(answer.json.codes[0], "LOCAL-PAYLOAD-TOO-DEEP");
      assert.ok(answer.json.codes.includes("LOCAL-PAYLOAD-REPLACED"));
      assert.equal(sim.stats.requests, before, "nothing reached the API");
      const next = await post(training());
      assert.equal(next.json.output, "success", JSON.stringify(next.json));
      assert.doesNotMatch(red.output(), /RangeError|Maximum call stack|unhandled/i);
    });
  }

  it("a __proto__ key holding the whole declaration is refused, nothing is sent", async () => {
    const before = sim.stats.requests;
    const answer = await post(`{"__proto__": ${training()}}`);
    assert.equal(answer.json.output, "anomaly", JSON.stringify(answer.json));
    assert.deepEqual(answer.json.codes, ["LOCAL-KEY-FORBIDDEN"]);
    assert.equal(sim.stats.requests, before);
  });
});
