/**
 * Editor of the FLA config node; its template is in nodes/fla-config.html, its texts in nodes/locales.
 *
 * Presets, scopes, defaults and rules come from the runtime (RED.settings.flaConfigContract, built by
 * src/core/editorContract.ts); the runtime reads every certificate and key file (the admin endpoints of
 * src/nodes/shared/configAdmin.ts): nothing here parses a certificate.
 */
(() => {
  const NS = "node-red-contrib-careerpro-fla/fla-config";
  /** What Node-RED puts in a password input whose stored value it keeps to itself. */
  const STORED = "__PWRD__";
  const URL_FIELDS = ["tokenUrl", "audience", "apiUrl"] as const;
  const NUMBER_FIELDS = [
    "timeout",
    "maxConcurrent",
    "maxQueue",
    "maxAttempts",
    "maxBackoff",
    "circuitThreshold",
    "giveUpHours",
  ] as const;
  const CUSTOM = "custom";

  const contract = RED.settings.flaConfigContract as ConfigEditorContract | undefined;
  if (!contract)
    throw new Error(
      "fla-config: the runtime sent no flaConfigContract setting; restart Node-RED after updating the package.",
    );
  const DEFAULT_ENVIRONMENT = contract.defaultEnvironment;
  const DEFAULT_ROLE = contract.defaultRole;

  interface FlaConfigCredentials {
    certificate?: string;
    has_pfx?: boolean;
    has_privateKey?: boolean;
  }

  interface FlaConfigEditorNode {
    id: string;
    name?: string;
    environment?: string;
    role?: string;
    clientId?: string;
    credentials?: FlaConfigCredentials;
  }

  type FileKind = "pfx" | "privateKey";
  type StateLevel = "ok" | "err" | "new" | "none";
  type BoxLevel = "ok" | "warn" | "err" | "info";

  function t(key: string, options?: Record<string, unknown>): string {
    return RED._(`${NS}:fla-config.${key}`, options);
  }

  function text(selector: string): string {
    const value = $(selector).val();
    return value === undefined || value === null ? "" : String(value);
  }

  /** The value being edited when the dialog is open, else the saved one. */
  function liveValue(node: FlaConfigEditorNode, name: keyof FlaConfigEditorNode): string {
    const input = $(`#node-config-input-${name}`);
    return input.length ? String(input.val() ?? "") : String(node[name] ?? "");
  }

  function urlValidator(name: string): RedValidator<FlaConfigEditorNode> {
    return function (value) {
      const v = String(value ?? "").trim();
      if (!v) {
        return liveValue(this, "environment") === CUSTOM
          ? t("errors.urlRequired", { field: t(`label.${name}`) })
          : true;
      }
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        return t("errors.urlInvalid", { field: t(`label.${name}`) });
      }
      const plainHttpHost =
        contract!.plainHttpHosts.names.includes(url.hostname) ||
        url.hostname.startsWith(contract!.plainHttpHosts.prefix);
      if (url.protocol === "https:" || (url.protocol === "http:" && plainHttpHost)) return true;
      return t("errors.urlHttps", { field: t(`label.${name}`) });
    };
  }

  /** Reads the enterprise number with the runtime's rule: "format", "checksum", or null when it is empty or valid. */
  function enterpriseNumberProblem(value: unknown, rule: EnterpriseNumberRule): "format" | "checksum" | null {
    let digits = String(value ?? "").trim();
    if (!digits) return null;
    if (digits.toUpperCase().startsWith(rule.prefix.toUpperCase())) digits = digits.slice(rule.prefix.length);
    digits = digits.replace(new RegExp(rule.ignored, "g"), "");
    if (/^\d+$/.test(digits) && digits.length === rule.length - 1) digits = `0${digits}`;
    if (!/^\d+$/.test(digits) || digits.length !== rule.length || !rule.firstDigits.includes(digits.charAt(0)))
      return "format";
    const { modulus, baseLength } = rule.checkDigits;
    const check = modulus - (parseInt(digits.slice(0, baseLength), 10) % modulus);
    return check === parseInt(digits.slice(baseLength), 10) ? null : "checksum";
  }

  /** Empty means "the runtime's default" (flows written by hand or by older versions may omit these properties). */
  function positiveInteger(value: unknown): boolean {
    const s = String(value ?? "").trim();
    return s === "" || (/^\d+$/.test(s) && parseInt(s, 10) > 0);
  }

  // Validators take two parameters: only then does Node-RED (3.1+) show a returned string as the error.
  function integerValidator(name: string): RedValidator<FlaConfigEditorNode> {
    return (value, _opt) => positiveInteger(value) || t("errors.positiveInteger", { field: t(`label.${name}`) });
  }

  // ---- files chosen in the dialog: read as bytes, judged by the runtime, stored only on Update/Done and Deploy ----

  function bytesToBase64(bytes: Uint8Array): string {
    let binary = "";
    const chunk = 0x8000;
    for (let i = 0; i < bytes.length; i += chunk)
      binary += String.fromCharCode(...Array.from(bytes.subarray(i, i + chunk)));
    return btoa(binary);
  }

  function bytesToText(bytes: Uint8Array): string {
    return new TextDecoder("utf-8").decode(bytes);
  }

  /** Wraps bytes in a PEM armour under the label the runtime named. */
  function toPem(label: string, bytes: Uint8Array): string {
    const body = bytesToBase64(bytes)
      .replace(/(.{64})/g, "$1\n")
      .replace(/\n$/, "");
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
  }

  /** The PEM block with this label, as it is in the file (the runtime said it is there). */
  function pemBlock(fileText: string, label: string): string | undefined {
    const begin = fileText.indexOf(`-----BEGIN ${label}-----`);
    const endMarker = `-----END ${label}-----`;
    const end = begin < 0 ? -1 : fileText.indexOf(endMarker, begin);
    return end < 0 ? undefined : `${fileText.slice(begin, end + endMarker.length)}\n`;
  }

  function readFile(input: HTMLInputElement, callback: (err: unknown, file: File, bytes?: Uint8Array) => void): void {
    const file = input.files?.[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      input.value = "";
      callback(null, file, new Uint8Array(reader.result as ArrayBuffer));
    };
    reader.onerror = () => {
      input.value = "";
      callback(reader.error ?? new Error("read error"), file);
    };
    reader.readAsArrayBuffer(file);
  }

  // ---- messages ----

  function formatDate(iso: string): string {
    const date = new Date(iso);
    return isNaN(date.getTime()) ? iso : date.toLocaleString();
  }

  function renderMessage(container: JQuery, level: BoxLevel, title: string | null, message: string | null): JQuery {
    container.empty();
    const box = $('<div class="fla-cfg-box"></div>').addClass(`fla-cfg-${level}`).appendTo(container);
    if (title) $("<b></b>").text(title).appendTo(box);
    if (message) $("<div></div>").text(message).appendTo(box);
    return box;
  }

  /** Fills `container` with the certificate summary the runtime sent. */
  function renderSummary(
    container: JQuery,
    summary: EditorCertificateSummary,
    warnings: string[],
    title: string,
  ): void {
    const days = summary.daysRemaining;
    const notYetValid = new Date(summary.notBefore).getTime() > Date.now();
    const soon = days >= 0 && days < contract!.expiryWarningDays;
    const level: BoxLevel = days < 0 || notYetValid ? "err" : soon || warnings.length ? "warn" : "ok";
    const box = renderMessage(container, level, title, null);
    const table = $("<table></table>").appendTo(box);
    const row = (label: string, value: string | undefined, mono = false): void => {
      if (!value) return;
      const tr = $("<tr></tr>").appendTo(table);
      $("<td></td>").text(label).appendTo(tr);
      const td = $("<td></td>").text(value).appendTo(tr);
      if (mono) td.addClass("fla-cfg-mono");
    };
    row(t("summary.subject"), summary.subject);
    row(t("summary.issuer"), summary.issuer);
    row(t("summary.serial"), `${summary.serialHex} (${summary.serialDecimal})`, true);
    row(t("summary.validFrom"), formatDate(summary.notBefore));
    row(
      t("summary.validTo"),
      `${formatDate(summary.notAfter)} — ${days < 0 ? t("summary.expired") : t("summary.daysRemaining", { days })}`,
    );
    row(t("summary.alias"), summary.alias);
    row(t("summary.key"), `${summary.keyType} ${summary.keyBits} bits`);
    row("SHA-1", summary.sha1Thumbprint, true);
    row("SHA-256", summary.sha256Thumbprint, true);
    if (soon && !warnings.length) $("<div></div>").text(t("summary.expiresSoon", { days })).appendTo(box);
    if (warnings.length) {
      const list = $('<ul style="margin: 4px 0 0 18px;"></ul>').appendTo(box);
      for (const warning of warnings) $("<li></li>").text(warning).appendTo(list);
    }
  }

  function failureText(answer: { code: string; message: string }): string {
    return `${answer.code}: ${answer.message}`;
  }

  function ajaxFailureText(xhr: JQuery.jqXHR): string {
    if (xhr.status === 401) return t("errors.adminUnauthorized");
    if (xhr.status === 403) return t("errors.adminForbidden");
    if (xhr.status === 404) return t("errors.adminNotFound");
    if (xhr.status === 0) return t("errors.adminUnreachable");
    const body = xhr.responseJSON as { code?: string; message?: string } | undefined;
    if (body?.message) return (body.code ? `${body.code}: ` : "") + body.message;
    return t("errors.adminStatus", { status: xhr.status });
  }

  /** JSON only: the runtime refuses any other body (415), so a cross-site form cannot post to its endpoints. */
  function postJson(url: string, body: unknown, timeoutMs?: number): JQuery.jqXHR {
    return $.ajax({
      url,
      method: "POST",
      contentType: "application/json",
      data: JSON.stringify(body),
      dataType: "json",
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
    });
  }

  const presets = contract.environments;
  const production = presets[DEFAULT_ENVIRONMENT];
  const numberDefaults = contract.defaults;

  const behaviour: RedNodeBehaviour<FlaConfigEditorNode> = {
    defaults: {
      name: { value: "" },
      environment: { value: DEFAULT_ENVIRONMENT, required: true },
      tokenUrl: { value: production.tokenUrl, validate: urlValidator("tokenUrl") },
      audience: { value: production.audience, validate: urlValidator("audience") },
      apiUrl: { value: production.apiUrl, validate: urlValidator("apiUrl") },
      // Node-RED's own http proxy configuration node, as in the http request node; none: HTTP(S)_PROXY apply.
      proxy: { value: "", type: "http proxy", required: false },
      clientId: { value: "", required: true },
      role: { value: DEFAULT_ROLE, required: true },
      scope: { value: "" },
      enterpriseNumber: {
        value: "",
        validate: (value, _opt) => {
          const problem = enterpriseNumberProblem(value, contract.enterpriseNumber);
          return problem ? t(`errors.enterpriseNumber.${problem}`) : true;
        },
      },
      certificateFormat: { value: "pfx", required: true },
      alias: { value: "" },
      timeout: { value: numberDefaults.timeout, validate: integerValidator("timeout") },
      maxConcurrent: { value: numberDefaults.maxConcurrent, validate: integerValidator("maxConcurrent") },
      maxQueue: { value: numberDefaults.maxQueue, validate: integerValidator("maxQueue") },
      persistOutbox: { value: true },
      maxAttempts: { value: numberDefaults.maxAttempts, validate: integerValidator("maxAttempts") },
      maxBackoff: { value: numberDefaults.maxBackoff, validate: integerValidator("maxBackoff") },
      circuitThreshold: { value: numberDefaults.circuitThreshold, validate: integerValidator("circuitThreshold") },
      giveUpHours: { value: numberDefaults.giveUpHours, validate: integerValidator("giveUpHours") },
    },
    credentials: {
      pfx: { type: "password" },
      passphrase: { type: "password" },
      certificate: { type: "text" },
      privateKey: { type: "password" },
    },
    // The dialog title ("Edit … node") and the help tree use paletteLabel; the node's own label tells configs apart.
    paletteLabel: () => t("paletteLabel"),
    label: function () {
      if (this.name) return this.name;
      const environment = t(`environment.short.${this.environment || DEFAULT_ENVIRONMENT}`);
      return `${this.clientId || t("paletteLabel")} · ${environment}`;
    },
    oneditprepare: function () {
      prepareDialog(this);
    },
    oneditsave: () => {
      const scope = $("#node-config-input-scope");
      scope.val(text("#node-config-input-scope").trim());
      $("#node-config-input-clientId").val(text("#node-config-input-clientId").trim());
    },
  };
  // The .html registers the node with what tools read from it (see RedNodeLook); the rest is this script's.
  window.flaConfigEditor = {
    registerType: (type, look) => RED.nodes.registerType<FlaConfigEditorNode>(type, { ...look, ...behaviour }),
  };

  /** Options of a select built from the runtime's list, then the node's value selected again (Node-RED set it before). */
  function fillSelect(
    id: string,
    values: string[],
    labelPrefix: string,
    selected: string | undefined,
    fallback: string,
  ): void {
    const select = $(id).empty();
    for (const value of values)
      $("<option></option>")
        .val(value)
        .text(t(`${labelPrefix}.${value}`))
        .appendTo(select);
    select.val(selected && values.includes(selected) ? selected : fallback);
  }

  function prepareDialog(node: FlaConfigEditorNode): void {
    const creds: FlaConfigCredentials = node.credentials ?? {};
    const changed: Record<FileKind | "passphrase", boolean> = { pfx: false, passphrase: false, privateKey: false };
    const originalCertificate = creds.certificate ?? "";
    const summaryBox = $("#fla-config-cert-summary");
    const resultBox = $("#fla-config-test-result");

    // Flows written by hand or by older versions may lack these: show what the runtime will use.
    fillSelect(
      "#node-config-input-environment",
      [...Object.keys(presets), CUSTOM],
      "environment",
      node.environment,
      DEFAULT_ENVIRONMENT,
    );
    fillSelect("#node-config-input-role", Object.keys(contract!.scopes), "role", node.role, DEFAULT_ROLE);
    if (!$("#node-config-input-certificateFormat").val()) $("#node-config-input-certificateFormat").val("pfx");
    for (const name of NUMBER_FIELDS) {
      const input = $(`#node-config-input-${name}`);
      if (String(input.val() ?? "").trim() === "") input.val(numberDefaults[name]);
    }

    // ---- environment presets ----
    const envSelect = $("#node-config-input-environment");
    let previousEnv = text("#node-config-input-environment");
    const urlInput = (field: string): string => text(`#node-config-input-${field}`).trim();

    function presetDiffers(): boolean {
      const preset = presets[text("#node-config-input-environment")];
      return !!preset && URL_FIELDS.some((field) => urlInput(field) !== preset[field]);
    }
    function applyPreset(env: string): void {
      const preset = presets[env];
      if (!preset) return;
      for (const field of URL_FIELDS) $(`#node-config-input-${field}`).val(preset[field]).trigger("change");
    }
    function updateEnvironmentNote(): void {
      const env = text("#node-config-input-environment");
      const note = $("#fla-config-env-note").empty();
      const preset = presets[env];
      if (preset && !preset.certain) {
        note
          .append($('<i class="fa fa-exclamation-triangle"></i>'))
          .append(document.createTextNode(` ${t("tip.unconfirmed")}`));
      } else {
        note.text(t(`tip.${env}`));
      }
      $("#fla-config-preset-row").toggle(presetDiffers());
    }
    envSelect.on("change", () => {
      const env = text("#node-config-input-environment");
      if (env !== previousEnv && env !== CUSTOM) applyPreset(env);
      previousEnv = env;
      updateEnvironmentNote();
    });
    $("#fla-config-preset-reset").on("click", () => {
      applyPreset(text("#node-config-input-environment"));
      updateEnvironmentNote();
    });
    // Empty URLs of an older node: show what the runtime will use.
    if (previousEnv !== CUSTOM && URL_FIELDS.every((field) => !urlInput(field))) applyPreset(previousEnv);
    // The audience is the token URL unless someone knows better: keep them together.
    const tokenUrlInput = $("#node-config-input-tokenUrl");
    let lastTokenUrl = text("#node-config-input-tokenUrl");
    tokenUrlInput.on("change keyup", () => {
      const audience = $("#node-config-input-audience");
      if (!audience.val() || audience.val() === lastTokenUrl) audience.val(text("#node-config-input-tokenUrl"));
      lastTokenUrl = text("#node-config-input-tokenUrl");
      $("#fla-config-preset-row").toggle(presetDiffers());
    });
    $("#node-config-input-audience, #node-config-input-apiUrl").on("change keyup", () => {
      $("#fla-config-preset-row").toggle(presetDiffers());
    });
    updateEnvironmentNote();

    // ---- role, scope, enterprise number ----
    function updateRole(): void {
      const role = text("#node-config-input-role") === "provider" ? "provider" : DEFAULT_ROLE;
      $("#node-config-input-scope").attr("placeholder", contract!.scopes[role]);
      $("#fla-config-role-note").text(t(`tip.role.${role}`));
      $("#node-config-input-enterpriseNumber").attr(
        "placeholder",
        role === "provider" ? t("placeholder.enterpriseNumberProvider") : "0203.430.576",
      );
    }
    $("#node-config-input-role").on("change", updateRole);
    updateRole();

    // ---- certificate format and files ----
    const isPem = (): boolean => text("#node-config-input-certificateFormat") === "pem";
    function updateFormat(): void {
      const pem = isPem();
      $(".fla-config-pfx-row").toggle(!pem);
      $(".fla-config-pem-row").toggle(pem);
      $("#fla-config-passphrase-label").text(t(pem ? "label.passphrasePem" : "label.passphrasePfx"));
      $("#node-config-input-passphrase").attr(
        "placeholder",
        t(pem ? "placeholder.passphrasePem" : "placeholder.passphrasePfx"),
      );
    }
    $("#node-config-input-certificateFormat").on("change", updateFormat);
    updateFormat();

    function setState(id: string, level: StateLevel, message: string): void {
      const icon = { ok: "fa-check-circle", err: "fa-times-circle", new: "fa-arrow-circle-up", none: "fa-circle-o" }[
        level
      ];
      const color = { ok: "#5cb85c", err: "#d9534f", new: "#337ab7", none: "#999" }[level];
      $(id)
        .empty()
        .append($('<i class="fa"></i>').addClass(icon).css("color", color))
        .append(document.createTextNode(` ${message}`));
    }
    function showStoredState(name: FileKind, stateId: string, storedKey: string, missingKey: string): void {
      const value = text(`#node-config-input-${name}`);
      if (changed[name] && value) return;
      const stored = name === "pfx" ? creds.has_pfx : creds.has_privateKey;
      if (value === STORED || (!changed[name] && stored)) setState(stateId, "ok", t(storedKey));
      else setState(stateId, "none", t(missingKey));
    }
    function refreshFileStates(): void {
      showStoredState("pfx", "#fla-config-pfx-state", "file.pfxStored", "file.pfxNone");
      showStoredState("privateKey", "#fla-config-key-state", "file.keyStored", "file.keyNone");
      const cert = text("#node-config-input-certificate");
      if (!cert) setState("#fla-config-cert-state", "none", t("file.certificateNone"));
      else if (cert !== originalCertificate) setState("#fla-config-cert-state", "new", t("file.certificatePasted"));
      else setState("#fla-config-cert-state", "ok", t("file.certificateStored"));
      $("#fla-config-pfx-remove").toggle(!!text("#node-config-input-pfx"));
      $("#fla-config-key-remove").toggle(!!text("#node-config-input-privateKey"));
    }

    $("#fla-config-pfx-choose").on("click", () => $("#fla-config-pfx-file").trigger("click"));
    $("#fla-config-cert-choose").on("click", () => $("#fla-config-cert-file").trigger("click"));
    $("#fla-config-key-choose").on("click", () => $("#fla-config-key-file").trigger("click"));

    // A .pfx is stored as base64 (some exports are base64 text already); the runtime says whether it can read it.
    $("#fla-config-pfx-file").on("change", function () {
      readFile(this as HTMLInputElement, (err, file, bytes) => {
        if (err || !bytes) return setState("#fla-config-pfx-state", "err", t("file.readError", { file: file.name }));
        const fileText = bytesToText(bytes);
        const base64 = /^[A-Za-z0-9+/=\s]+$/.test(fileText) ? fileText.replace(/\s+/g, "") : bytesToBase64(bytes);
        $("#node-config-input-pfx").val(base64);
        changed.pfx = true;
        setState("#fla-config-pfx-state", "new", t("file.loaded", { file: file.name }));
        $("#fla-config-pfx-remove").show();
        summaryBox.empty();
        showChosenSummary();
      });
    });
    $("#fla-config-pfx-remove").on("click", function () {
      $("#node-config-input-pfx").val("");
      changed.pfx = true;
      setState("#fla-config-pfx-state", "none", t("file.removed"));
      $(this).hide();
    });

    function storeKeyPem(pem: string, message: string): void {
      $("#node-config-input-privateKey").val(pem);
      changed.privateKey = true;
      setState("#fla-config-key-state", "new", message);
      $("#fla-config-key-remove").show();
    }

    /** The PEM of the key the runtime found in the file: its block, or the DER file wrapped under the label it named. */
    function keyPem(found: { label: string; encoding: "pem" | "der" }, bytes: Uint8Array): string | undefined {
      return found.encoding === "der" ? toPem(found.label, bytes) : pemBlock(bytesToText(bytes), found.label);
    }

    /** Asks the runtime what a chosen PEM-mode file holds; `stateId` shows why it could not say. */
    function readChosenFile(
      input: HTMLInputElement,
      stateId: string,
      use: (answer: CertificateFileAnswer & { ok: true }, file: File, bytes: Uint8Array) => void,
    ): void {
      readFile(input, (err, file, bytes) => {
        if (err || !bytes) return setState(stateId, "err", t("file.readError", { file: file.name }));
        postJson("fla-config/certificate-file", { base64: bytesToBase64(bytes) })
          .done((answer: CertificateFileAnswer) => {
            if (answer.ok) use(answer, file, bytes);
            else setState(stateId, "err", failureText(answer));
          })
          .fail((xhr: JQuery.jqXHR) => setState(stateId, "err", ajaxFailureText(xhr)));
      });
    }

    $("#fla-config-cert-file").on("change", function () {
      readChosenFile(this as HTMLInputElement, "#fla-config-cert-state", (answer, file, bytes) => {
        if (!answer.certificatePem)
          return setState("#fla-config-cert-state", "err", t("file.notCertificate", { file: file.name }));
        $("#node-config-input-certificate").val(answer.certificatePem).trigger("change");
        setState(
          "#fla-config-cert-state",
          "new",
          t(answer.certificateFromDer ? "file.derConverted" : "file.loaded", { file: file.name }),
        );
        const key = answer.privateKey && keyPem(answer.privateKey, bytes);
        if (key) storeKeyPem(key, t("file.keyAlsoLoaded", { file: file.name }));
        summaryBox.empty();
        showChosenSummary();
      });
    });
    $("#node-config-input-certificate").on("input change", function () {
      if ($(this).val() !== originalCertificate) summaryBox.empty();
    });

    $("#fla-config-key-file").on("change", function () {
      readChosenFile(this as HTMLInputElement, "#fla-config-key-state", (answer, file, bytes) => {
        const key = answer.privateKey && keyPem(answer.privateKey, bytes);
        if (!answer.privateKey || !key)
          return setState("#fla-config-key-state", "err", t("file.notKey", { file: file.name }));
        storeKeyPem(
          key,
          t(answer.privateKey.encoding === "der" ? "file.derConverted" : "file.loaded", { file: file.name }),
        );
        if (answer.certificatePem && !text("#node-config-input-certificate")) {
          $("#node-config-input-certificate").val(answer.certificatePem).trigger("change");
          setState("#fla-config-cert-state", "new", t("file.certificateAlsoLoaded", { file: file.name }));
        }
        showChosenSummary();
      });
    });
    $("#fla-config-key-remove").on("click", function () {
      $("#node-config-input-privateKey").val("");
      changed.privateKey = true;
      setState("#fla-config-key-state", "none", t("file.removed"));
      $(this).hide();
    });
    $("#node-config-input-passphrase").on("input change", () => {
      changed.passphrase = true;
    });
    $("#node-config-input-passphrase").on("change", () => {
      if (changed.pfx || changed.privateKey || text("#node-config-input-certificate") !== originalCertificate)
        showChosenSummary();
    });

    // Node-RED has filled the credential inputs (__PWRD__ for a stored secret) before oneditprepare.
    refreshFileStates();

    // ---- certificate of the deployed node ----
    function loadDeployedSummary(): void {
      if (!node.id) return;
      $.ajax({ url: `fla-config/${encodeURIComponent(node.id)}/certificate`, method: "GET", dataType: "json" })
        .done((answer: CertificateAnswer) => {
          if (answer.ok) {
            renderSummary(summaryBox, answer.certificate, answer.warnings, t("summary.deployedTitle"));
            $("#fla-config-download").prop("disabled", false);
          } else {
            renderMessage(summaryBox, "err", t("summary.deployedProblem"), failureText(answer));
          }
        })
        .fail((xhr: JQuery.jqXHR) => {
          if (xhr.status === 404) renderMessage(summaryBox, "info", null, t("summary.notDeployed"));
          else renderMessage(summaryBox, "err", t("summary.unavailable"), ajaxFailureText(xhr));
        });
    }
    $("#fla-config-download").prop("disabled", true);
    loadDeployedSummary();

    // ---- certificate just chosen: read by the runtime (as at deploy), nothing stored ----
    function showChosenSummary(): void {
      const ready = isPem()
        ? !!text("#node-config-input-certificate") && !!text("#node-config-input-privateKey")
        : !!text("#node-config-input-pfx");
      if (!ready) return;
      const request = {
        id: node.id,
        certificateFormat: text("#node-config-input-certificateFormat"),
        alias: text("#node-config-input-alias").trim(),
        credentials: credentialsToSend(),
      };
      postJson("fla-config/certificate-summary", request)
        .done((answer: CertificateAnswer) => {
          if (answer.ok) renderSummary(summaryBox, answer.certificate, answer.warnings, t("summary.chosenTitle"));
          else renderMessage(summaryBox, "err", t("summary.chosenProblem"), failureText(answer));
        })
        .fail((xhr: JQuery.jqXHR) => {
          renderMessage(summaryBox, "err", t("summary.unavailable"), ajaxFailureText(xhr));
        });
    }

    // ---- Test connection ----
    function credentialsToSend(): Record<string, string> {
      const out: Record<string, string> = {};
      const pem = isPem();
      const pfx = text("#node-config-input-pfx");
      const key = text("#node-config-input-privateKey");
      const pass = text("#node-config-input-passphrase");
      const cert = text("#node-config-input-certificate");
      if (!pem && changed.pfx && pfx && pfx !== STORED) out.pfx = pfx;
      if (pem && changed.privateKey && key && key !== STORED) out.privateKey = key;
      if (pem && cert !== originalCertificate && cert) out.certificate = cert;
      if (changed.passphrase && pass !== STORED) out.passphrase = pass;
      return out;
    }

    $("#fla-config-test").on("click", function () {
      const button = $(this);
      const timeout = parseInt(text("#node-config-input-timeout"), 10) || numberDefaults.timeout;
      const body = {
        id: node.id,
        environment: text("#node-config-input-environment"),
        tokenUrl: urlInput("tokenUrl"),
        audience: urlInput("audience"),
        apiUrl: urlInput("apiUrl"),
        proxy: text("#node-config-input-proxy"),
        clientId: text("#node-config-input-clientId").trim(),
        role: text("#node-config-input-role"),
        scope: text("#node-config-input-scope").trim(),
        enterpriseNumber: text("#node-config-input-enterpriseNumber").trim(),
        certificateFormat: text("#node-config-input-certificateFormat"),
        alias: text("#node-config-input-alias").trim(),
        timeout,
        credentials: credentialsToSend(),
      };
      if (!body.clientId) {
        renderMessage(resultBox, "err", t("test.failed"), t("errors.clientIdRequired"));
        return;
      }
      button.prop("disabled", true);
      renderMessage(resultBox, "info", null, t("test.running", { url: body.tokenUrl })).prepend(
        '<i class="fa fa-spinner fa-spin"></i> ',
      );
      // With the stored certificate the runtime signs only for the deployed URLs; a refusal (400) is shown by ajaxFailureText.
      postJson("fla-config/test-connection", body, (timeout + 15) * 1000)
        .done((answer: TestConnectionAnswer) => {
          if (answer.ok) {
            const box = renderMessage(resultBox, "ok", t("test.ok"), null);
            const table = $("<table></table>").appendTo(box);
            const row = (label: string, value: string | undefined): void => {
              if (!value) return;
              const tr = $("<tr></tr>").appendTo(table);
              $("<td></td>").text(label).appendTo(tr);
              $('<td class="fla-cfg-mono"></td>').text(value).appendTo(tr);
            };
            row(t("test.scope"), answer.scope);
            row(t("test.tokenType"), answer.tokenType);
            row(t("test.expiresIn"), t("test.seconds", { seconds: answer.expiresIn }));
            renderSummary(summaryBox, answer.certificate, answer.warnings, t("summary.testedTitle"));
          } else {
            const hint = t(`hint.${answer.code}`);
            const errBox = renderMessage(resultBox, "err", `${t("test.failed")} (${answer.code})`, answer.message);
            if (hint && hint.indexOf("hint.") === -1)
              $('<div style="margin-top: 4px;"></div>').text(hint).appendTo(errBox);
          }
        })
        .fail((xhr: JQuery.jqXHR, status: string) => {
          renderMessage(
            resultBox,
            "err",
            t("test.failed"),
            status === "timeout" ? t("errors.adminTimeout") : ajaxFailureText(xhr),
          );
        })
        .always(() => {
          button.prop("disabled", false);
        });
    });

    // ---- Download certificate (.cer), the file to upload in Chaman ----
    $("#fla-config-download").on("click", () => {
      $.ajax({
        url: `fla-config/${encodeURIComponent(node.id)}/certificate.cer`,
        method: "GET",
        xhrFields: { responseType: "blob" },
      })
        .done((blob: Blob, _status: string, xhr: JQuery.jqXHR) => {
          const disposition = xhr.getResponseHeader("Content-Disposition") ?? "";
          const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
          const fileName = match ? decodeURIComponent(match[1]) : `${node.clientId || "fla-certificate"}.cer`;
          const href = URL.createObjectURL(blob);
          const link = document.createElement("a");
          link.href = href;
          link.download = fileName;
          document.body.appendChild(link);
          link.click();
          document.body.removeChild(link);
          setTimeout(() => URL.revokeObjectURL(href), 1000);
          renderMessage(resultBox, "ok", null, t("download.done", { file: fileName }));
        })
        .fail((xhr: JQuery.jqXHR) => {
          renderMessage(
            resultBox,
            "warn",
            t("download.failed"),
            xhr.status === 404 ? t("download.notDeployed") : ajaxFailureText(xhr),
          );
        });
    });
  }
})();
