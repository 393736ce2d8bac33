/**
 * Every example imported into a real Node-RED process, as a newcomer does it (Import > Examples, all four, then Deploy;
 * later a restart): not one error or warning in the log. The configs of the examples have no certificate yet, and no
 * node has received a message, so nothing is wrong yet. The debug sidebar shows the same entries: Node-RED's debug
 * node publishes every warn and error log entry of a node to it (RED.log.addHandler in 21-debug.js), and the process
 * logs at info level, so a clean log means a clean sidebar.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { EXAMPLES_DIR } from "./flowRuntime";

/** Node-RED's console log lines at warn or error level (e.g. `1 Dec 16:53:47 - [error] [fla-config:…] …`). */
function problems(output: string): string[] {
  return output.split("\n").filter((line) => /\[(error|warn)\]/.test(line));
}

function allExamples(): Array<Record<string, unknown>> {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith(".json"))
    .flatMap((file) => JSON.parse(readFileSync(join(EXAMPLES_DIR, file), "utf8")) as Array<Record<string, unknown>>);
}

/** Waits until the process has printed `text` after `from` (its output arrives through a pipe, after the HTTP answer). */
async function outputAfter(nodeRed: NodeRedProcess, from: number, text: RegExp): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const output = nodeRed.output().slice(from);
    if (text.test(output)) return output;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Node-RED did not print ${text}:\n${nodeRed.output().slice(from)}`);
}

async function deploy(nodeRed: NodeRedProcess, flows: unknown[]): Promise<void> {
  const res = await fetch(`${nodeRed.url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v1", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(flows),
  });
  assert.ok(res.status === 200 || res.status === 204, `deploy answered ${res.status}: ${await res.text()}`);
}

describe("examples import quietly into a real Node-RED process", function () {
  this.timeout(120_000);
  let nodeRed: NodeRedProcess | undefined;

  after(async () => {
    await nodeRed?.stop();
  });

  it("all four examples deployed, then Node-RED restarted: no error or warning in the log", async () => {
    const flows = allExamples();
    assert.equal(flows.filter((n) => n.type === "fla-config").length, 4, "the four examples' certificate-less configs");
    assert.ok(
      flows.some((n) => n.type === "fla-declare") &&
        flows.some((n) => n.type === "fla-query") &&
        flows.some((n) => n.type === "fla-export"),
    );

    nodeRed = await startNodeRed();
    const beforeDeploy = nodeRed.output().length;
    await deploy(nodeRed, flows);
    const deployed = (await (
      await fetch(`${nodeRed.url}/flows`, { headers: { "Node-RED-API-Version": "v1" } })
    ).json()) as unknown[];
    assert.equal(deployed.length, flows.length, "every node of the examples is deployed");
    // The nodes log while they start, before "Started flows".
    const atDeploy = await outputAfter(nodeRed, beforeDeploy, /Started flows/);
    assert.deepEqual(problems(atDeploy), [], atDeploy);

    // A restart with the flows on disk: the start is as quiet.
    const userDir = nodeRed.userDir;
    await nodeRed.stop();
    nodeRed = await startNodeRed({ userDir });
    const restarted = await outputAfter(nodeRed, 0, /Started flows/);
    const startupNotices = /Projects disabled|Encrypted credentials not found/; // Node-RED's own, about its settings
    assert.deepEqual(
      problems(restarted).filter((line) => !startupNotices.test(line)),
      [],
      restarted,
    );
  });
});
