/** The archive's folder and manifest on disk: what the export refuses to write into, and a full disk. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { FlaError } from "../../src/core/errors";
import { ManifestText } from "../../src/core/export/manifest";
import { prepareFolder } from "../../src/core/export/run";
import type { Manifest } from "../../src/core/export/types";
import { tempFolder } from "./exportHelpers";

describe("core/export folder and manifest on disk", () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    dir = root = await tempFolder();
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it("an existing folder with other files and no manifest.json is refused (not an export folder), nothing written into it", async () => {
    await fs.writeFile(path.join(dir, "passwd"), "root:x:0:0\n");
    await assert.rejects(
      prepareFolder(dir),
      (error: unknown) =>
        error instanceof FlaError && error.code === "FLA_CONFIG" && /not an export folder/.test(error.message),
    );
    assert.deepEqual(await fs.readdir(dir), ["passwd"]);
  });

  it("a new folder, an empty one, an archive, or one a first run left with only its lock: accepted", async () => {
    await prepareFolder(path.join(dir, "new"));
    dir = path.join(dir, "new");
    await prepareFolder(dir);
    await fs.writeFile(path.join(dir, ".lock"), "{}");
    await prepareFolder(dir);
    await fs.writeFile(path.join(dir, "manifest.json"), "{}");
    await fs.mkdir(path.join(dir, "0203430576"));
    await prepareFolder(dir);
  });

  it("a full disk while the manifest is written: the error is thrown and no torn manifest.json.tmp is left", async () => {
    // A real write failure: the file size limit (EFBIG once SIGXFSZ is ignored), in a child process.
    const files = path.join(__dirname, "..", "..", "src", "core", "export", "files.js");
    const script = `process.on("SIGXFSZ", () => {});
      require(${JSON.stringify(files)}).writeFileAtomic(${JSON.stringify(path.join(dir, "manifest.json"))}, "x".repeat(100000), true)
        .then(() => console.log("written"), (e) => console.log(e.code));`;
    const child = spawn(
      "bash",
      ["-c", `ulimit -f 8; exec "${process.execPath}" -e '${script.replace(/'/g, "'\\''")}'`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => child.on("close", resolve));
    assert.equal(output.trim(), "FLA_FILE");
    assert.deepEqual(await fs.readdir(dir), [], "neither the manifest nor its temporary file");
  });
});

describe("core/export manifest text (employers' JSON reused between saves)", () => {
  function manifest(): Manifest {
    return {
      complete: false,
      startedAt: "2026-12-01T00:00:00.000Z",
      finishedAt: null,
      package: "p@1",
      options: { collections: ["trainings"], fromYear: 2025, toYear: 2025, csv: true, xlsx: false },
      employers: {
        "0203430576": {
          status: "partial",
          trainings: { written: 100, total: 250, complete: false, resume: { bytes: { jsonl: 12345 } } },
        },
        "0417497106": { status: "pending" },
      },
      files: {},
      error: undefined,
    };
  }

  it("is JSON.stringify of the manifest, also after the live employer and a replaced employer changed", () => {
    const text = new ManifestText();
    const m = manifest();
    assert.equal(text.of(m, undefined), JSON.stringify(m));
    // The live employer changes in place: serialised again.
    m.employers["0203430576"].trainings!.written = 200;
    assert.equal(text.of(m, "0203430576"), JSON.stringify(m));
    // Another employer's state replaced by a new object (a restart): not taken from the cache.
    m.employers["0417497106"] = { status: "refused" };
    m.files["0203430576/trainings.jsonl"] = { bytes: 1, sha256: "ab" };
    assert.equal(text.of(m, "0203430576"), JSON.stringify(m));
    delete m.employers["0417497106"];
    assert.equal(text.of(m, undefined), JSON.stringify(m));
  });
});
