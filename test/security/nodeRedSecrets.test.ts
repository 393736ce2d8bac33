/**
 * A real Node-RED process with adminAuth: the credentials deployed with a flow never reach flows.json, an export or the
 * log, the credential file is encrypted, and the config node's admin endpoints refuse callers without a token.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { simulatorConfigNode, simulatorFields } from "../support/processFlow";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { waitUntil } from "../load/support";
import { SEED } from "../../src/simulator";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bcrypt = require("bcryptjs") as { hashSync(password: string, rounds: number): string };

const ADMIN_USER = "fla-admin";
const ADMIN_PASSWORD = "Admin-pass-for-tests-1";
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** The simulator's access tokens are 32 random bytes in base64url: 43 characters, not all hexadecimal (thumbprints are). */
const TOKEN_LIKE = /(?<![\w-])[A-Za-z0-9_-]{43}(?![\w-])/g;

/**
 * Strings that must never show: the password, pieces of the .pfx and of the key, any PEM, any assertion, and anything
 * shaped like an access token (unless `tokenShapes` is false: encrypted text has such runs by chance).
 */
function secretsIn(text: string, certs: TestCertificates, tokenShapes = true): string[] {
  const found: string[] = [];
  const pfx = certs.pfx.openSslDefault.base64;
  const keyBody = certs.client.privateKeyPem.split("\n").filter((line) => line && !line.startsWith("-----"));
  const pieces: Array<[string, string]> = [
    ["password", certs.pfx.openSslDefault.password],
    ["pfx start", pfx.slice(0, 48)],
    ["pfx middle", pfx.slice(Math.floor(pfx.length / 2), Math.floor(pfx.length / 2) + 48)],
    ["key line", keyBody[1]],
    ["key line", keyBody[keyBody.length - 2]],
    ["PEM", "-----BEGIN"],
    ["private key", "PRIVATE KEY"],
  ];
  for (const [what, piece] of pieces) if (piece && text.includes(piece)) found.push(what);
  if (JWT.test(text)) found.push(`assertion ${JWT.exec(text)![0].slice(0, 20)}...`);
  if (tokenShapes)
    for (const match of text.match(TOKEN_LIKE) ?? [])
      if (!/^[0-9a-f]+$/i.test(match)) found.push(`token-like ${match.slice(0, 6)}...`);
  return found;
}

interface Admin {
  token: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    auth?: boolean,
  ): Promise<{ status: number; text: string; contentType: string }>;
}

async function adminLogin(red: NodeRedProcess): Promise<Admin> {
  const res = await fetch(`${red.url}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_id: "node-red-admin",
      grant_type: "password",
      scope: "*",
      username: ADMIN_USER,
      password: ADMIN_PASSWORD,
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const token = ((await res.json()) as { access_token: string }).access_token;
  return {
    token,
    call: async (method, path, body, auth = true) => {
      const headers: Record<string, string> = { "Node-RED-API-Version": "v1" };
      if (auth) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const answer = await fetch(`${red.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: answer.status,
        text: await answer.text(),
        contentType: answer.headers.get("content-type") ?? "",
      };
    },
  };
}

describe("security: a real Node-RED with adminAuth", function () {
  this.timeout(60_000);
  let certs: TestCertificates;
  let sim: TestSimulator;
  let red: NodeRedProcess;
  let admin: Admin;

  const training = JSON.stringify({
    employer: { enterpriseNumber: SEED.demoEmployer },
    worker: { ssin: SEED.demoWorker },
    externalReference: "SEC-1",
    title: "Security",
    period: { startDate: "2024-03-04", endDate: "2024-03-04" },
    nature: "FORMAL",
    duration: { value: 2, unit: "HOURS" },
  });

  const config = (id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> =>
    simulatorConfigNode(id, sim, certs, overrides);
  /** An inject (once, at deploy) feeding a declare node of `configId`; no Catch node, so its errors are logged. */
  const declaring = (n: number, configId: string): Array<Record<string, unknown>> => [
    {
      id: `inject${n}`,
      type: "inject",
      z: "tab",
      x: 100,
      y: 100 * n,
      once: true,
      onceDelay: 0.2,
      repeat: "",
      props: [{ p: "payload" }],
      payload: training,
      payloadType: "json",
      wires: [[`declare${n}`]],
    },
    {
      id: `declare${n}`,
      type: "fla-declare",
      name: `declare ${n}`,
      z: "tab",
      x: 300,
      y: 100 * n,
      config: configId,
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 5,
      wires: [[], []],
    },
  ];

  before(async function () {
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem);
    const hash = bcrypt.hashSync(ADMIN_PASSWORD, 8);
    red = await startNodeRed({
      credentialSecret: "a-credential-secret-for-tests",
      extraSettings: `adminAuth: { type: "credentials", users: [{ username: ${JSON.stringify(ADMIN_USER)}, password: ${JSON.stringify(hash)}, permissions: "*" }] },`,
    });
    admin = await adminLogin(red);
  });
  after(async () => {
    await red?.stop();
    await sim?.stop();
  });

  it("deploys a flow with the .pfx and its password; flows.json, GET /flows and the credential file hold no secret in clear", async () => {
    // Every API call fails (500), the wrong password and the unknown client id fail at deploy or at the token: all logged.
    sim.faults.add({ route: "POST /trainings", kind: "status", status: 500 });
    const flow = [
      { id: "tab", type: "tab", label: "security" },
      // The outbox tries a declaration again while the API answers 5xx; one attempt logs the error at once.
      config("cfg", { maxAttempts: 1 }),
      config("cfgWrongPassword", {
        credentials: { pfx: certs.pfx.openSslDefault.base64, passphrase: "not-the-password" },
      }),
      config("cfgUnknownClient", { clientId: "self_service_not_registered" }),
      ...declaring(1, "cfg"),
      ...declaring(2, "cfgWrongPassword"),
      ...declaring(3, "cfgUnknownClient"),
    ];
    const deployed = await admin.call("POST", "/flows", flow);
    assert.equal(deployed.status, 204, deployed.text);

    const flowsFile = join(red.userDir, "flows.json");
    const credFile = join(red.userDir, "flows_cred.json");
    await waitUntil(() => existsSync(flowsFile) && existsSync(credFile), 10_000, "the flow files");
    const flowsOnDisk = readFileSync(flowsFile, "utf8");
    assert.match(flowsOnDisk, /fla-config/);
    assert.deepEqual(secretsIn(flowsOnDisk, certs), [], "flows.json");

    const exported = await admin.call("GET", "/flows");
    assert.equal(exported.status, 200);
    assert.match(exported.text, /cfgWrongPassword/);
    assert.deepEqual(secretsIn(exported.text, certs), [], "GET /flows");

    const creds = readFileSync(credFile, "utf8");
    assert.ok(
      typeof (JSON.parse(creds) as { $?: unknown }).$ === "string",
      "flows_cred.json is encrypted (a single $ field)",
    );
    assert.deepEqual(secretsIn(creds, certs, false), [], "flows_cred.json");

    // The three failures reach the log, and nothing secret with them.
    // Three message errors, and the wrong password logged at deploy by the node that uses that config (not by the config).
    await waitUntil(
      () => (red.output().match(/\[error\] \[fla-declare:declare \d\]/g) ?? []).length >= 4,
      20_000,
      "four declare errors in the log",
    );
    const log = red.output();
    assert.match(
      log,
      /\[error\] \[fla-declare:declare 2\] FLA_CERT: .*password/,
      "the wrong password is reported at deploy",
    );
    assert.doesNotMatch(log, /\[error\] \[fla-config:/, "the config nodes themselves log nothing");
    assert.match(log, /FLA_HTTP|answered 500|500/, "the API failure is logged");
    assert.ok(
      sim.stats.tokenRequests >= 2 && sim.stats.rejectedAssertions >= 1,
      "a token was issued and an assertion refused",
    );
    assert.deepEqual(secretsIn(log, certs), [], "the Node-RED log");
  });

  it("the admin endpoints answer 401 without a token and work with one; test-connection never returns key material", async () => {
    const body = {
      ...simulatorFields(sim),
      certificateFormat: "pfx",
      credentials: { pfx: certs.pfx.openSslDefault.base64, passphrase: certs.pfx.openSslDefault.password },
    };
    for (const [method, path, sent] of [
      ["POST", "/fla-config/test-connection", body],
      ["GET", "/fla-config/cfg/certificate", undefined],
      ["GET", "/fla-config/cfg/certificate.cer", undefined],
    ] as const) {
      const refused = await admin.call(method, path, sent, false);
      assert.equal(refused.status, 401, `${method} ${path} without a token`);
    }

    const tested = await admin.call("POST", "/fla-config/test-connection", body);
    assert.equal(tested.status, 200);
    const answer = JSON.parse(tested.text) as Record<string, unknown>;
    assert.equal(answer.ok, true, tested.text);
    assert.equal(
      answer.scope,
      sim.client.role === "employer"
        ? "scope:sigedis:gestion:careerpro-federal-learning-account:employer"
        : answer.scope,
    );
    assert.ok(
      !("access_token" in answer) && !("accessToken" in answer) && !("token" in answer),
      "no token in the answer",
    );
    assert.deepEqual(secretsIn(tested.text, certs), [], "test-connection answer");

    const wrong = await admin.call("POST", "/fla-config/test-connection", {
      ...body,
      credentials: { ...body.credentials, passphrase: "wrong-one" },
    });
    assert.equal((JSON.parse(wrong.text) as { ok: boolean }).ok, false);
    assert.deepEqual(secretsIn(wrong.text, certs), [], "test-connection failure");

    const summary = await admin.call("GET", "/fla-config/cfg/certificate");
    assert.equal(summary.status, 200);
    assert.equal((JSON.parse(summary.text) as { ok: boolean }).ok, true, summary.text);
    assert.deepEqual(secretsIn(summary.text, certs), [], "certificate summary");

    const cer = await admin.call("GET", "/fla-config/cfg/certificate.cer");
    assert.equal(cer.status, 200);
    assert.match(cer.contentType, /application\/pkix-cert/);
    assert.deepEqual(secretsIn(cer.text, certs), [], "certificate.cer");
  });
});
