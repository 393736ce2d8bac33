import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Journal, JournalEntry } from "../../src/core/outbox/journal";

const isWindows = process.platform === "win32";

function entry(ref: number, owner = "node-1"): { owner: string; kind: string; data: unknown; acceptedAt: number } {
  return {
    owner,
    kind: "declare",
    data: { payload: { ref, ssin: "85073003328" }, topic: `t${ref}` },
    acceptedAt: 1_700_000_000_000 + ref,
  };
}

async function refs(journal: Journal): Promise<number[]> {
  const found: number[] = [];
  for (const e of [...journal.entries()])
    found.push(((await journal.readData(e)) as { payload: { ref: number } }).payload.ref);
  return found;
}

describe("core/outbox Journal", () => {
  let dir: string;
  let file: string;
  let warnings: string[];
  const warn = (message: string): void => {
    warnings.push(message);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "fla-outbox-"));
    file = join(dir, "outbox", "config-1.journal");
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the entries accepted, with their data, across a reopen, in a 0600 file in a 0700 folder", async () => {
    const journal = await Journal.open(file, { warn });
    const first = await journal.put(entry(1));
    await journal.put(entry(2, "node-2"));
    await journal.done(first);
    await journal.close();
    if (!isWindows) {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, "outbox")).mode & 0o777, 0o700);
    }

    const reopened = await Journal.open(file, { warn });
    const entries = [...reopened.entries()];
    assert.deepEqual(
      entries.map((e) => [e.id, e.owner, e.kind, e.acceptedAt]),
      [[2, "node-2", "declare", 1_700_000_000_002]],
    );
    assert.deepEqual(await reopened.readData(entries[0]), entry(2).data);
    const next = await reopened.put(entry(3));
    assert.equal(next.id, 3, "ids are not reused after a restart");
    await reopened.close();
    assert.deepEqual(warnings, []);
  });

  it("writes the appends of one turn with one write and one sync (group commit), each resolved after its sync", async () => {
    const journal = await Journal.open(file, { warn });
    const puts = Array.from({ length: 200 }, (_, i) => journal.put(entry(i)));
    const results = await Promise.all(puts);
    assert.equal(results.length, 200);
    assert.equal(journal.stats.syncs, 1);
    assert.equal(journal.stats.writes, 1);

    // While a write is under way, the appends that arrive meanwhile share the next one.
    const more: Promise<JournalEntry>[] = [];
    for (let i = 0; i < 10; i++) {
      more.push(journal.put(entry(1000 + i)));
      await new Promise((next) => setImmediate(next));
    }
    await Promise.all(more);
    assert.ok(journal.stats.syncs < 1 + 10, `${journal.stats.syncs} syncs for 10 appends in 10 turns`);
    await journal.close();

    const single = await Journal.open(join(dir, "single.journal"), { warn, maxBatch: 1 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => single.put(entry(i))));
    assert.equal(single.stats.syncs, 20, "maxBatch 1 syncs each append");
    await single.close();
  });

  it("cuts off a torn last line (half a record) with a warning, and keeps every whole record", async () => {
    const journal = await Journal.open(file, { warn });
    await Promise.all([1, 2, 3].map((ref) => journal.put(entry(ref))));
    await journal.close();
    const whole = statSync(file).size;
    appendFileSync(file, '3a1f09c2 {"seq":9,"type":"put","id":4,"owner":"node-1","kind":"decl');

    const reopened = await Journal.open(file, { warn });
    assert.deepEqual(await refs(reopened), [1, 2, 3]);
    assert.equal(statSync(file).size, whole, "the torn tail is truncated");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /torn or corrupt end of \d+ bytes \(1 line\(s\)\) was cut off; 3 entries recovered/);
    assert.doesNotMatch(warnings[0], /85073003328/, "no personal data in the warning");
    await reopened.put(entry(5));
    await reopened.close();
    const again = await Journal.open(file, { warn });
    assert.deepEqual(await refs(again), [1, 2, 3, 5]);
    await again.close();
  });

  it("cuts off a last record whose checksum does not match, and skips a corrupt record in the middle", async () => {
    const journal = await Journal.open(file, { warn });
    for (const ref of [1, 2, 3, 4]) await journal.put(entry(ref));
    await journal.close();
    const lines = readFileSync(file, "utf8").split("\n");
    // lines: header, put 1, put 2, put 3, put 4, ""
    lines[2] = lines[2].replace('"ref":2', '"ref":7'); // bit rot in the middle: the checksum no longer matches
    lines[4] = lines[4].replace('"ref":4', '"ref":8'); // the last record
    writeFileSync(file, lines.join("\n"));

    const reopened = await Journal.open(file, { warn });
    assert.deepEqual(await refs(reopened), [1, 3]);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /\(1 line\(s\)\) was cut off; 1 corrupt record\(s\) before the end were skipped; 2 entries recovered/,
    );
    await reopened.close();
  });

  it("remembers attempts: an attempt without a recorded end comes back interrupted, one with a failure does not", async () => {
    const journal = await Journal.open(file, { warn });
    const sent = await journal.put(entry(1));
    const failed = await journal.put(entry(2));
    const finished = await journal.put(entry(3));
    await journal.attempt(sent);
    await journal.attempt(failed);
    await journal.failed(failed, true, 1_700_000_100_000);
    await journal.attempt(finished);
    await journal.outcome(finished, { outcome: { status: "ACCEPTED" } });
    await journal.close();

    const reopened = await Journal.open(file, { warn });
    const [a, b, c] = [...reopened.entries()];
    assert.deepEqual([a.attempts, a.interrupted, a.hasOutcome], [1, true, false]);
    assert.deepEqual([b.attempts, b.failures, b.notBefore, b.interrupted], [1, 1, 1_700_000_100_000, false]);
    assert.deepEqual([c.attempts, c.interrupted, c.hasOutcome], [1, false, true]);
    assert.deepEqual(await reopened.readOutcome(c), { outcome: { status: "ACCEPTED" } });
    await reopened.close();
  });

  it("compacts a file made mostly of finished entries into the live records, atomically, and keeps reading them", async () => {
    const journal = await Journal.open(file, { warn, compactMinBytes: 16 * 1024 });
    const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => journal.put(entry(i))));
    await journal.flushed();
    assert.equal(
      journal.stats.compactions,
      0,
      "a file of live entries is not compacted, even in the flush that wrote them",
    );
    const kept = entries.filter((_, i) => i % 20 === 0);
    await journal.attempt(kept[0]);
    await journal.failed(kept[0], true, 0);
    await journal.attempt(kept[1]);
    await journal.outcome(kept[2], { outcome: "x" });
    const before = journal.stats.bytes;
    await Promise.all(entries.filter((e) => !kept.includes(e)).map((e) => journal.done(e)));
    const trigger = journal.put(entry(999)); // the write after which the compaction runs
    // Reads while the files are swapped wait for the swap and read the new file at the new offsets.
    const duringSwap: Promise<unknown>[] = [];
    while (journal.stats.compactions === 0 && duringSwap.length < 10_000) {
      duringSwap.push(journal.readData(kept[3]));
      await new Promise((next) => setImmediate(next));
    }
    await trigger;
    for (const read of await Promise.all(duringSwap)) assert.deepEqual(read, entry(60).data);
    assert.ok(journal.stats.compactions >= 1, "compacted");
    assert.ok(journal.stats.bytes < before / 4, `${journal.stats.bytes} bytes after, ${before} before`);
    assert.deepEqual(await refs(journal), [...kept.map((e) => e.id - 1), 999]);
    assert.deepEqual(await journal.readOutcome(kept[2]), { outcome: "x" });
    await journal.close();

    const reopened = await Journal.open(file, { warn });
    assert.deepEqual(await refs(reopened), [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 999]);
    const [first, second, third] = [...reopened.entries()];
    assert.deepEqual([first.attempts, first.failures, first.interrupted], [1, 1, false]);
    assert.deepEqual([second.attempts, second.interrupted], [1, true]);
    assert.deepEqual(await reopened.readOutcome(third), { outcome: "x" });
    assert.equal((await reopened.put(entry(1000))).id, 202, "ids go on after a compaction");
    assert.deepEqual(warnings, []);
    await reopened.close();
  });

  it("moves entries to an orphans file (0600, plain JSON lines) and out of the journal", async () => {
    const journal = await Journal.open(file, { warn });
    const [gone1, kept, gone2] = await Promise.all([
      journal.put(entry(1, "gone")),
      journal.put(entry(2)),
      journal.put(entry(3, "gone")),
    ]);
    await journal.attempt(gone2);
    const orphans = join(dir, "outbox", "config-1.orphans.jsonl");
    assert.equal(await journal.moveTo([gone1, gone2], orphans), 2);
    assert.deepEqual([...journal.entries()], [kept]);
    await journal.close();
    if (!isWindows) assert.equal(statSync(orphans).mode & 0o777, 0o600);
    const moved = readFileSync(orphans, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      moved.map((m) => [m.id, m.owner, m.kind, m.attempts, m.interrupted, m.data.payload.ref]),
      [
        [1, "gone", "declare", 0, false, 1],
        [3, "gone", "declare", 1, true, 3],
      ],
    );
    const reopened = await Journal.open(file, { warn });
    assert.deepEqual(await refs(reopened), [2]);
    await reopened.close();
  });

  it("reads back the data of entries it accepted from memory, within its byte budget, as a copy taken at acceptance", async () => {
    // A budget for about two of these records: the third is read back from the file, as after a restart.
    const journal = await Journal.open(file, { warn, readBackBytes: 2 * JSON.stringify(entry(1).data).length + 10 });
    const accepted = entry(1);
    const first = await journal.put(accepted);
    const second = await journal.put(entry(2));
    const third = await journal.put(entry(3));
    (accepted.data as { topic: string }).topic = "changed after acceptance";
    assert.deepEqual(await journal.readData(first), entry(1).data);
    assert.deepEqual(await journal.readData(second), entry(2).data);
    assert.equal(journal.stats.diskReads, 0);
    assert.deepEqual(await journal.readData(third), entry(3).data);
    assert.equal(journal.stats.diskReads, 1);
    // Done entries leave the budget: a new one is served from memory again.
    await journal.done(first);
    const fourth = await journal.put(entry(4));
    assert.deepEqual(await journal.readData(fourth), entry(4).data);
    assert.equal(journal.stats.diskReads, 1);
    await journal.close();
    const reopened = await Journal.open(file, { warn });
    assert.deepEqual(await refs(reopened), [2, 3, 4]);
    assert.equal(reopened.stats.diskReads, 3);
    await reopened.close();
  });

  it("keeps everything in memory without a path", async () => {
    const journal = await Journal.open(undefined);
    const e = await journal.put(entry(1));
    await journal.attempt(e);
    await journal.outcome(e, { outcome: 1 });
    assert.deepEqual(await journal.readData(e), entry(1).data);
    assert.deepEqual(await journal.readOutcome(e), { outcome: 1 });
    await journal.done(e);
    assert.equal(journal.stats.entries, 0);
    await journal.close();
  });

  it("after a SIGKILL while appending, holds every append whose promise had resolved", async function () {
    this.timeout(60_000);
    const journalModule = resolve(__dirname, "../../src/core/outbox/journal.js");
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const { Journal } = require(process.argv[1]);
         (async () => {
           const journal = await Journal.open(process.argv[2]);
           let next = 0;
           const loop = async () => {
             for (;;) {
               const ref = next++;
               await journal.put({ owner: "node-1", kind: "declare", data: { ref, pad: "x".repeat(300) }, acceptedAt: Date.now() });
               process.stdout.write(ref + "\\n");
             }
           };
           for (let i = 0; i < 16; i++) loop();
         })();`,
        journalModule,
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const acknowledged = new Set<number>();
    let buffered = "";
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, signal) => done(signal)));
    await new Promise<void>((done) => {
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) acknowledged.add(Number(line));
        if (acknowledged.size >= 3000 && !child.killed) {
          child.kill("SIGKILL");
          done();
        }
      });
    });
    assert.equal(await exited, "SIGKILL");

    const recovered = await Journal.open(file, { warn });
    const present = new Set<number>();
    for (const e of [...recovered.entries()]) present.add(((await recovered.readData(e)) as { ref: number }).ref);
    const missing = [...acknowledged].filter((ref) => !present.has(ref));
    assert.deepEqual(missing, [], `${missing.length} acknowledged appends missing of ${acknowledged.size}`);
    assert.ok(present.size >= acknowledged.size);
    await recovered.close();
    truncateSync(file, 0); // the file is the test's own; leave nothing big behind before afterEach removes it
  });
});
