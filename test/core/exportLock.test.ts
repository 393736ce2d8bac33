/** The export folder's lock: taken over from a host that stopped refreshing it, within the node's retry window. */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { FlaError } from "../../src/core/errors";
import { LOCK_TIMING, lockFolder } from "../../src/core/export/lock";
import { tempFolder } from "./exportHelpers";

/** What the fla-export node's resume waits for a lock (src/nodes/fla-export.ts: 180 tries, 1 s apart). */
const NODE_RESUME_WAIT_MS = 180 * 1_000;

describe("core/export lock", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempFolder();
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A lock of another host (a Docker container before its re-creation), last refreshed `ageMs` ago. */
  async function foreignLock(ageMs: number): Promise<void> {
    const file = path.join(dir, ".lock");
    await fs.writeFile(
      file,
      JSON.stringify({ pid: 1, host: "container-before-recreation", startedAt: "2026-12-01T08:00:00Z" }),
    );
    const then = new Date(Date.now() - ageMs);
    await fs.utimes(file, then, then);
  }

  it("a lock of another host not refreshed for 100 s is stale: taken over", async () => {
    await foreignLock(100_000);
    const lock = await lockFolder(dir);
    const owner = JSON.parse(await fs.readFile(path.join(dir, ".lock"), "utf8")) as { pid: number };
    assert.equal(owner.pid, process.pid);
    await lock.release();
  });

  it("a lock of another host refreshed 20 s ago is live: FLA_LOCKED", async () => {
    await foreignLock(20_000);
    await assert.rejects(lockFolder(dir), (error: unknown) => error instanceof FlaError && error.code === "FLA_LOCKED");
  });

  it("timing: a live holder refreshes at least three times within the stale age, and a stale lock is free well within the node's resume wait", () => {
    assert.ok(LOCK_TIMING.refreshMs * 3 <= LOCK_TIMING.staleMs);
    // The old holder may have refreshed it just before it died: the resume gets it after staleMs at most.
    assert.ok(LOCK_TIMING.staleMs <= NODE_RESUME_WAIT_MS / 2);
  });
});
