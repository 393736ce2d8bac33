/**
 * Flow Library readiness: `node-red-dev validate` (the Node-RED project's own checker, whose scorecard the Flow
 * Library shows) passes every check it can make offline. The online lookups are answered by a preload
 * (nodeRedDevOffline.ts); the checks that depend on them alone are not judged here: P08 similar package names and N01
 * duplicate node types (the Flow Library catalogue), D02 incompatible packages in the dependency tree and D03 outdated
 * dependencies (the npm registry).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

const run = promisify(execFile);
const TOOL = join(PROJECT_ROOT, "node_modules", "node-red-dev", "bin", "run");
const PRELOAD = join(__dirname, "nodeRedDevOffline.js");

/** Judged offline: licence, repository, name, keyword, Node-RED and Node.js versions, examples, dependency count. */
const OFFLINE_CHECKS = ["P01", "P03", "P04", "P05", "P06", "P07", "N02", "D01"];
/**
 * node-red-dev advises a scoped name (@scope/node-red-...) for packages created after February 2022, yet accepts
 * node-red-contrib-* names (P04 passes). The name is the project's decision; this is the one warning allowed.
 */
const ALLOWED_WARNINGS = [/P04 New Packages should use a scoped name/];

interface Check {
  test: boolean;
  nodes?: string[];
}

describe("node-red-dev validate (Flow Library scorecard, offline checks)", function () {
  this.timeout(120_000);

  const dir = mkdtempSync(join(tmpdir(), "fla-validate-"));
  let output = "";
  let scorecard: Record<string, Check>;

  before(async () => {
    const scorecardPath = join(dir, "scorecard.json");
    try {
      const { stdout, stderr } = await run(process.execPath, ["-r", PRELOAD, TOOL, "validate", "-p", PROJECT_ROOT, "-o", scorecardPath], { cwd: dir, timeout: 90_000 });
      output = stdout + stderr;
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`node-red-dev validate failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
    scorecard = JSON.parse(readFileSync(scorecardPath, "utf8")) as Record<string, Check>;
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs to the end without an error", () => {
    assert.match(output, /Complete/, output);
    assert.doesNotMatch(output, /Error/, output);
  });

  for (const id of OFFLINE_CHECKS) {
    it(`passes ${id}`, () => {
      assert.ok(scorecard[id], `${id} is in the scorecard: ${JSON.stringify(scorecard)}`);
      assert.equal(scorecard[id].test, true, `${id} fails: ${JSON.stringify(scorecard[id])}\n${output}`);
    });
  }

  it("has examples for every non-config node (N02)", () => {
    assert.deepEqual([...(scorecard.N02.nodes ?? [])].sort(), ["fla-declare", "fla-export", "fla-query"]);
  });

  it("prints no warning but the scoped-name advice", () => {
    // oclif wraps long warnings over several lines that start with "›".
    const warnings = output.split(/\n(?=\s*›\s+Warning:)/).filter((block) => /Warning:/.test(block)).map((block) => block.replace(/\s*›\s*/g, " ").trim());
    assert.deepEqual(warnings.filter((w) => !ALLOWED_WARNINGS.some((re) => re.test(w))), []);
  });
});
