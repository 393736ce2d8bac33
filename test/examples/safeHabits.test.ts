/**
 * The examples and the demo teach safe habits: the HTTP example says how to protect its endpoint (httpNodeAuth), every
 * demo training carries an externalReference so that sending it twice records nothing twice, and the comments say who
 * refused a training (the node before any call, or the API, which in the demo is the local simulator).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Simulator } from "../../src/simulator";
import { DEMO_IDS } from "../../scripts/demo/flow";
import { demoPaths } from "../../scripts/demo/paths";
import { prepareDemo, type DemoSetup } from "../../scripts/demo/setup";
import { click, collect, loadDemoFlow, PROJECT_DIR, readExample, unloadDemoFlow, type FlowNode } from "./flowRuntime";

const HTTP_EXAMPLE = "HTTP endpoint - training credit of a worker";
const CSV_EXAMPLE = "Declare trainings from a CSV file";

/** Every comment and function body of a flow, as one text. */
function explanations(flow: FlowNode[]): string {
  return flow.map((n) => [n.name, n.info, n.func].filter((t) => typeof t === "string").join("\n")).join("\n");
}

describe("examples and demo: safe habits", function () {
  let root: string;
  let setup: DemoSetup;

  before(function () {
    root = mkdtempSync(join(tmpdir(), "fla-habits-"));
    setup = prepareDemo(demoPaths(join(root, ".node-red"), PROJECT_DIR));
  });

  after(function () {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("the HTTP example tells how to protect its endpoint: a comment on httpNodeAuth, its password hash, and HTTPS", function () {
    const flow = readExample(HTTP_EXAMPLE);
    const protect = flow.find((n) => n.type === "comment" && /httpNodeAuth/.test(String(n.name)));
    assert.ok(protect, "a comment node named after httpNodeAuth, visible on the canvas");
    assert.match(String(protect.info), /httpNodeAuth: \{ user: .*, pass: /);
    assert.match(String(protect.info), /node-red admin hash-pw/);
    assert.match(String(protect.info), /HTTPS/);
  });

  it("the comments of the examples and the demo say who refused: the node before any call, or the API (the simulator in the demo)", function () {
    for (const [name, flow] of [
      [HTTP_EXAMPLE, readExample(HTTP_EXAMPLE)],
      [CSV_EXAMPLE, readExample(CSV_EXAMPLE)],
      ["demo", setup.demoFlow],
    ] as const) {
      const text = explanations(flow);
      assert.match(text, /before any call/, `${name}: local refusals`);
      assert.match(text, /simulator/, `${name}: the API of the demo is the simulator`);
    }
  });

  it("every training of the demo carries its own externalReference", function () {
    const injects = [DEMO_IDS.injectValid, DEMO_IDS.injectInvalid, DEMO_IDS.injectRejected].map((id) =>
      setup.demoFlow.find((n) => n.id === id)!,
    );
    const references = injects.map(
      (n) => (JSON.parse(String(n.payload)) as { externalReference?: string }).externalReference,
    );
    assert.ok(
      references.every((r) => typeof r === "string" && r.length > 0),
      JSON.stringify(references),
    );
    assert.equal(new Set(references).size, references.length, "each its own");
  });

  describe("the demo's first training, clicked twice, against a simulator", function () {
    let simulator: Simulator;

    before(async function () {
      simulator = await loadDemoFlow(setup);
    });

    after(async function () {
      await unloadDemoFlow(simulator);
    });

    it("is accepted once, then ALREADY_DECLARED with the same trainingId: one training in the FLA, not two", async function () {
      const accepted = collect(DEMO_IDS.debugAccepted);
      click(DEMO_IDS.injectValid);
      const [first] = await accepted.waitFor(1);
      click(DEMO_IDS.injectValid);
      const [, second] = await accepted.waitFor(2);
      const firstFla = first.fla as { status: string; trainingId: string };
      const secondFla = second.fla as { status: string; trainingId: string };
      assert.equal(firstFla.status, "ACCEPTED");
      assert.equal(secondFla.status, "ALREADY_DECLARED");
      assert.equal(secondFla.trainingId, firstFla.trainingId);
      const { externalReference: reference } = JSON.parse(
        String(setup.demoFlow.find((n) => n.id === DEMO_IDS.injectValid)!.payload),
      ) as { externalReference: string };
      const stored = [...simulator.data.trainings.values()].filter((t) => t.externalReference === reference);
      assert.equal(stored.length, 1, "one training with that reference");
    });
  });
});
