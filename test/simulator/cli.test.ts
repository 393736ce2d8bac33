import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import forge from "node-forge";
import { SEED } from "../../src/simulator";
import { certificateFileToPem, parseCliArguments } from "../../src/simulator/cliOptions";
import { api, makeCertificate, requestToken, signAssertion, tokenForm } from "./helpers";

const BIN = resolve(__dirname, "../../../bin/fla-simulator.js");

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolvePromise(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`fla-simulator exited (${code}) before listening: ${out}`)));
  });
}

describe("simulator: command line", function () {
  let dir: string;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "fla-sim-cli-"));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts with a registered client and a fault, answers a token, and stops on SIGTERM", async function () {
    const keys = makeCertificate();
    const certFile = join(dir, "client.pem");
    writeFileSync(certFile, keys.certificatePem);
    const child = spawn(
      process.execPath,
      [
        BIN,
        "--port",
        "0",
        "--no-seed",
        "--certificate",
        certFile,
        "--client-id",
        "cli_client",
        "--fault",
        "GET /trainings:status=503:times=1",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const url = await waitForUrl(child);
      const sim = { url, tokenUrl: `${url}/REST/oauth/v5/token`, apiUrl: `${url}/REST/federalLearningAccount/v1` };
      const assertion = await signAssertion({ clientId: "cli_client", key: keys.privateKey, audience: sim.tokenUrl });
      const answer = await requestToken(sim as never, tokenForm(assertion));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const token = answer.body.access_token as string;
      assert.equal((await api(sim as never, token, "GET", "/trainings")).status, 503);
      assert.equal((await api(sim as never, token, "GET", "/trainings")).status, 200);
    } finally {
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
  });

  it("refuses bad arguments with the usage and exit code 2", async function () {
    const child = spawn(process.execPath, [BIN, "--role", "boss"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    assert.equal(code, 2);
    assert.match(err, /Usage: fla-simulator/);
  });

  it("parses the options, with role defaults and DER certificates", function () {
    const keys = makeCertificate();
    const der = Buffer.from(
      forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(keys.certificatePem))).getBytes(),
      "binary",
    );
    const config = parseCliArguments(
      [
        "--port",
        "4000",
        "--async",
        "--async-delay",
        "50",
        "--certificate",
        "x.cer",
        "--role",
        "provider",
        "--fault",
        "*:reset:times=1",
        "--no-seed",
      ],
      () => der,
    );
    assert.equal(config.options.port, 4000);
    assert.equal(config.options.asyncDeclarations, true);
    assert.equal(config.options.asyncDelayMs, 50);
    assert.equal(config.options.seed, false);
    assert.equal(config.client?.role, "provider");
    assert.equal(config.client?.enterpriseNumber, SEED.provider);
    assert.equal(config.client?.clientId, SEED.clientIds.provider);
    assert.equal(
      config.client?.certificatePem.replace(/\s/g, ""),
      certificateFileToPem(Buffer.from(keys.certificatePem)).replace(/\s/g, ""),
    );
    assert.deepEqual(config.faults, [{ route: "*", kind: "reset", times: 1 }]);
    assert.throws(() => parseCliArguments(["--client-id", "x"]), /need --certificate/);
    assert.throws(() => parseCliArguments(["--port", "abc"]), /whole number/);
  });
});
