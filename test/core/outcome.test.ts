/** The outcome builder and FlaError: ERROR for technical failures, attempts and cause on the error. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FLA_ERROR_CODES, FlaError } from "../../src/core/errors";
import { SafeCause } from "../../src/core/http/safeCause";
import { errorOutcome, flaMeta, invalidOutcome } from "../../src/core/outcome";
import { FLA_STATUSES } from "../../src/core/result";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "simulator" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("core/outcome", () => {
  it("an error outcome is status ERROR, with the attempts and HTTP status its error carries", () => {
    const error = new FlaError("FLA_HTTP", "The FLA API answered 500.", { httpStatus: 500, attempts: 3 });
    const outcome = errorOutcome("training", error);
    assert.equal(outcome.output, "error");
    assert.equal(outcome.error, error);
    assert.equal(outcome.fla.status, "ERROR");
    assert.equal(outcome.fla.attempts, 3);
    assert.equal(outcome.fla.httpStatus, 500);
    assert.deepEqual(outcome.fla.anomalies, []);
  });

  it("a run that knows more attempts than its last error tells both msg.fla and the error", () => {
    const error = new FlaError("FLA_NETWORK", "reset", { attempts: 1 });
    const outcome = errorOutcome("trainings", error, { attempts: 7 });
    assert.equal(outcome.fla.attempts, 7);
    assert.equal(outcome.error.attempts, 7);
  });

  it("anything thrown becomes a FlaError whose cause holds no secret", () => {
    const outcome = errorOutcome("createTraining", new Error(`request failed with Authorization: Bearer ${TOKEN}`));
    assert.equal(outcome.error.code, "FLA_HTTP");
    assert.equal(outcome.fla.status, "ERROR");
    assert.ok(outcome.error.cause instanceof SafeCause);
    assert.ok(!JSON.stringify(outcome.error.cause).includes(TOKEN));
    assert.ok(!String((outcome.error.cause as Error).message).includes(TOKEN));
  });

  it("msg.fla leaves out what is not known, and an INVALID outcome sent nothing", () => {
    const fla = flaMeta({ operation: "training", status: "OK" });
    assert.deepEqual(Object.keys(fla).sort(), ["anomalies", "attempts", "durationMs", "operation", "status"]);
    const invalid = invalidOutcome("training", { x: 1 }, []);
    assert.equal(invalid.output, "anomaly");
    assert.equal(invalid.fla.status, "INVALID");
    assert.equal(invalid.fla.attempts, 0);
  });
});

describe("FlaError", () => {
  it("takes its cause through the standard option: an own, non-enumerable property, reduced to a SafeCause", () => {
    const error = new FlaError("FLA_NETWORK", "The connection failed.", {
      cause: Object.assign(new Error(`socket hang up ${TOKEN}`), { code: "ECONNRESET" }),
    });
    const descriptor = Object.getOwnPropertyDescriptor(error, "cause");
    assert.ok(descriptor, "own property (Node-RED copies an own cause into msg.error)");
    assert.equal(descriptor.enumerable, false);
    assert.ok(error.cause instanceof SafeCause);
    assert.equal(error.cause.code, "ECONNRESET");
    assert.ok(!JSON.stringify({ ...error, cause: error.cause, message: error.message }).includes(TOKEN));
    assert.equal(Object.getOwnPropertyDescriptor(new FlaError("FLA_HTTP", "no cause"), "cause"), undefined);
  });

  it("within: the same failure told from further up keeps code, status, reason, retryability and attempts, with it as cause", () => {
    const inner = new FlaError("FLA_TIMEOUT", "no answer", {
      httpStatus: 504,
      reason: "slow",
      retryable: true,
      attempts: 4,
    });
    const outer = FlaError.within(inner, "The trainings query failed at page 3: no answer");
    assert.deepEqual(
      [outer.code, outer.httpStatus, outer.reason, outer.retryable, outer.attempts],
      ["FLA_TIMEOUT", 504, "slow", true, 4],
    );
    assert.equal(outer.cause, inner);
  });
});

describe("status and error code tables", () => {
  const files = sourceFiles(join(PROJECT_ROOT, "src"));

  it("every msg.fla.status the sources set is in FLA_STATUSES, and ERROR is the only one of the error output", () => {
    const used = new Set<string>();
    for (const file of files)
      for (const match of readFileSync(file, "utf8").matchAll(/status: "([A-Z_]+)"/g)) used.add(match[1]);
    assert.ok(used.size >= 8, [...used].join());
    assert.deepEqual(
      [...used].filter((status) => !(status in FLA_STATUSES)),
      [],
    );
    assert.deepEqual(
      Object.entries(FLA_STATUSES)
        .filter(([, entry]) => entry.output === "error")
        .map(([status]) => status),
      ["ERROR"],
    );
  });

  it("every error code the sources raise is in FLA_ERROR_CODES, with its texts in English, French and Dutch", () => {
    const used = new Set<string>();
    for (const file of files)
      for (const match of readFileSync(file, "utf8").matchAll(/new FlaError\(\s*"(FLA_[A-Z_]+)"/g)) used.add(match[1]);
    assert.ok(used.size >= 8, [...used].join());
    assert.deepEqual(
      [...used].filter((code) => !(code in FLA_ERROR_CODES)),
      [],
    );
    for (const [code, texts] of Object.entries(FLA_ERROR_CODES)) {
      assert.ok(texts.en && texts.fr && texts.nl, code);
      assert.notEqual(texts.fr, texts.en, code);
      assert.notEqual(texts.nl, texts.en, code);
    }
  });
});
