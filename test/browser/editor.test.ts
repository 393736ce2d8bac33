/**
 * The editor in a real browser (Debian's chromium driven by playwright-core) against a real Node-RED 4.1 process with
 * this package linked in, and the local simulator: the steps a newcomer takes, with a screenshot of each one under
 * test-artifacts/browser/.
 */
import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { configEditorContract, queryEditorContract } from "../../src/core/editorContract";
import { ENVIRONMENT_PRESETS } from "../../src/core/settings";
import { SEED } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { PROJECT_ROOT, startNodeRed, type NodeRedProcess } from "../support/nodeRedProcess";
import { startTestSimulator, type TestSimulator } from "../support/simulator";

const CHROMIUM = process.env.FLA_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts", "browser");
const STEP_TIMEOUT = 30_000;

interface EditorStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

/**
 * The labels of the open (top-most) dialog that take more than one line, or whose field moved below them. A label is
 * on one line when its text box is at most one line high (1.8 × its font size); its field (the next element) must start
 * on the label's line.
 */
function wrappedLabels(tab: Page): Promise<string[]> {
  return tab.evaluate(() => {
    const trays = document.querySelectorAll("#red-ui-editor-stack .red-ui-tray");
    const tray = trays[trays.length - 1];
    if (!tray) return ["no dialog open"];
    const problems: string[] = [];
    for (const label of Array.from(tray.querySelectorAll<HTMLElement>(".form-row > label"))) {
      const text = label.innerText.trim();
      if (!text || label.offsetParent === null) continue;
      const range = document.createRange();
      range.selectNodeContents(label);
      const box = range.getBoundingClientRect();
      const fontSize = parseFloat(getComputedStyle(label).fontSize);
      if (box.height > 1.8 * fontSize) problems.push(`"${text}" wraps (${Math.round(box.height)} px high)`);
      const field = label.nextElementSibling as HTMLElement | null;
      if (field && field.offsetParent !== null && label.style.width !== "auto") {
        const fieldTop = field.getBoundingClientRect().top;
        if (fieldTop > label.getBoundingClientRect().top + 1.5 * fontSize)
          problems.push(`"${text}": its field is pushed below it`);
      }
    }
    return problems;
  });
}

describe("editor in a real browser (chromium + Node-RED 4.1 + simulator)", function () {
  this.timeout(180_000);

  let browser: Browser | undefined;
  let page: Page;
  let nodeRed: NodeRedProcess | undefined;
  let sim: TestSimulator | undefined;
  let certs: TestCertificates;
  let shot = 0;
  const consoleErrors: string[] = [];
  const offHostRequests: string[] = [];

  async function screenshot(name: string): Promise<void> {
    shot++;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, "0")}-${name}.png`) });
  }

  /** The status a node shows in the editor, as the runtime last sent it. */
  function statusOf(id: string): Promise<EditorStatus | undefined> {
    return page.evaluate((nodeId) => {
      const RED = (window as unknown as { RED: { nodes: { node(id: string): { status?: EditorStatus } | null } } }).RED;
      return RED.nodes.node(nodeId)?.status;
    }, id);
  }

  async function deploy(): Promise<void> {
    await page.locator("#red-ui-header-button-deploy").click();
    await page
      .locator(".red-ui-notification", { hasText: "Successfully deployed" })
      .first()
      .waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForFunction(
      () => document.querySelector("#red-ui-header-button-deploy")?.classList.contains("disabled"),
      undefined,
      { timeout: STEP_TIMEOUT },
    );
    // The editor shades the page while a deploy runs.
    await page.locator("#red-ui-header-shade").waitFor({ state: "hidden" });
    await page.locator("#red-ui-editor-shade").waitFor({ state: "hidden" });
  }

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const message = `chromium not found at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`;
      if (process.env.CI) throw new Error(`${message}: the browser test must run in CI`);
      console.warn(`      skipped: ${message}`);
      this.skip();
    }
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem);
    nodeRed = await startNodeRed();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-quic",
        "--disable-sync",
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "en-US" });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
    page.on("request", (request) => {
      if (!request.url().startsWith(nodeRed?.url ?? "-") && !request.url().startsWith("data:"))
        offHostRequests.push(request.url());
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page) {
      await page.screenshot({ path: join(ARTIFACTS, "failure.png") }).catch(() => undefined);
      console.error(nodeRed?.output().split("\n").slice(-30).join("\n"));
    }
  });

  after(async function () {
    await browser?.close();
    await nodeRed?.stop();
    await sim?.stop();
  });

  it("adds a declare node, creates its config with a .pfx, tests the connection, deploys and declares", async function () {
    if (!nodeRed || !sim) throw new Error("setup did not run");
    const runtime = nodeRed;
    const simulator = sim;

    // 1. The editor, with our palette category.
    await page.goto(runtime.url, { waitUntil: "domcontentloaded" });
    const paletteNode = page.locator('.red-ui-palette-node[data-palette-type="fla-declare"]');
    await paletteNode.waitFor({ state: "visible", timeout: 60_000 });
    await page.waitForFunction(
      () =>
        !document.querySelector("#red-ui-loading-progress") ||
        (document.querySelector("#red-ui-loading-progress") as HTMLElement).offsetParent === null,
    );
    await paletteNode.scrollIntoViewIfNeeded();
    assert.equal(
      await page.locator('.red-ui-palette-node[data-palette-type="fla-query"]').isVisible(),
      true,
      "FLA query is in the palette too",
    );
    assert.equal(
      await page.locator('.red-ui-palette-node[data-palette-type="fla-export"]').isVisible(),
      true,
      "FLA export is in the palette too",
    );
    for (const type of ["fla-declare", "fla-query", "fla-export"]) {
      // Node-RED falls back to its arrow icon when it finds no icon of the module (it looks in nodes/icons/).
      const icon = await page
        .locator(`.red-ui-palette-node[data-palette-type="${type}"] .red-ui-palette-icon`)
        .evaluate((el) => getComputedStyle(el).backgroundImage);
      assert.match(
        icon,
        new RegExp(`node-red-contrib-careerpro-fla/${type}\\.svg`),
        `the palette shows ${type}'s own icon, not a default: ${icon}`,
      );
    }
    await screenshot("editor-loaded");

    // 2. Drag "FLA declare" from the palette onto the workspace.
    const chart = page.locator("#red-ui-workspace-chart");
    await paletteNode.dragTo(chart, { targetPosition: { x: 300, y: 200 } });
    let declareId = await page.evaluate(() => {
      const RED = (window as unknown as { RED: { nodes: { filterNodes(f: object): Array<{ id: string }> } } }).RED;
      return RED.nodes.filterNodes({ type: "fla-declare" })[0]?.id;
    });
    if (!declareId) {
      // jQuery UI drags are occasionally missed by synthetic mouse events: place the node with the editor's API instead.
      declareId = await page.evaluate(() => {
        const RED = (
          window as unknown as {
            RED: {
              view: { importNodes(n: object[], o: object): void };
              nodes: { filterNodes(f: object): Array<{ id: string }> };
            };
          }
        ).RED;
        RED.view.importNodes(
          [
            {
              id: "b0a0c0d0e0f00001",
              type: "fla-declare",
              x: 300,
              y: 200,
              z: (window as unknown as { RED: { workspaces: { active(): string } } }).RED.workspaces.active(),
            },
          ],
          { generateIds: false, addFlow: false, touchImport: true },
        );
        return RED.nodes.filterNodes({ type: "fla-declare" })[0]?.id;
      });
    }
    assert.ok(declareId, "the FLA declare node is on the workspace");
    const declareNode = page.locator(`[id="${declareId}"] .red-ui-flow-node`);
    await declareNode.waitFor({ state: "visible" });
    await screenshot("declare-node-added");

    // 3. Its dialog.
    await declareNode.dblclick();
    await page.locator("#node-input-config").waitFor({ state: "visible" });
    await page.locator("#node-dialog-ok").click({ trial: true });
    assert.equal(
      await page.locator("#node-input-config").evaluate((el) => el.classList.contains("input-error")),
      true,
      "the missing config is outlined in red",
    );
    await screenshot("declare-dialog");

    // 4. A new config node through the "+" (add new fla-config) button.
    await page.locator("#node-input-btn-config-add").click();
    const environment = page.locator("#node-config-input-environment");
    await environment.waitFor({ state: "visible" });
    // The dialog's environments and presets are the runtime's, received as node settings.
    const exported = await page.evaluate(() => {
      const RED = (window as unknown as { RED: { settings: Record<string, unknown> } }).RED;
      return { config: RED.settings.flaConfigContract, query: RED.settings.flaQueryContract };
    });
    assert.deepEqual(
      exported,
      JSON.parse(JSON.stringify({ config: configEditorContract(), query: queryEditorContract() })),
    );
    const offered = await environment
      .locator("option")
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(offered, [...Object.keys(ENVIRONMENT_PRESETS), "custom"]);
    await environment.selectOption("acceptance");
    assert.equal(
      await page.locator("#node-config-input-tokenUrl").inputValue(),
      ENVIRONMENT_PRESETS.acceptance.tokenUrl,
    );
    assert.equal(await page.locator("#node-config-input-apiUrl").inputValue(), ENVIRONMENT_PRESETS.acceptance.apiUrl);
    await environment.selectOption("custom");
    for (const [field, value] of [
      ["tokenUrl", simulator.tokenUrl],
      ["audience", simulator.tokenUrl],
      ["apiUrl", simulator.apiUrl],
      ["clientId", simulator.client.clientId],
      ["enterpriseNumber", SEED.demoEmployer],
    ] as const) {
      const input = page.locator(`#node-config-input-${field}`);
      await input.click();
      await input.fill("");
      await input.pressSequentially(value);
    }
    await page.locator("#node-config-input-role").selectOption("employer");
    await page.locator("#node-config-input-certificateFormat").selectOption("pfx");
    await page.locator("#fla-config-pfx-file").setInputFiles(certs.pfx.openSslDefault.path);
    await page.locator("#fla-config-pfx-state", { hasText: "openssl-default.pfx" }).waitFor();
    // Chosen without its password yet: the runtime reads it at once and says the password is missing or wrong.
    const chosen = page.locator("#fla-config-cert-summary");
    await chosen.locator(".fla-cfg-err", { hasText: /password/i }).waitFor();
    const passphrase = page.locator("#node-config-input-passphrase");
    await passphrase.click();
    await passphrase.pressSequentially(certs.pfx.openSslDefault.password);
    await passphrase.press("Tab");
    // With its password: the summary, before any Test connection, and no token asked.
    await chosen.locator(".fla-cfg-ok", { hasText: "fla-test-client" }).waitFor();
    const chosenText = await chosen.innerText();
    assert.match(chosenText, /Issuer/);
    assert.match(chosenText, /Valid to/);
    assert.match(chosenText, /SHA-1\s+[0-9A-F]{40}/, chosenText);
    assert.equal(simulator.stats.tokensIssued, 0, "the summary asks no token");
    await chosen.scrollIntoViewIfNeeded();
    await screenshot("config-dialog-filled");

    // 5. Test connection: the runtime asks the simulator for a token with the uploaded certificate.
    await page.locator("#fla-config-test").click();
    const result = page.locator("#fla-config-test-result .fla-cfg-ok");
    await result.waitFor({ state: "visible", timeout: 60_000 });
    const resultText = await result.innerText();
    assert.match(resultText, /Connection works/, resultText);
    assert.match(resultText, /careerpro-federal-learning-account:employer/, "the granted scope is shown");
    assert.equal(await page.locator("#fla-config-test-result .fla-cfg-err").count(), 0);
    const summary = await page.locator("#fla-config-cert-summary").innerText();
    assert.match(summary, /fla-test-client/, "the certificate summary names the tested certificate");
    await page.locator("#fla-config-test-result").scrollIntoViewIfNeeded();
    await screenshot("test-connection-ok");
    assert.equal(simulator.stats.tokensIssued, 1, "Test connection obtained one token from the simulator");

    // 6. Close the config dialog (Add), then the node dialog (Done).
    await page.locator("#node-config-dialog-ok").click();
    await page.locator("#node-config-input-environment").waitFor({ state: "detached" });
    const selected = await page.locator("#node-input-config option:checked").innerText();
    assert.doesNotMatch(selected, /Add new/i, "the new config node is selected in the declare dialog");
    assert.equal(
      selected.trim(),
      `${simulator.client.clientId} · custom`,
      "a config without a name shows its client id and environment",
    );
    await page.locator("#node-dialog-ok").click({ trial: true }); // waits until the tray stops sliding
    await screenshot("declare-dialog-with-config");
    await page.locator("#node-dialog-ok").click();
    await page.locator("#node-input-config").waitFor({ state: "detached" });

    // 7. Deploy: the node runs with a working connection, so it shows no error status.
    await deploy();
    await screenshot("deployed");
    const deployed = await statusOf(declareId);
    assert.ok(!deployed || deployed.fill !== "red", `no error status after deploy: ${JSON.stringify(deployed)}`);
    assert.equal(
      await page.locator(`[id="${declareId}"] .red-ui-flow-node-error`).isVisible(),
      false,
      "the node is not marked invalid",
    );

    // 8. An inject node with a valid training, wired to the declare node; clicking its button declares it.
    const training = {
      employer: { enterpriseNumber: SEED.demoEmployer },
      worker: { ssin: SEED.demoWorker },
      title: "Browser test training",
      externalReference: "BROWSER-1",
      period: { startDate: "2024-03-04", endDate: "2024-03-05" },
      nature: "FORMAL",
      duration: { value: 14, unit: "HOURS" },
    };
    const injectId = await page.evaluate(
      ({ payload }) => {
        const RED = (
          window as unknown as {
            RED: {
              view: { importNodes(n: object[], o: object): void };
              workspaces: { active(): string };
              nodes: { filterNodes(f: object): Array<{ id: string }> };
            };
          }
        ).RED;
        const z = RED.workspaces.active();
        RED.view.importNodes(
          [
            {
              id: "b0a0c0d0e0f00002",
              type: "inject",
              name: "valid training",
              z,
              x: 110,
              y: 340,
              props: [{ p: "payload", v: JSON.stringify(payload), vt: "json" }],
              repeat: "",
              once: false,
              topic: "",
              wires: [[]],
            },
          ],
          { generateIds: false, addFlow: false, touchImport: true },
        );
        return RED.nodes.filterNodes({ type: "inject" })[0]?.id;
      },
      { payload: training },
    );
    assert.ok(injectId, "the inject node is on the workspace");
    // Wire it with the mouse: from the inject's output port to the declare node's input port.
    const from = await page.locator(`[id="${injectId}"] .red-ui-flow-port-output .red-ui-flow-port`).boundingBox();
    const to = await page.locator(`[id="${declareId}"] .red-ui-flow-port-input .red-ui-flow-port`).boundingBox();
    assert.ok(from && to, "both ports are visible");
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 5 });
    await page.mouse.up();
    const wired = await page.evaluate((source) => {
      const RED = (
        window as unknown as { RED: { nodes: { filterLinks(f: object): Array<{ target: { id: string } }> } } }
      ).RED;
      return RED.nodes.filterLinks({ source: { id: source } }).map((l) => l.target.id);
    }, injectId);
    assert.deepEqual(wired, [declareId], "the inject node is wired to the declare node");
    await screenshot("inject-wired");
    await deploy();
    await page.locator(`[id="${injectId}"] .red-ui-flow-node-button`).click();
    await page
      .waitForFunction(
        (id) => {
          const RED = (
            window as unknown as { RED: { nodes: { node(id: string): { status?: { text?: string } } | null } } }
          ).RED;
          return /accepted/.test(RED.nodes.node(id)?.status?.text ?? "");
        },
        declareId,
        { timeout: 60_000 },
      )
      .catch(async (err: Error) => {
        throw new Error(
          `the declare node did not show "accepted"; its status: ${JSON.stringify(await statusOf(declareId))}. ${err.message}`,
        );
      });
    const statusLabel = page.locator(`[id="${declareId}"] .red-ui-flow-node-status-label`);
    await statusLabel.waitFor({ state: "visible" });
    assert.match((await statusLabel.textContent()) ?? "", /accepted/);
    const accepted = await statusOf(declareId);
    assert.equal(accepted?.fill, "green", JSON.stringify(accepted));
    await screenshot("declared-status");
    assert.ok(
      simulator.data.findByExternalReference(SEED.demoEmployer, "BROWSER-1"),
      "the simulator holds the declared training",
    );

    // No secret reached the runtime's log, and the editor raised no script error.
    assert.ok(!runtime.output().includes(certs.pfx.openSslDefault.password), "the .pfx password is not logged");
    // The config dialog asks for the deployed certificate of a node that is not deployed yet: a 404 the dialog expects.
    assert.deepEqual(
      consoleErrors.filter((e) => !/404 \(Not Found\) \(.*\/fla-config\/[0-9a-f]+\/certificate\)$/.test(e)),
      [],
    );
    assert.deepEqual(offHostRequests, [], "the editor asked nothing of another host");
  });

  it("the dialogs in en-US, fr and nl: the config's title and label, and no label that wraps", async function () {
    if (!nodeRed || !browser) throw new Error("setup did not run");
    const runtime = nodeRed;
    const configId = "c0a0c0d0e0f00010";
    const flow = [
      {
        id: configId,
        type: "fla-config",
        environment: "production",
        clientId: "self_service_expeditor_10",
        role: "employer",
        certificateFormat: "pfx",
      },
      {
        id: "c0a0c0d0e0f00011",
        type: "fla-declare",
        config: configId,
        operation: "createTraining",
        waitForResult: true,
        schemaType: "file",
        x: 200,
        y: 100,
      },
      { id: "c0a0c0d0e0f00012", type: "fla-query", config: configId, query: "trainings", x: 200, y: 180 },
      { id: "c0a0c0d0e0f00013", type: "fla-export", config: configId, x: 200, y: 260 },
    ];
    const wrapped: string[] = [];
    for (const locale of ["en-US", "fr", "nl"]) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
      const tab = await context.newPage();
      tab.setDefaultTimeout(STEP_TIMEOUT);
      try {
        await tab.goto(runtime.url, { waitUntil: "domcontentloaded" });
        await tab
          .locator('.red-ui-palette-node[data-palette-type="fla-declare"]')
          .waitFor({ state: "visible", timeout: 60_000 });
        await tab.waitForFunction(
          () =>
            !document.querySelector("#red-ui-loading-progress") ||
            (document.querySelector("#red-ui-loading-progress") as HTMLElement).offsetParent === null,
        );
        await tab.evaluate((nodes) => {
          const RED = (
            window as unknown as {
              RED: { view: { importNodes(n: object[], o: object): void }; workspaces: { active(): string } };
            }
          ).RED;
          const z = RED.workspaces.active();
          RED.view.importNodes(
            nodes.map((n) => ("x" in n ? { ...n, z } : n)),
            { generateIds: false, addFlow: false, touchImport: true },
          );
        }, flow);
        for (const type of ["fla-declare", "fla-query", "fla-export"]) {
          const id = flow.find((n) => n.type === type)!.id;
          await tab.locator(`[id="${id}"] .red-ui-flow-node`).dblclick();
          await tab.locator("#node-input-config").waitFor({ state: "visible" });
          await tab.locator("#node-dialog-ok").click({ trial: true }); // the tray has stopped sliding
          if (type === "fla-declare") {
            assert.equal(
              (await tab.locator("#node-input-config option:checked").innerText()).trim(),
              /^fr/.test(locale)
                ? "self_service_expeditor_10 · production"
                : /^nl/.test(locale)
                  ? "self_service_expeditor_10 · productie"
                  : "self_service_expeditor_10 · production",
            );
          }
          await tab.screenshot({ path: join(ARTIFACTS, `labels-${locale}-${type}.png`) });
          wrapped.push(...(await wrappedLabels(tab)).map((problem) => `${locale} ${type}: ${problem}`));
          if (type === "fla-declare") {
            // The config dialog, through the pencil next to the config field.
            await tab.locator("#node-input-btn-config-edit").click();
            await tab.locator("#node-config-input-environment").waitFor({ state: "visible" });
            await tab.locator("#node-config-dialog-ok").click({ trial: true });
            const title = (await tab.locator(".red-ui-tray-titlebar").last().innerText()).trim();
            assert.doesNotMatch(
              title,
              /fla-config/,
              `${locale}: the dialog names the config by its palette label: ${title}`,
            );
            assert.match(title, /FLA/, title);
            await tab.screenshot({ path: join(ARTIFACTS, `labels-${locale}-fla-config.png`), fullPage: true });
            wrapped.push(...(await wrappedLabels(tab)).map((problem) => `${locale} fla-config: ${problem}`));
            await tab.locator("#node-config-dialog-cancel").click();
            await tab.locator("#node-config-input-environment").waitFor({ state: "detached" });
          }
          await tab.locator("#node-dialog-cancel").click();
          await tab.locator("#node-input-config").waitFor({ state: "detached" });
        }
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(wrapped, [], "every label on one line, its field beside it (screenshots labels-*.png)");
  });
  it("PEM files in binary DER: the runtime reads them, the dialog stores PEM and shows the certificate", async function () {
    if (!nodeRed || !browser) throw new Error("setup did not run");
    const runtime = nodeRed;
    const certificatePath = join(ARTIFACTS, "client.cer");
    const keyPath = join(ARTIFACTS, "client-pkcs1.der");
    writeFileSync(certificatePath, new X509Certificate(certs.client.certificatePem).raw);
    writeFileSync(keyPath, createPrivateKey(certs.client.privateKeyPem).export({ type: "pkcs1", format: "der" }));
    const configId = "c0a0c0d0e0f00020";
    const flow = [
      {
        id: configId,
        type: "fla-config",
        environment: "production",
        clientId: "self_service_expeditor_10",
        role: "employer",
        certificateFormat: "pem",
      },
      { id: "c0a0c0d0e0f00021", type: "fla-query", config: configId, query: "trainingCredit", x: 200, y: 400 },
    ];
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "en-US" });
    const tab = await context.newPage();
    tab.setDefaultTimeout(STEP_TIMEOUT);
    try {
      await tab.goto(runtime.url, { waitUntil: "domcontentloaded" });
      await tab
        .locator('.red-ui-palette-node[data-palette-type="fla-query"]')
        .waitFor({ state: "visible", timeout: 60_000 });
      await tab.evaluate((nodes) => {
        const RED = (
          window as unknown as {
            RED: { view: { importNodes(n: object[], o: object): void }; workspaces: { active(): string } };
          }
        ).RED;
        const z = RED.workspaces.active();
        RED.view.importNodes(
          nodes.map((n) => ("x" in n ? { ...n, z } : n)),
          { generateIds: false, addFlow: false, touchImport: true },
        );
      }, flow);
      // The query dialog: its queries and rows come from the runtime's catalogue.
      await tab.locator('[id="c0a0c0d0e0f00021"] .red-ui-flow-node').dblclick();
      await tab.locator("#node-input-config").waitFor({ state: "visible" });
      const queries = await tab
        .locator("#node-input-query option")
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual(queries, [...Object.keys(queryEditorContract().queries), "msg"]);
      const visibleParams = await tab
        .locator(".fla-query-param:visible")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-param")));
      assert.deepEqual(visibleParams, queryEditorContract().queries.trainingCredit.params);
      // The page size label names the runtime's largest page size: the locale holds only __max__.
      const pageSizeLabel = await tab.locator("#node-input-pageSize ~ span").first().textContent();
      assert.equal(pageSizeLabel, `items (1–${queryEditorContract().maxPageSize})`);

      await tab.locator("#node-input-btn-config-edit").click();
      await tab.locator("#node-config-input-certificateFormat").waitFor({ state: "visible" });
      await tab.locator("#fla-config-cert-file").setInputFiles(certificatePath);
      await tab.locator("#fla-config-cert-state", { hasText: "client.cer (binary DER) converted to PEM" }).waitFor();
      assert.match(await tab.locator("#node-config-input-certificate").inputValue(), /^-----BEGIN CERTIFICATE-----/);
      await tab.locator("#fla-config-key-file").setInputFiles(keyPath);
      await tab
        .locator("#fla-config-key-state", { hasText: "client-pkcs1.der (binary DER) converted to PEM" })
        .waitFor();
      // The key the dialog stores, as the runtime read it at once: the certificate summary of the pair.
      await tab.locator("#fla-config-cert-summary .fla-cfg-ok", { hasText: "fla-test-client" }).waitFor();
      const storedKey = await tab.locator("#node-config-input-privateKey").inputValue();
      assert.equal(
        createPrivateKey(storedKey).asymmetricKeyDetails?.modulusLength,
        2048,
        "the stored key is the PEM of the file's key",
      );
      assert.match(storedKey, /^-----BEGIN RSA PRIVATE KEY-----/);
      await tab.screenshot({ path: join(ARTIFACTS, "config-pem-der-files.png"), fullPage: true });
      await tab.locator("#node-config-dialog-cancel").click();
      await tab.locator("#node-config-input-certificateFormat").waitFor({ state: "detached" });
      await tab.locator("#node-dialog-cancel").click();
    } finally {
      await context.close();
    }
  });
});
