/**
 * The config node's admin endpoints in a real Node-RED process, with and without adminAuth: they take JSON only (a
 * cross-site form cannot reach them), and with the stored key of a deployed config they sign only for that config's own
 * token URL and audience. A second HTTP server on 127.0.0.1 stands for a foreign server and records what it receives.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { simulatorFields } from "../support/processFlow";
import { startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { startTestSimulator, type TestSimulator } from "../support/simulator";
import { SEED } from "../../src/simulator";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bcrypt = require("bcryptjs") as { hashSync(password: string, rounds: number): string };

const ADMIN_USER = "fla-admin";
/** A user with Node-RED's "read" permission only: may look at the certificate, may not test (which signs). */
const READER_USER = "fla-reader";
const ADMIN_PASSWORD = "Admin-pass-for-tests-1";
const TEST_CONNECTION = "/fla-config/test-connection";
const CERTIFICATE_SUMMARY = "/fla-config/certificate-summary";
/** Reads a certificate or key file chosen in the dialog; answers a key's PEM label, never the key. */
const CERTIFICATE_FILE = "/fla-config/certificate-file";
/** What the editor sends for a password credential the user did not change. */
const UNCHANGED = "__PWRD__";

interface Received {
  method: string;
  url: string;
  body: string;
}

/** A small HTTP server that records every request and answers what the test chose. */
interface ForeignServer {
  url: string;
  received: Received[];
  answer: { status: number; contentType: string; body: string };
  stop(): Promise<void>;
}

async function startForeignServer(): Promise<ForeignServer> {
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      foreign.received.push({ method: req.method ?? "", url: req.url ?? "", body });
      res.writeHead(foreign.answer.status, { "Content-Type": foreign.answer.contentType });
      res.end(foreign.answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const foreign: ForeignServer = {
    url: `http://127.0.0.1:${port}/REST/oauth/v5/token`,
    received: [],
    answer: { status: 200, contentType: "text/plain", body: "" },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return foreign;
}

/** A long HTML page whose every line is recognisable, so that any piece of it in an answer is found. */
const HTML_PAGE =
  "<!DOCTYPE html><html><head><title>Internal admin console</title></head><body>" +
  Array.from({ length: 200 }, (_, i) => `<p>secret-internal-line-${i} of the loopback service</p>`).join("") +
  "</body></html>";
const HTML_PIECES = ["<!DOCTYPE", "<html", "Internal admin console", "secret-internal-line", "loopback service"];

interface Answer {
  status: number;
  text: string;
  json?: Record<string, unknown>;
}

interface AdminClient {
  post(path: string, body: string, contentType?: string): Promise<Answer>;
  postJson(path: string, body: unknown): Promise<Answer>;
  get(path: string): Promise<Answer>;
}

async function adminClient(red: NodeRedProcess, withAuth: boolean, username = ADMIN_USER): Promise<AdminClient> {
  let token: string | undefined;
  if (withAuth) {
    const res = await fetch(`${red.url}/auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_id: "node-red-admin",
        grant_type: "password",
        scope: username === READER_USER ? "read" : "*",
        username,
        password: ADMIN_PASSWORD,
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    token = ((await res.json()) as { access_token: string }).access_token;
  }
  const call = async (method: string, path: string, body?: string, contentType?: string): Promise<Answer> => {
    const headers: Record<string, string> = { "Node-RED-API-Version": "v1" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (contentType) headers["Content-Type"] = contentType;
    const res = await fetch(`${red.url}${path}`, { method, headers, body });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };
  return {
    post: (path, body, contentType) => call("POST", path, body, contentType),
    postJson: (path, body) => call("POST", path, JSON.stringify(body), "application/json"),
    get: (path) => call("GET", path),
  };
}

async function waitForDeployed(client: AdminClient, id: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await client.get(`/fla-config/${id}/certificate`);
    if (res.status === 200 && res.json?.ok === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the config node ${id} was not deployed in time`);
}

for (const adminAuth of [false, true]) {
  describe(`security: admin endpoints of a real Node-RED sign only for their own server (adminAuth ${adminAuth ? "on" : "off"})`, function () {
    this.timeout(60_000);
    let certs: TestCertificates;
    let sim: TestSimulator;
    let foreign: ForeignServer;
    let red: NodeRedProcess;
    let admin: AdminClient;

    /** The dialog's fields for the deployed config "cfg", as the editor sends them. */
    const dialog = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      id: "cfg",
      ...simulatorFields(sim),
      scope: "",
      enterpriseNumber: SEED.demoEmployer,
      certificateFormat: "pfx",
      alias: "",
      timeout: 5,
      credentials: { passphrase: UNCHANGED },
      ...overrides,
    });
    const ownCertificate = () => ({
      pfx: certs.pfx.openSslDefault.base64,
      passphrase: certs.pfx.openSslDefault.password,
    });

    before(async function () {
      certs = await getTestCertificates();
      sim = await startTestSimulator(certs.client.certificatePem);
      foreign = await startForeignServer();
      const extraSettings = adminAuth
        ? `adminAuth: { type: "credentials", users: [
            { username: ${JSON.stringify(ADMIN_USER)}, password: ${JSON.stringify(bcrypt.hashSync(ADMIN_PASSWORD, 8))}, permissions: "*" },
            { username: ${JSON.stringify(READER_USER)}, password: ${JSON.stringify(bcrypt.hashSync(ADMIN_PASSWORD, 8))}, permissions: "read" },
          ] },`
        : "";
      red = await startNodeRed({ extraSettings });
      admin = await adminClient(red, adminAuth);
      const { id: _id, credentials: _credentials, ...fields } = dialog();
      const flow = [
        { id: "cfg", type: "fla-config", name: "FLA deployed", ...fields, credentials: ownCertificate() },
        { id: "cfgOff", type: "fla-config", name: "FLA disabled", d: true, ...fields, credentials: ownCertificate() },
      ];
      const deployed = await admin.postJson("/flows", flow);
      assert.equal(deployed.status, 204, deployed.text);
      await waitForDeployed(admin, "cfg");
    });
    after(async () => {
      await red?.stop();
      await foreign?.stop();
      await sim?.stop();
    });
    beforeEach(() => {
      foreign.received.length = 0;
      foreign.answer = { status: 200, contentType: "text/plain", body: "" };
    });

    /** The simulator's token requests and the foreign server's requests made by `action`. */
    async function requestsMadeBy(
      action: () => Promise<Answer>,
    ): Promise<{ answer: Answer; tokenRequests: number; foreign: number }> {
      const before = sim.stats.tokenRequests;
      const answer = await action();
      return { answer, tokenRequests: sim.stats.tokenRequests - before, foreign: foreign.received.length };
    }

    if (adminAuth) {
      it("without a token every admin endpoint answers 401, a form post included", async () => {
        for (const [path, body, type] of [
          [TEST_CONNECTION, JSON.stringify(dialog()), "application/json"],
          [
            TEST_CONNECTION,
            new URLSearchParams({ id: "cfg", tokenUrl: foreign.url }).toString(),
            "application/x-www-form-urlencoded",
          ],
          [
            CERTIFICATE_SUMMARY,
            JSON.stringify({ id: "cfg", certificateFormat: "pfx", credentials: {} }),
            "application/json",
          ],
          [
            CERTIFICATE_SUMMARY,
            new URLSearchParams({ id: "cfg", certificateFormat: "pfx" }).toString(),
            "application/x-www-form-urlencoded",
          ],
        ] as const) {
          const res = await fetch(`${red.url}${path}`, { method: "POST", headers: { "Content-Type": type }, body });
          assert.equal(res.status, 401, `${type} without a token`);
        }
        for (const path of ["/fla-config/cfg/certificate", "/fla-config/cfg/certificate.cer"]) {
          assert.equal((await fetch(`${red.url}${path}`)).status, 401, `GET ${path} without a token`);
        }
        assert.equal(foreign.received.length, 0);
      });
    }

    if (adminAuth) {
      it("a user with the read permission only sees the certificate but may not test, nothing signed", async () => {
        const reader = await adminClient(red, true, READER_USER);
        const { answer, tokenRequests } = await requestsMadeBy(() => reader.postJson(TEST_CONNECTION, dialog()));
        // Node-RED's needsPermission answers 401 (not 403) to a logged-in user without the permission.
        assert.equal(answer.status, 401, answer.text);
        assert.equal(tokenRequests, 0);
        // Reading a chosen certificate unlocks its key with a password: a write permission too.
        const summary = await reader.postJson(CERTIFICATE_SUMMARY, {
          id: "cfg",
          certificateFormat: "pfx",
          credentials: {},
        });
        assert.equal(summary.status, 401, summary.text);
        const file = await reader.postJson(CERTIFICATE_FILE, {
          base64: Buffer.from(certs.client.privateKeyPem).toString("base64"),
        });
        assert.equal(file.status, 401, file.text);
        assert.equal((await reader.get("/fla-config/cfg/certificate")).status, 200);
        assert.equal((await reader.get("/fla-config/cfg/certificate.cer")).status, 200);
      });
    }

    it("a url-encoded form post (what a cross-site form sends) is refused with 415 and nothing is signed", async () => {
      const form = new URLSearchParams({
        id: "cfg",
        environment: "custom",
        tokenUrl: foreign.url,
        audience: sim.tokenUrl,
        apiUrl: sim.apiUrl,
        clientId: sim.client.clientId,
        role: "employer",
        certificateFormat: "pfx",
        "credentials[passphrase]": UNCHANGED,
      }).toString();
      const {
        answer,
        tokenRequests,
        foreign: reached,
      } = await requestsMadeBy(() => admin.post(TEST_CONNECTION, form, "application/x-www-form-urlencoded"));
      assert.equal(answer.status, 415, answer.text);
      assert.equal(answer.json?.ok, false);
      assert.match(String(answer.json?.message), /application\/json/);
      assert.equal(reached, 0, "the foreign server received nothing");
      assert.equal(tokenRequests, 0);
    });

    it("a form post for the config's own server, text/plain and multipart bodies, and no body at all are refused with 415 too", async () => {
      const own = new URLSearchParams({
        id: "cfg",
        tokenUrl: sim.tokenUrl,
        audience: sim.tokenUrl,
        clientId: sim.client.clientId,
        environment: "custom",
        apiUrl: sim.apiUrl,
      });
      const cases: Array<[string, string | undefined, string | undefined]> = [
        ["form for its own server", own.toString(), "application/x-www-form-urlencoded"],
        ["JSON sent as text/plain", JSON.stringify(dialog()), "text/plain"],
        [
          "multipart",
          `--b\r\nContent-Disposition: form-data; name="id"\r\n\r\ncfg\r\n--b--\r\n`,
          "multipart/form-data; boundary=b",
        ],
        ["no body", undefined, undefined],
      ];
      for (const [label, body, type] of cases) {
        const { answer, tokenRequests } = await requestsMadeBy(() => admin.post(TEST_CONNECTION, body as string, type));
        assert.equal(answer.status, 415, `${label}: ${answer.text}`);
        assert.equal(tokenRequests, 0, `${label}: nothing signed`);
      }
    });

    it("reading a chosen file: JSON only (415 otherwise), and the answer names the key without carrying it", async () => {
      const base64 = Buffer.from(certs.client.certificatePem + certs.client.privateKeyPem).toString("base64");
      const form = await admin.post(
        CERTIFICATE_FILE,
        new URLSearchParams({ base64 }).toString(),
        "application/x-www-form-urlencoded",
      );
      assert.equal(form.status, 415, form.text);
      assert.equal((await admin.postJson(CERTIFICATE_FILE, { base64: "not base64!" })).status, 400);
      const answer = await admin.postJson(CERTIFICATE_FILE, { base64 });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json?.privateKey, { label: "PRIVATE KEY", encoding: "pem" });
      assert.match(String(answer.json?.certificatePem), /^-----BEGIN CERTIFICATE-----/);
      assert.doesNotMatch(answer.text, /PRIVATE KEY-----/);
    });

    it("stored key + a foreign token URL: refused with 400 before anything is signed; the foreign server receives nothing", async () => {
      for (const overrides of [
        { tokenUrl: foreign.url, audience: foreign.url },
        { tokenUrl: foreign.url, audience: sim.tokenUrl },
        { tokenUrl: foreign.url, audience: sim.tokenUrl, credentials: {} },
        {
          tokenUrl: foreign.url,
          audience: sim.tokenUrl,
          credentials: { passphrase: certs.pfx.openSslDefault.password },
        },
      ]) {
        const {
          answer,
          tokenRequests,
          foreign: reached,
        } = await requestsMadeBy(() => admin.postJson(TEST_CONNECTION, dialog(overrides)));
        assert.equal(answer.status, 400, answer.text);
        assert.equal(answer.json?.ok, false);
        assert.equal(answer.json?.code, "FLA_CONFIG");
        assert.match(String(answer.json?.message), /deploy/i);
        assert.match(String(answer.json?.message), /certificate/i);
        assert.equal(reached, 0, `the foreign server received nothing (${JSON.stringify(overrides)})`);
        assert.equal(tokenRequests, 0);
      }
    });

    it("stored key + the own token URL with a foreign audience: refused with 400, nothing signed", async () => {
      for (const audience of [foreign.url, "https://services.socialsecurity.be/REST/oauth/v5/token"]) {
        const {
          answer,
          tokenRequests,
          foreign: reached,
        } = await requestsMadeBy(() => admin.postJson(TEST_CONNECTION, dialog({ audience })));
        assert.equal(answer.status, 400, answer.text);
        assert.equal(answer.json?.code, "FLA_CONFIG");
        assert.match(String(answer.json?.message), /audience/i);
        assert.equal(reached, 0);
        assert.equal(tokenRequests, 0, "nothing signed for that audience");
      }
    });

    it("stored key + another environment's preset URL: refused with 400", async () => {
      const { answer, tokenRequests } = await requestsMadeBy(() =>
        admin.postJson(TEST_CONNECTION, dialog({ environment: "local", tokenUrl: "", audience: "" })),
      );
      assert.equal(answer.status, 400, answer.text);
      assert.equal(tokenRequests, 0);
    });

    it("stored key + the config's own token URL and audience: works against the simulator", async () => {
      for (const credentials of [{ passphrase: UNCHANGED }, {}]) {
        const { answer, tokenRequests } = await requestsMadeBy(() =>
          admin.postJson(TEST_CONNECTION, dialog({ credentials })),
        );
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.json?.ok, true, answer.text);
        assert.equal(answer.json?.scope, "scope:sigedis:gestion:careerpro-federal-learning-account:employer");
        assert.equal(tokenRequests, 1);
      }
      // The same URL written with a trailing slash is the same server.
      const slash = await admin.postJson(TEST_CONNECTION, dialog({ tokenUrl: `${sim.tokenUrl}/` }));
      assert.equal(slash.json?.ok, true, slash.text);
      assert.equal(foreign.received.length, 0);
    });

    it("stored key of a config that is not running (disabled): refused with 400, nothing signed", async () => {
      const { answer, tokenRequests } = await requestsMadeBy(() =>
        admin.postJson(TEST_CONNECTION, dialog({ id: "cfgOff" })),
      );
      assert.equal(answer.status, 400, answer.text);
      assert.match(String(answer.json?.message), /deploy/i);
      assert.equal(tokenRequests, 0);
    });

    it("an id with no stored key and no certificate in the dialog: FLA_CERT asks for the certificate, nothing signed", async () => {
      const { answer, tokenRequests } = await requestsMadeBy(() =>
        admin.postJson(TEST_CONNECTION, dialog({ id: "never-deployed" })),
      );
      assert.equal(answer.json?.ok, false, answer.text);
      assert.equal(answer.json?.code, "FLA_CERT");
      assert.equal(tokenRequests, 0);
    });

    it("the dialog's own certificate and password + the dialog's URLs: works, even for an id that has a stored key", async () => {
      for (const id of ["cfg", "a-new-config"]) {
        const { answer, tokenRequests } = await requestsMadeBy(() =>
          admin.postJson(TEST_CONNECTION, dialog({ id, credentials: ownCertificate() })),
        );
        assert.equal(answer.json?.ok, true, answer.text);
        assert.equal(tokenRequests, 1);
      }
      // A server the caller chose with its own key is reached (the caller holds the key).
      foreign.answer = {
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({ error: "invalid_client", error_description: "unknown client" }),
      };
      const { answer, foreign: reached } = await requestsMadeBy(() =>
        admin.postJson(
          TEST_CONNECTION,
          dialog({ tokenUrl: foreign.url, audience: foreign.url, credentials: ownCertificate() }),
        ),
      );
      assert.equal(reached, 1);
      assert.equal(answer.json?.ok, false);
      assert.equal(answer.json?.code, "FLA_AUTH");
      assert.equal(answer.json?.reason, "invalid_client");
      assert.match(String(answer.json?.message), /unknown client/);
    });

    it("the answer of a foreign server carries its OAuth error code and description, nothing else of its body", async () => {
      const viaDialog = () =>
        admin.postJson(
          TEST_CONNECTION,
          dialog({ tokenUrl: foreign.url, audience: foreign.url, credentials: ownCertificate() }),
        );
      for (const status of [200, 400, 401, 404, 500, 502]) {
        foreign.answer = { status, contentType: "text/html; charset=utf-8", body: HTML_PAGE };
        const answer = await viaDialog();
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.json?.ok, false, answer.text);
        for (const piece of HTML_PIECES)
          assert.ok(
            !answer.text.includes(piece),
            `HTTP ${status}: "${piece}" of the HTML body is not in the answer: ${answer.text}`,
          );
        for (const key of Object.keys(answer.json ?? {}))
          assert.ok(
            ["ok", "code", "reason", "message"].includes(key),
            `HTTP ${status}: unexpected "${key}" in the answer`,
          );
      }
      foreign.answer = {
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({
          error: "invalid_request",
          error_description: "bad request",
          internal: "secret-internal-line-1",
          page: HTML_PAGE,
        }),
      };
      const oauth = await viaDialog();
      assert.equal(oauth.json?.reason, "invalid_request");
      assert.match(String(oauth.json?.message), /bad request/);
      for (const piece of HTML_PIECES) assert.ok(!oauth.text.includes(piece), `"${piece}" is not in the answer`);
    });

    it("a foreign success answer: scope, lifetime and type, not an arbitrary text in the place of the scope, never the token", async () => {
      const viaDialog = () =>
        admin.postJson(
          TEST_CONNECTION,
          dialog({ tokenUrl: foreign.url, audience: foreign.url, credentials: ownCertificate() }),
        );
      foreign.answer = {
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ access_token: "x".repeat(40), token_type: "Bearer", expires_in: 60, scope: HTML_PAGE }),
      };
      const success = await viaDialog();
      assert.equal(success.json?.ok, true, success.text);
      assert.equal(success.json?.expiresIn, 60);
      for (const piece of HTML_PIECES)
        assert.ok(!success.text.includes(piece), `"${piece}" of a long scope is not in the answer`);
      assert.ok(!success.text.includes("x".repeat(40)), "no access token in the answer");
    });

    it("the GET endpoints are read-only and hold no secret", async () => {
      const before = sim.stats.tokenRequests;
      const summary = await admin.get("/fla-config/cfg/certificate");
      assert.equal(summary.status, 200);
      const cer = await admin.get("/fla-config/cfg/certificate.cer");
      assert.equal(cer.status, 200);
      for (const text of [summary.text, cer.text]) {
        assert.ok(!text.includes(certs.pfx.openSslDefault.password), "no password");
        assert.ok(!text.includes(certs.pfx.openSslDefault.base64.slice(0, 48)), "no .pfx");
        assert.doesNotMatch(text, /PRIVATE KEY|eyJ/);
      }
      for (const path of ["/fla-config/cfg/certificate", "/fla-config/cfg/certificate.cer"]) {
        const posted = await admin.postJson(path, {});
        assert.ok(posted.status >= 400 && posted.status < 500, `POST ${path} is not a route (${posted.status})`);
      }
      assert.equal(sim.stats.tokenRequests, before, "no token request");
    });
  });
}
