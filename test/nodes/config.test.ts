import assert from "node:assert/strict";
import { SEED } from "../../src/simulator";
import type { FlaConfigNode } from "../../src/nodes/shared/types";
import { EXPORT_NODES } from "./exportFixture";
import {
  catchNode,
  configFlowNode,
  configNode,
  declareNode,
  helper,
  load,
  queryNode,
  startContext,
  wiredFlow,
  type NodeTestContext,
} from "./fixture";

/** A config node alone in a flow, with these credentials. */
async function loadConfig(
  ctx: NodeTestContext,
  credentials: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<FlaConfigNode> {
  await load([configNode], [configFlowNode(ctx.sim, overrides)], { cfg: credentials });
  return helper.getNode("cfg") as unknown as FlaConfigNode;
}

function loggedText(): string {
  return JSON.stringify(helper.log().args);
}

interface LogEntry {
  level: number;
  id?: string;
  msg?: unknown;
}

/** What nodes logged at warn (30) or error (20) level, as [node id, text] (the runtime's own notices have no id). */
function loggedProblems(): Array<[string | undefined, string]> {
  return helper
    .log()
    .args.map((args) => args[0] as LogEntry)
    .filter((entry) => entry && typeof entry.level === "number" && entry.level <= 30 && entry.id !== undefined)
    .map((entry) => [entry.id, String(entry.msg)]);
}

describe("fla-config node (real runtime, simulator over HTTP)", function () {
  let ctx: NodeTestContext;
  before(async () => {
    ctx = await startContext({}, { tokenLifetimeSeconds: 4 });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await ctx.sim.stop();
  });
  afterEach(async () => {
    await helper.unload();
  });

  describe("every certificate format gives a token", () => {
    const formats: Array<[string, (c: NodeTestContext["certs"]) => Record<string, string>, Record<string, unknown>]> = [
      [
        "PKCS#12, OpenSSL 3 defaults",
        (c) => ({ pfx: c.pfx.openSslDefault.base64, passphrase: c.pfx.openSslDefault.password }),
        {},
      ],
      ["PKCS#12, -legacy", (c) => ({ pfx: c.pfx.legacy.base64, passphrase: c.pfx.legacy.password }), {}],
      [
        "PKCS#12, Windows 3DES/SHA-1",
        (c) => ({ pfx: c.pfx.windows3des.base64, passphrase: c.pfx.windows3des.password }),
        {},
      ],
      [
        "PKCS#12, two entries chosen by alias",
        (c) => ({ pfx: c.pfx.twoEntries.base64, passphrase: c.pfx.twoEntries.password }),
        { alias: "fla-second" },
      ],
      [
        "PEM, PKCS#1 key",
        (c) => ({ certificate: c.client.certificatePem, privateKey: c.client.privateKeyPkcs1Pem }),
        { certificateFormat: "pem" },
      ],
      [
        "PEM, PKCS#8 key",
        (c) => ({ certificate: c.client.certificatePem, privateKey: c.client.privateKeyPem }),
        { certificateFormat: "pem" },
      ],
      [
        "PEM, encrypted PKCS#8 key",
        (c) => ({
          certificate: c.client.certificatePem,
          privateKey: c.client.encryptedPrivateKeyPem,
          passphrase: c.password,
        }),
        { certificateFormat: "pem" },
      ],
    ];
    for (const [label, credentials, overrides] of formats) {
      it(label, async () => {
        const node = await loadConfig(ctx, credentials(ctx.certs), overrides);
        assert.equal(node.connection.problem, undefined, node.connection.problem?.message);
        const token = await node.connection.getAccessToken();
        assert.match(token, /^\S{16,}$/);
        assert.equal(node.connection.certificate?.summary.keyBits, 2048);
      });
    }
  });

  describe("clear errors, at deploy, without secrets", () => {
    const cases: Array<
      [string, (c: NodeTestContext["certs"]) => Record<string, string>, Record<string, unknown>, string, RegExp]
    > = [
      [
        "wrong .pfx password",
        (c) => ({ pfx: c.pfx.openSslDefault.base64, passphrase: "not-the-password" }),
        {},
        "WRONG_PASSWORD",
        /password/i,
      ],
      [
        "expired certificate",
        (c) => ({ certificate: c.expired.certificatePem, privateKey: c.expired.privateKeyPem }),
        { certificateFormat: "pem" },
        "EXPIRED",
        /expired/i,
      ],
      [
        "key that does not match the certificate",
        (c) => ({ certificate: c.mismatched.certificatePem, privateKey: c.mismatched.privateKeyPem }),
        { certificateFormat: "pem" },
        "KEY_MISMATCH",
        /match/i,
      ],
      [
        "a .pfx without its private key",
        (c) => ({ pfx: c.pfx.certificateOnly.base64, passphrase: c.pfx.certificateOnly.password }),
        {},
        "NO_PRIVATE_KEY",
        /private key/i,
      ],
    ];
    for (const [label, credentials, overrides, reason, text] of cases) {
      it(label, async () => {
        const creds = credentials(ctx.certs);
        const node = await loadConfig(ctx, creds, overrides);
        const problem = node.connection.problem;
        assert.equal(problem?.code, "FLA_CERT");
        assert.equal(problem?.reason, reason);
        assert.match(problem.message, text);
        await assert.rejects(node.connection.getAccessToken(), (err: { code?: string }) => err.code === "FLA_CERT");
        const logged = loggedText();
        assert.doesNotMatch(logged, text, "a config node no node uses logs nothing");
        for (const secret of Object.values(creds)) assert.ok(!logged.includes(secret), "no credential in the log");
      });
    }

    it("a config node no node uses logs nothing, even without any certificate (the examples' simulator configs)", async () => {
      const node = await loadConfig(ctx, {});
      assert.equal(
        node.connection.problem?.reason,
        "MISSING",
        "the problem is still known, for the nodes that would use it",
      );
      assert.deepEqual(loggedProblems(), []);
    });

    const users: Array<[string, unknown[], Record<string, unknown>]> = [
      ["fla-declare", [configNode, declareNode, catchNode], { operation: "createTraining" }],
      ["fla-query", [configNode, queryNode, catchNode], { query: "trainings" }],
      ["fla-export", EXPORT_NODES, { folder: "fla-export" }],
    ];
    for (const [type, nodes, props] of users) {
      it(`${type} logs the problem of the config it uses, once, at deploy (wrong password)`, async () => {
        const creds = { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: "not-the-password" };
        await load(nodes, wiredFlow(configFlowNode(ctx.sim), { id: "user", type, name: type, ...props }), {
          cfg: creds,
        });
        const problems = loggedProblems();
        const mentions = problems.filter(([, text]) => /FLA_CERT/.test(text) && /password/i.test(text));
        assert.deepEqual(
          mentions.map(([id]) => id),
          ["user"],
          `logged once, by the node that uses the config: ${JSON.stringify(problems)}`,
        );
        for (const secret of Object.values(creds))
          assert.ok(!loggedText().includes(secret), "no credential in the log");
      });
    }

    it("a node whose config has no certificate yet (an imported example) logs nothing at deploy; its status says so", async () => {
      await load(
        [configNode, declareNode, catchNode],
        wiredFlow(configFlowNode(ctx.sim), { id: "user", type: "fla-declare", operation: "createTraining" }),
        { cfg: {} },
      );
      assert.deepEqual(loggedProblems(), []);
      const user = helper.getNode("user") as unknown as { status: { args: Array<[{ fill?: string; text?: string }]> } };
      const shown = user.status.args.map(([status]) => status);
      assert.ok(
        shown.some((status) => status.fill === "red" && /certificate/i.test(status.text ?? "")),
        JSON.stringify(shown),
      );
    });

    it("unknown client id: FLA_AUTH invalid_client naming Chaman", async () => {
      const node = await loadConfig(
        ctx,
        { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.password },
        { clientId: "self_service_nobody" },
      );
      await assert.rejects(
        node.connection.getAccessToken(),
        (err: { code?: string; reason?: string; message: string }) => {
          assert.equal(err.code, "FLA_AUTH");
          assert.equal(err.reason, "invalid_client");
          assert.match(err.message, /Chaman/);
          assert.doesNotMatch(err.message, /eyJ/);
          return true;
        },
      );
    });
  });

  describe("one shared token", () => {
    const credentials = (): Record<string, string> => ({
      pfx: ctx.certs.pfx.openSslDefault.base64,
      passphrase: ctx.certs.password,
    });

    it("50 concurrent getAccessToken() calls make one token request", async () => {
      const node = await loadConfig(ctx, credentials());
      const before = ctx.sim.stats.tokenRequests;
      const tokens = await Promise.all(Array.from({ length: 50 }, () => node.connection.getAccessToken()));
      assert.equal(new Set(tokens).size, 1);
      assert.equal(ctx.sim.stats.tokenRequests - before, 1);
    });

    it("uses a token announced for 4 s at least 60 s (no token every 2 s), and a new one once the API refuses it", async function () {
      this.timeout(15_000);
      const node = await loadConfig(ctx, credentials());
      const first = await node.connection.getAccessToken();
      assert.equal(await node.connection.getAccessToken(), first, "reused while fresh");
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(await node.connection.getAccessToken(), first, "a tiny announced lifetime is floored");
      node.connection.invalidateAccessToken(first);
      assert.notEqual(await node.connection.getAccessToken(), first, "renewed after the API's 401");
    });

    it("invalidation leads to a new assertion and token", async () => {
      const node = await loadConfig(ctx, credentials());
      const first = await node.connection.getAccessToken();
      const rejectedBefore = ctx.sim.stats.rejectedAssertions;
      node.connection.invalidateAccessToken();
      const second = await node.connection.getAccessToken();
      assert.notEqual(second, first);
      assert.equal(ctx.sim.stats.rejectedAssertions, rejectedBefore, "the new assertion was not a replay");
    });
  });

  describe("admin endpoints of the config dialog", () => {
    it("Test connection with the dialog's values gives scope and lifetime, no key material", async () => {
      const res = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({
          ...configFlowNode(ctx.sim),
          credentials: { pfx: ctx.certs.pfx.legacy.base64, passphrase: ctx.certs.password },
        })
        .expect(200);
      assert.equal(res.body.ok, true, JSON.stringify(res.body));
      assert.equal(res.body.scope, "scope:sigedis:gestion:careerpro-federal-learning-account:employer");
      assert.ok(res.body.expiresIn > 0);
      assert.match(res.body.certificate.sha256Thumbprint, /^[0-9A-F]{64}$/);
      const text = JSON.stringify(res.body);
      assert.doesNotMatch(text, /PRIVATE KEY|access_token|eyJ/);
      assert.ok(!text.includes(ctx.certs.pfx.legacy.base64.slice(0, 40)));
    });

    it("Test connection uses the stored credentials of a deployed node when the dialog did not change them", async () => {
      await loadConfig(ctx, { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.password });
      const res = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({ ...configFlowNode(ctx.sim), id: "cfg", credentials: { passphrase: "__PWRD__" } })
        .expect(200);
      assert.equal(res.body.ok, true, JSON.stringify(res.body));
    });

    it("Test connection explains the role mismatch (provider scope for an employer account)", async () => {
      const res = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({
          ...configFlowNode(ctx.sim),
          role: "provider",
          credentials: { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.password },
        })
        .expect(200);
      assert.equal(res.body.ok, false);
      assert.equal(res.body.code, "FLA_AUTH");
      assert.match(res.body.message, /Federal Learning Account/);
    });

    it("Test connection refuses a url-encoded form post with 415, before reading it", async () => {
      await loadConfig(ctx, { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.password });
      const before = ctx.sim.stats.tokenRequests;
      const form = new URLSearchParams({
        id: "cfg",
        environment: "custom",
        tokenUrl: ctx.sim.tokenUrl,
        clientId: ctx.sim.client.clientId,
        apiUrl: ctx.sim.apiUrl,
      });
      const res = await helper
        .request()
        .post("/fla-config/test-connection")
        .type("form")
        .send(form.toString())
        .expect(415);
      assert.equal(res.body.ok, false);
      assert.equal(ctx.sim.stats.tokenRequests, before, "nothing signed");
    });

    it("a new .pfx in the dialog with the stored password is still the stored secret: only the deployed token URL", async () => {
      await loadConfig(ctx, { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.password });
      const before = ctx.sim.stats.tokenRequests;
      const otherUrl = `${ctx.sim.url}/REST/oauth/v5/other-token`;
      const res = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({
          ...configFlowNode(ctx.sim, { tokenUrl: otherUrl, audience: otherUrl }),
          credentials: { pfx: ctx.certs.pfx.legacy.base64, passphrase: "__PWRD__" },
        })
        .expect(400);
      assert.equal(res.body.code, "FLA_CONFIG");
      assert.match(res.body.message, /re-enter the certificate and its password/);
      assert.equal(ctx.sim.stats.tokenRequests, before, "nothing signed");
      // With the password re-entered too, the caller holds the key: the dialog's URL is asked (the simulator has no such path).
      const own = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({
          ...configFlowNode(ctx.sim, { tokenUrl: otherUrl, audience: otherUrl }),
          credentials: { pfx: ctx.certs.pfx.legacy.base64, passphrase: ctx.certs.password },
        })
        .expect(200);
      assert.equal(own.body.ok, false);
      assert.equal(own.body.code, "FLA_HTTP", JSON.stringify(own.body));
    });

    it("PEM: a stored private key signs only for the deployed audience; the dialog's own key and certificate may test another", async () => {
      const pem = { certificate: ctx.certs.client.certificatePem, privateKey: ctx.certs.client.privateKeyPem };
      await loadConfig(ctx, pem, { certificateFormat: "pem" });
      const before = ctx.sim.stats.tokenRequests;
      const otherAudience = "https://services.socialsecurity.be/REST/oauth/v5/token";
      const stored = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({
          ...configFlowNode(ctx.sim, { certificateFormat: "pem", audience: otherAudience }),
          credentials: { certificate: pem.certificate },
        })
        .expect(400);
      assert.match(stored.body.message, /audience/);
      assert.equal(ctx.sim.stats.tokenRequests, before, "nothing signed");
      const dialog = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({ ...configFlowNode(ctx.sim, { certificateFormat: "pem", audience: otherAudience }), credentials: pem })
        .expect(200);
      // The simulator checks the audience: it refuses the assertion, which shows it was signed for the dialog's audience.
      assert.equal(dialog.body.ok, false);
      assert.equal(dialog.body.code, "FLA_AUTH", JSON.stringify(dialog.body));
      const same = await helper
        .request()
        .post("/fla-config/test-connection")
        .send({ ...configFlowNode(ctx.sim, { certificateFormat: "pem" }), credentials: {} })
        .expect(200);
      assert.equal(same.body.ok, true, JSON.stringify(same.body));
    });

    it("Certificate summary of a chosen .pfx: subject, issuer, validity, SHA-1 thumbprint; no key material, nothing stored", async () => {
      const { base64, password } = ctx.certs.pfx.openSslDefault;
      const res = await helper
        .request()
        .post("/fla-config/certificate-summary")
        .send({ certificateFormat: "pfx", credentials: { pfx: base64, passphrase: password } })
        .expect(200);
      assert.equal(res.body.ok, true, JSON.stringify(res.body));
      assert.match(res.body.certificate.subject, /fla-test-client/);
      assert.ok(res.body.certificate.issuer);
      assert.ok(
        Date.parse(res.body.certificate.notBefore) < Date.now() &&
          Date.now() < Date.parse(res.body.certificate.notAfter),
      );
      assert.match(res.body.certificate.sha1Thumbprint, /^[0-9A-F]{40}$/);
      assert.deepEqual(res.body.warnings, []);
      const text = JSON.stringify(res.body);
      assert.doesNotMatch(text, /PRIVATE KEY|BEGIN/);
      assert.ok(!text.includes(base64.slice(0, 40)) && !text.includes(password));
      assert.deepEqual(Object.keys(res.body).sort(), ["certificate", "ok", "warnings"]);
    });

    it("Certificate summary of a PEM certificate and key", async () => {
      const pem = await helper
        .request()
        .post("/fla-config/certificate-summary")
        .send({
          certificateFormat: "pem",
          credentials: { certificate: ctx.certs.client.certificatePem, privateKey: ctx.certs.client.privateKeyPem },
        })
        .expect(200);
      assert.equal(pem.body.ok, true, JSON.stringify(pem.body));
      assert.match(pem.body.certificate.sha1Thumbprint, /^[0-9A-F]{40}$/);
    });

    it("Certificate summary with a wrong password says so, without the password", async () => {
      const res = await helper
        .request()
        .post("/fla-config/certificate-summary")
        .send({
          certificateFormat: "pfx",
          credentials: { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: "not-the-password" },
        })
        .expect(200);
      assert.equal(res.body.ok, false);
      assert.equal(res.body.code, "FLA_CERT");
      assert.equal(res.body.reason, "WRONG_PASSWORD");
      assert.match(res.body.message, /password/i);
      assert.ok(!JSON.stringify(res.body).includes("not-the-password"));
    });

    it("Certificate summary refuses a url-encoded form post with 415, and a JSON body that is not an object with 400", async () => {
      await helper
        .request()
        .post("/fla-config/certificate-summary")
        .type("form")
        .send({ certificateFormat: "pfx" })
        .expect(415);
      await helper
        .request()
        .post("/fla-config/certificate-summary")
        .set("Content-Type", "application/json")
        .send("[1]")
        .expect(400);
    });

    it("gives the certificate summary and the DER .cer of a deployed node", async () => {
      const node = await loadConfig(ctx, { pfx: ctx.certs.pfx.openSslDefault.base64, passphrase: ctx.certs.password });
      const summary = await helper.request().get("/fla-config/cfg/certificate").expect(200);
      assert.equal(summary.body.certificate.serialHex, node.connection.certificate?.summary.serialHex);
      const cer = await helper
        .request()
        .get("/fla-config/cfg/certificate.cer")
        .buffer(true)
        .parse((res: NodeJS.ReadableStream & { setEncoding?: unknown }, cb: (e: Error | null, b: Buffer) => void) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      assert.equal(cer.headers["content-type"], "application/pkix-cert");
      assert.deepEqual(cer.body, node.connection.certificate?.certificateDer);
      assert.equal(cer.body[0], 0x30, "DER starts with a SEQUENCE");
      await helper.request().get("/fla-config/unknown/certificate").expect(404);
    });
  });

  it("an employer client for another company number is refused by the API, not by us (SEED check)", () => {
    assert.notEqual(SEED.employerWithoutMandate, SEED.demoEmployer);
  });
});
