import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest } from "../../src/core/export";
import { lockFolder } from "../../src/core/export/lock";
import { SEED } from "../../src/simulator";
import { waitUntil } from "../load/support";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { helper, startContext, type AnyMsg, type NodeTestContext } from "./fixture";
import {
  jsonLines,
  loadExport,
  modeOf,
  readManifestFile,
  resetUserDir,
  sha256Of,
  useFreshUserDir,
} from "./exportFixture";

const [EMPLOYER_A, EMPLOYER_B, EMPLOYER_C] = SEED.employersWithMandate;

function readManifestOrUndefined(folder: string): Manifest | undefined {
  return existsSync(join(folder, "manifest.json")) ? readManifestFile(folder) : undefined;
}

/** Every record of a JSON lines file has its own id: nothing was written twice. */
function assertNoDuplicate(path: string, key: string): number {
  const ids = jsonLines(path).map((r) => String(r[key]));
  assert.equal(new Set(ids).size, ids.length, `${path}: a ${key} appears twice`);
  return ids.length;
}

function manifestOf(msg: AnyMsg): Manifest {
  return msg.payload as Manifest;
}

describe("fla-export node (real runtime, simulator over HTTP)", function () {
  this.timeout(120_000);

  describe("employer role", function () {
    let ctx: NodeTestContext;
    let userDir: string;
    before(async () => {
      ctx = await startContext();
    });
    after(async () => {
      await ctx.sim.stop();
      resetUserDir();
    });
    beforeEach(() => {
      userDir = useFreshUserDir();
    });
    afterEach(async () => {
      await helper.unload();
      ctx.sim.faults.clear();
      rmSync(userDir, { recursive: true, force: true });
    });

    it("an empty payload exports the config node's employer: one done message with a complete manifest, every file on disk, owner-only", async () => {
      const { node, out } = await loadExport(ctx, { fromYear: "2025", toYear: "2025" });
      node.receive({ payload: "" });
      await out.waitFor(1, 90_000);
      assert.deepEqual(
        out.errors.map((e) => e.error),
        [],
      );
      assert.equal(out.anomaly.length, 0);
      const msg = out.success[0];
      const manifest = manifestOf(msg);
      const folder = join(userDir, "fla-export");
      assert.equal(msg.folder, folder, "the default folder lies in Node-RED's user directory");
      assert.equal(msg.complete, true);
      assert.equal(manifest.complete, true);
      assert.deepEqual(Object.keys(manifest.employers), [SEED.demoEmployer]);
      assert.equal(manifest.owner, "export");
      assert.match(manifest.package, /^node-red-contrib-careerpro-fla@\d+\.\d+\.\d+/);
      assert.deepEqual(manifest.options.collections, ["trainings", "trainingRights", "trainingCredits"]);
      assert.equal(msg.fla!.operation, "export");
      assert.equal(msg.fla!.resumed, false);
      assert.equal(msg.fla!.folder, folder);

      // What the message says is what is on disk.
      assert.deepEqual(readManifestFile(folder), manifest);
      const state = manifest.employers[SEED.demoEmployer];
      assert.equal(state.status, "complete");
      const dir = join(folder, SEED.demoEmployer);
      for (const [collection, stem] of [
        ["trainings", "trainings"],
        ["trainingRights", "training-rights"],
        ["trainingCredits", "training-credits"],
      ] as const) {
        const counts = state[collection]!;
        assert.ok(counts.complete && counts.written === counts.total, `${collection}: ${JSON.stringify(counts)}`);
        assert.equal(jsonLines(join(dir, `${stem}.jsonl`)).length, counts.written, `${stem}.jsonl`);
        assert.ok(existsSync(join(dir, `${stem}.csv`)), `${stem}.csv (CSV is on by default)`);
      }
      assert.ok(state.trainings!.written > 100, "more than one page of trainings");
      assert.equal(existsSync(join(dir, `${SEED.demoEmployer}.xlsx`)), false, "XLSX is off by default");
      for (const [path, entry] of Object.entries(manifest.files)) {
        assert.equal(sha256Of(join(folder, path)), entry.sha256, path);
        assert.equal(modeOf(join(folder, path)), 0o600, `${path} is readable by its owner only`);
      }
      assert.equal(modeOf(folder), 0o700);
      assert.equal(modeOf(dir), 0o700);
    });

    it("msg.folder overrides the folder: relative inside the user directory or absolute; one that leaves it with .. is refused before any call", async () => {
      const absolute = mkdtempSync(join(tmpdir(), "fla-export-absolute-"));
      try {
        const { node, out } = await loadExport(ctx, { trainingRights: false, trainingCredits: false });
        node.receive({ payload: SEED.demoEmployer, folder: "exports/run-a" });
        await out.waitFor(1, 60_000);
        assert.equal(
          out.success[0].folder,
          join(userDir, "exports", "run-a"),
          JSON.stringify(out.errors.map((e) => e.error)),
        );
        assert.ok(existsSync(join(userDir, "exports", "run-a", SEED.demoEmployer, "trainings.jsonl")));
        assert.equal(existsSync(join(userDir, "fla-export")), false, "nothing in the node's own folder");

        node.receive({ payload: SEED.demoEmployer, folder: absolute });
        await out.waitFor(2, 60_000);
        assert.equal(out.success[1].folder, absolute);
        assert.equal(readManifestFile(absolute).complete, true);

        const requests = ctx.sim.stats.requests;
        node.receive({ payload: SEED.demoEmployer, folder: "../escape" });
        await out.waitFor(3);
        assert.equal(out.errors.length, 1);
        assert.equal(out.errors[0].error!.code, "FLA_CONFIG");
        assert.match(String(out.errors[0].error!.message), /user directory/);
        assert.equal(ctx.sim.stats.requests, requests, "no call");
        assert.equal(existsSync(join(userDir, "..", "escape")), false);
      } finally {
        rmSync(absolute, { recursive: true, force: true });
      }
    });

    it("status: a blue ring with employer, collection, page and items while it runs, then a green dot with the folder", async () => {
      const { node, out, statuses } = await loadExport(ctx, {
        trainingCredits: false,
        fromYear: "2025",
        toYear: "2025",
      });
      // Statuses are throttled to one per 250 ms: slow pages make the run last long enough to show its progress.
      ctx.sim.faults.add({ route: "GET /trainings", kind: "slow", delayMs: 100, times: 6 });
      node.receive({ payload: "" });
      await out.waitFor(1, 60_000);
      const running = statuses.filter((s) => s.fill === "blue" && s.shape === "ring").map((s) => String(s.text));
      assert.ok(
        running.some((text) => /^employer 1\/1 · trainings · page \d+(\/\d+)? · \d+ items$/.test(text)),
        `a progress status, got ${JSON.stringify(running)}`,
      );
      const last = statuses[statuses.length - 1];
      assert.equal(last.fill, "green");
      assert.equal(last.shape, "dot");
      assert.match(String(last.text), /^complete: 1 employer\(s\) · .*fla-export/);
    });

    it("a technical failure in the middle of the trainings goes to Catch with a stable code, and the same message resumes without writing a record twice", async () => {
      const { node, out, statuses } = await loadExport(ctx, { trainingRights: false, trainingCredits: false });
      // Two pages go through (a fault that changes nothing, twice); every later one fails, past the retries.
      ctx.sim.faults.add({ route: "GET /trainings", kind: "slow", delayMs: 1, times: 2 });
      ctx.sim.faults.add({ route: "GET /trainings", kind: "status", status: 500 });
      node.receive({ payload: SEED.demoEmployer });
      await out.waitFor(1, 60_000);
      assert.equal(out.errors.length, 1, JSON.stringify(out.success.map((m) => m.complete)));
      const error = out.errors[0];
      assert.equal(error.error!.code, "FLA_HTTP");
      const folder = join(userDir, "fla-export");
      assert.equal(error.folder, folder, "the Catch node is told where the archive is");
      const partial = readManifestFile(folder);
      assert.equal(partial.complete, false);
      assert.equal(partial.finishedAt, null);
      assert.ok(partial.employers[SEED.demoEmployer].trainings!.written > 0, "a page was written before the failure");
      const failed = statuses[statuses.length - 1];
      assert.equal(failed.fill, "red");
      assert.match(String(failed.text), /FLA_HTTP/);

      ctx.sim.faults.clear();
      node.receive({ payload: SEED.demoEmployer });
      await out.waitFor(2, 60_000);
      assert.equal(out.success.length, 1, JSON.stringify(out.errors.map((e) => e.error)));
      assert.equal(out.success[0].complete, true);
      const trainings = manifestOf(out.success[0]).employers[SEED.demoEmployer].trainings!;
      const written = assertNoDuplicate(join(folder, SEED.demoEmployer, "trainings.jsonl"), "trainingId");
      assert.equal(written, trainings.total);
    });

    it("a redeploy in the middle of a run: close waits for the manifest, the queued message ends with FLA_ABORTED, the new node resumes the run", async () => {
      const { node, out } = await loadExport(ctx, { trainingCredits: false, fromYear: "2025", toYear: "2025" });
      const folder = join(userDir, "fla-export");
      ctx.sim.faults.add({ route: "*", kind: "slow", delayMs: 100 });
      // Node-RED ends a message through the node's _complete when the node calls done(): count them.
      const ended: string[] = [];
      const withComplete = node as unknown as { _complete(msg: { _msgid: string }, err?: Error): void };
      const complete = withComplete._complete.bind(node);
      withComplete._complete = (msg, err) => {
        ended.push(msg._msgid);
        complete(msg, err);
      };
      // During a stop the Catch node may already be closed (and the helper's spies are gone): node.error itself is
      // what the runtime logs, so it is watched on the instance.
      const errorCodes: string[] = [];
      const withError = node as unknown as { error(err: { code?: string }, msg?: unknown): void };
      const error = withError.error.bind(node);
      withError.error = (err, msg) => {
        errorCodes.push(String(err?.code));
        error(err, msg);
      };
      node.receive({ _msgid: "first", payload: "" });
      node.receive({ _msgid: "queued", payload: "", folder: "elsewhere" });
      await waitUntil(
        () => (readManifestOrUndefined(folder)?.employers[SEED.demoEmployer]?.trainings?.written ?? 0) > 0,
        30_000,
        "a page on disk",
      );
      await helper.unload();
      assert.deepEqual(
        ended,
        ["first", "queued"],
        "both messages ended (done called), in order, before the node finished closing",
      );
      assert.deepEqual(errorCodes, ["FLA_ABORTED", "FLA_ABORTED"], "each message ends with FLA_ABORTED, none silently");
      const cut = readManifestFile(folder);
      assert.equal(cut.complete, false);
      assert.equal(cut.finishedAt, null);
      assert.equal(existsSync(join(userDir, "elsewhere")), false, "the queued run never started");

      ctx.sim.faults.clear();
      const again = await loadExport(ctx, { trainingCredits: false, fromYear: "2025", toYear: "2025" });
      await again.out.waitFor(1, 60_000);
      const msg = again.out.success[0];
      assert.ok(msg, JSON.stringify(again.out.errors.map((e) => e.error)));
      assert.equal(msg.fla!.resumed, true);
      assert.equal(msg.complete, true);
      assertNoDuplicate(join(folder, SEED.demoEmployer, "trainings.jsonl"), "trainingId");
      assert.equal(out.success.length, 0, "the stopped run sent no done message");
    });

    it("a run into msg.folder cut by a redeploy is resumed at the next start too, not only the node's folder", async () => {
      const { node, out } = await loadExport(ctx, { trainingCredits: false, fromYear: "2025", toYear: "2025" });
      const folder = join(userDir, "by-message");
      ctx.sim.faults.add({ route: "*", kind: "slow", delayMs: 100 });
      node.receive({ payload: "", folder: "by-message" });
      await waitUntil(
        () => (readManifestOrUndefined(folder)?.employers[SEED.demoEmployer]?.trainings?.written ?? 0) > 0,
        30_000,
        "a page on disk",
      );
      await helper.unload();
      assert.equal(readManifestFile(folder).finishedAt, null, "cut short");
      const runsFile = join(userDir, ".fla-export-runs", "export.json");
      assert.equal(modeOf(runsFile), 0o600);

      ctx.sim.faults.clear();
      const again = await loadExport(ctx, { trainingCredits: false, fromYear: "2025", toYear: "2025" });
      await again.out.waitFor(1, 30_000);
      const msg = again.out.success[0];
      assert.ok(msg, JSON.stringify(again.out.errors.map((e) => e.error)));
      assert.equal(msg.folder, folder);
      assert.equal(msg.fla!.resumed, true);
      assert.equal(msg.complete, true);
      assertNoDuplicate(join(folder, SEED.demoEmployer, "trainings.jsonl"), "trainingId");
      assert.equal(out.success.length, 0);
      assert.deepEqual(JSON.parse(readFileSync(runsFile, "utf8")), [], "finished: no longer to resume");
    });

    it("the resume after a redeploy waits while the previous run still holds the folder (a close that timed out)", async () => {
      const folder = join(userDir, "fla-export");
      // An unfinished run of this node: a failure after one page.
      const first = await loadExport(ctx, { trainingRights: false, trainingCredits: false });
      ctx.sim.faults.add({ route: "GET /trainings", kind: "slow", delayMs: 1, times: 1 });
      ctx.sim.faults.add({ route: "GET /trainings", kind: "status", status: 500 });
      first.node.receive({ payload: "" });
      await first.out.waitFor(1, 60_000);
      assert.equal(first.out.errors.length, 1);
      await helper.unload();
      ctx.sim.faults.clear();

      // The previous run, still finishing, holds the folder when the new node starts.
      const lock = await lockFolder(folder);
      const again = await loadExport(ctx, { trainingRights: false, trainingCredits: false });
      await waitUntil(
        () => again.statuses.some((st) => /^resuming/.test(String(st.text))) || again.out.total > 0,
        10_000,
        "the resume to start",
      );
      await new Promise((r) => setTimeout(r, 1_500)); // its first try meets the lock
      assert.equal(again.out.total, 0, "nothing yet: the resume waits, it does not fail");
      await lock.release();
      await again.out.waitFor(1, 60_000);
      assert.equal(again.out.success.length, 1, JSON.stringify(again.out.errors.map((e) => e.error)));
      assert.equal(again.out.success[0].fla!.resumed, true);
      assert.equal(again.out.success[0].complete, true);
    });

    it("a second click keeps a complete employer (one request checks its total); msg.restart: true downloads it again", async () => {
      const { node, out } = await loadExport(ctx, { trainingRights: false, trainingCredits: false });
      node.receive({ payload: "" });
      await out.waitFor(1, 60_000);
      const total = Number(manifestOf(out.success[0]).employers[SEED.demoEmployer].trainings!.total);
      let requests = ctx.sim.stats.requests;
      node.receive({ payload: "" });
      await out.waitFor(2, 60_000);
      assert.equal(out.success[1].complete, true, JSON.stringify(out.errors.map((e) => e.error)));
      assert.equal(
        ctx.sim.stats.requests - requests,
        1,
        "the complete employer was kept: one request checks its total",
      );
      requests = ctx.sim.stats.requests;
      node.receive({ payload: "", restart: true });
      await out.waitFor(3, 60_000);
      assert.equal(out.success[2].complete, true, JSON.stringify(out.errors.map((e) => e.error)));
      assert.ok(ctx.sim.stats.requests - requests >= Math.ceil(total / 100), "every page read again");
      assert.equal(
        assertNoDuplicate(join(userDir, "fla-export", SEED.demoEmployer, "trainings.jsonl"), "trainingId"),
        total,
        "rewritten, not appended",
      );
    });

    it("one run at a time: a second message waits for the first to end, and both are done in order", async () => {
      const { node, out } = await loadExport(ctx, { trainingRights: false, trainingCredits: false });
      node.receive({ payload: "", folder: "queue/first" });
      node.receive({ payload: "", folder: "queue/second" });
      await out.waitFor(2, 60_000);
      assert.deepEqual(
        out.success.map((m) => m.folder),
        [join(userDir, "queue", "first"), join(userDir, "queue", "second")],
        JSON.stringify(out.errors.map((e) => e.error)),
      );
      const [first, second] = out.success.map(manifestOf);
      assert.ok(
        first.finishedAt !== null && second.startedAt >= first.finishedAt,
        `the second run started (${second.startedAt}) after the first ended (${first.finishedAt})`,
      );
    });
  });

  describe("authorized representative (provider role)", function () {
    let ctx: NodeTestContext;
    let userDir: string;
    before(async () => {
      ctx = await startContext({ role: "provider" });
    });
    after(async () => {
      await ctx.sim.stop();
      resetUserDir();
    });
    beforeEach(() => {
      userDir = useFreshUserDir();
    });
    afterEach(async () => {
      await helper.unload();
      rmSync(userDir, { recursive: true, force: true });
    });

    it("a CSV column of client employers: a bad number and an employer without mandate each get a message on output 2, the others are exported", async () => {
      const { node, out, statuses } = await loadExport(ctx, {
        trainingCredits: false,
        fromYear: "2025",
        toYear: "2025",
      });
      const csv = [
        "enterpriseNumber;name",
        `${EMPLOYER_A};A`,
        "0123.456.789;typo",
        `BE ${EMPLOYER_B.slice(0, 4)}.${EMPLOYER_B.slice(4, 7)}.${EMPLOYER_B.slice(7)};B`,
        `${SEED.employerWithoutMandate};no mandate`,
      ].join("\n");
      node.receive({ payload: csv });
      await out.waitFor(3, 90_000);
      assert.deepEqual(
        out.errors.map((e) => e.error),
        [],
      );
      assert.equal(out.success.length, 1);
      assert.equal(out.anomaly.length, 2);

      const [bad, forbidden] = out.anomaly;
      assert.equal(bad.fla!.operation, "export");
      assert.equal(bad.fla!.status, "INVALID");
      assert.match(String(bad.payload), /0123\.456\.789/, "the refused input line");
      assert.ok(bad.fla!.anomalies!.length > 0 && bad.fla!.anomalies!.every((a) => a.source === "local"));
      assert.equal(forbidden.payload, SEED.employerWithoutMandate);
      assert.equal(forbidden.fla!.operation, "export");
      assert.equal(forbidden.fla!.status, "FORBIDDEN");
      assert.equal(forbidden.fla!.httpStatus, 403);
      assert.ok(forbidden.fla!.anomalies!.length > 0);

      const manifest = manifestOf(out.success[0]);
      assert.deepEqual(
        Object.keys(manifest.employers),
        [EMPLOYER_A, EMPLOYER_B, SEED.employerWithoutMandate],
        "input order, normalised",
      );
      assert.equal(manifest.employers[EMPLOYER_A].status, "complete");
      assert.equal(manifest.employers[EMPLOYER_B].status, "complete");
      assert.equal(manifest.employers[SEED.employerWithoutMandate].status, "refused");
      assert.equal(out.success[0].complete, false, "a refused employer makes the run incomplete");
      assert.deepEqual(out.success[0].fla!.employers, { employers: 3, complete: 2, partial: 0, refused: 1 });
      const last = statuses[statuses.length - 1];
      assert.equal(last.fill, "yellow");
      assert.match(String(last.text), /1 refused/);
    });

    it("an empty payload in the provider role is refused on output 2, nothing is written", async () => {
      const { node, out } = await loadExport(ctx);
      const requests = ctx.sim.stats.requests;
      node.receive({ payload: "" });
      await out.waitFor(1);
      assert.equal(out.anomaly.length, 1);
      assert.equal(out.anomaly[0].fla!.status, "INVALID");
      assert.equal(ctx.sim.stats.requests, requests);
      assert.deepEqual(existsSync(join(userDir, "fla-export")) ? readdirSync(join(userDir, "fla-export")) : [], []);
    });
  });
  describe("a real Node-RED process killed in the middle of a run", function () {
    this.timeout(180_000);
    let ctx: NodeTestContext;
    let first: NodeRedProcess | undefined;
    let second: NodeRedProcess | undefined;
    before(async () => {
      ctx = await startContext({ role: "provider" });
    });
    after(async () => {
      await first?.kill();
      await second?.stop();
      await ctx.sim.stop();
      if (first) rmSync(first.userDir, { recursive: true, force: true });
    });

    /** What the manifest on disk says now, or undefined while there is none (it is replaced atomically, never torn). */
    function manifestNow(folder: string): Manifest | undefined {
      return existsSync(join(folder, "manifest.json")) ? readManifestFile(folder) : undefined;
    }

    it("resumes its own unfinished run at the next start: the same archive completes, no line twice, done with msg.fla.resumed", async () => {
      const employers = [EMPLOYER_A, EMPLOYER_B, EMPLOYER_C];
      first = await startNodeRed();
      const userDir = first.userDir;
      const folder = join(userDir, "fla-export");
      const doneFile = join(userDir, "done.jsonl");
      const flow = [
        { id: "tab", type: "tab", label: "export" },
        {
          id: "cfg",
          type: "fla-config",
          name: "FLA provider",
          environment: "custom",
          tokenUrl: ctx.sim.tokenUrl,
          audience: ctx.sim.tokenUrl,
          apiUrl: ctx.sim.apiUrl,
          clientId: ctx.sim.client.clientId,
          role: "provider",
          enterpriseNumber: SEED.provider,
          certificateFormat: "pfx",
          timeout: 10,
          credentials: { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.pfx.openSslDefault.password },
        },
        {
          id: "start",
          type: "inject",
          z: "tab",
          x: 100,
          y: 100,
          once: false,
          repeat: "",
          props: [{ p: "payload" }],
          payload: JSON.stringify(employers),
          payloadType: "json",
          wires: [["export"]],
        },
        {
          id: "export",
          type: "fla-export",
          z: "tab",
          x: 300,
          y: 100,
          config: "cfg",
          folder: "fla-export",
          trainings: true,
          trainingRights: true,
          trainingCredits: false,
          fromYear: "2025",
          toYear: "2025",
          csv: true,
          xlsx: false,
          wires: [["fla"], []],
        },
        {
          id: "fla",
          type: "change",
          z: "tab",
          x: 500,
          y: 100,
          rules: [{ t: "set", p: "payload", pt: "msg", to: "fla", tot: "msg" }],
          wires: [["done"]],
        },
        {
          id: "done",
          type: "file",
          z: "tab",
          x: 700,
          y: 100,
          filename: doneFile,
          filenameType: "str",
          appendNewline: true,
          createDir: true,
          overwriteFile: "false",
          encoding: "utf8",
          wires: [[]],
        },
      ];
      const deployed = await fetch(`${first.url}/flows`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
        body: JSON.stringify(flow),
      });
      assert.equal(deployed.status, 204, await deployed.text());

      // Slow answers, so that the run is surely in the middle when the process dies.
      ctx.sim.faults.add({ route: "*", kind: "slow", delayMs: 150 });
      // The flows start just after the deploy answered: the inject node answers 404 until then.
      let clicked = 0;
      for (let tries = 0; clicked !== 200 && tries < 100; tries++) {
        if (tries > 0) await new Promise((r) => setTimeout(r, 100));
        clicked = (await fetch(`${first.url}/inject/start`, { method: "POST" })).status;
      }
      assert.equal(clicked, 200, first.output());
      await waitUntil(
        () => manifestNow(folder)?.employers[EMPLOYER_A]?.status === "complete",
        90_000,
        "the first employer complete",
      );
      await first.kill();

      const cut = manifestNow(folder)!;
      assert.equal(cut.complete, false, "killed in the middle of the run");
      assert.equal(cut.finishedAt, null);
      assert.equal(cut.owner, "export");
      assert.deepEqual(Object.keys(cut.employers), employers, "the manifest knows the whole list");
      assert.equal(existsSync(doneFile), false, "no done message before the kill");
      const firstEmployerFile = `${EMPLOYER_A}/trainings.jsonl`;
      const firstEmployerEntry = cut.files[firstEmployerFile];
      assert.ok(firstEmployerEntry, "the complete employer's file is recorded");

      ctx.sim.faults.clear();
      second = await startNodeRed({ userDir });
      await waitUntil(
        () => existsSync(doneFile) && readFileSync(doneFile, "utf8").includes("\n"),
        90_000,
        "the done message of the resumed run",
      );
      const done = JSON.parse(readFileSync(doneFile, "utf8").trim().split("\n")[0]) as Record<string, unknown>;
      assert.equal(done.resumed, true);
      assert.equal(done.complete, true);
      assert.equal(done.folder, folder);

      const manifest = readManifestFile(folder);
      assert.equal(manifest.complete, true);
      assert.notEqual(manifest.finishedAt, null);
      assert.deepEqual(Object.keys(manifest.employers), employers);
      assert.deepEqual(
        manifest.files[firstEmployerFile],
        firstEmployerEntry,
        "the employer complete before the kill was kept as it was",
      );
      for (const employer of employers) {
        const state = manifest.employers[employer];
        assert.equal(state.status, "complete", employer);
        const trainings = assertNoDuplicate(join(folder, employer, "trainings.jsonl"), "trainingId");
        assert.equal(trainings, state.trainings!.total, `${employer} trainings`);
        assert.equal(
          trainings,
          ctx.sim.data.trainingsOf(employer).filter((t: { status?: string }) => t.status !== "CANCELLED").length,
          `${employer}: as many as the simulator holds`,
        );
        const rights = readFileSync(join(folder, employer, "training-rights.jsonl"), "utf8")
          .split("\n")
          .filter(Boolean);
        assert.equal(new Set(rights).size, rights.length, `${employer}: a training right written twice`);
        assert.equal(rights.length, state.trainingRights!.total, `${employer} rights`);
      }
      assert.doesNotMatch(second.output(), /\[error\]/, "no error logged by the resumed run");
    });
  });
});
