/**
 * Editor of the FLA declare node; its template is in nodes/fla-declare.html, its texts in nodes/locales.
 * The declarations it offers, and which ones send a body, are the runtime's catalogue (RED.settings.flaDeclareContract).
 */
(() => {
  const NS = "node-red-contrib-careerpro-fla/fla-declare";
  /** Not an operation: it comes from msg.operation, so a body (and its schema) may apply. */
  const FROM_MSG = "msg";

  const contract = RED.settings.flaDeclareContract as DeclareEditorContract | undefined;
  if (!contract)
    throw new Error(
      "fla-declare: the runtime sent no flaDeclareContract setting; restart Node-RED after updating the package.",
    );
  const operations = contract.operations;
  const DEFAULT_OPERATION = contract.defaultOperation;
  const DEFAULT_POLL_TIMEOUT = contract.defaultPollTimeout;

  /** Whether the operation sends a body, which a custom schema may check. */
  function hasBody(operation: string): boolean {
    return operation === FROM_MSG || operations[operation]?.hasBody !== false;
  }

  interface FlaDeclareEditorNode {
    name?: string;
    operation?: string;
    waitForResult?: boolean;
    schemaType?: string;
    schema?: string;
    schemaEditor?: RedCodeEditor;
  }

  function t(key: string, options?: Record<string, unknown>): string {
    return RED._(`${NS}:fla-declare.${key}`, options);
  }

  function text(selector: string): string {
    const value = $(selector).val();
    return value === undefined || value === null ? "" : String(value);
  }

  /** The value being edited when the dialog is open, else the saved one. */
  function liveValue(node: FlaDeclareEditorNode, name: "schemaType"): string {
    const input = $(`#node-input-${name}`);
    return input.length ? String(input.val() ?? "") : String(node[name] ?? "");
  }

  function positiveInteger(value: unknown): boolean {
    const s = String(value ?? "").trim();
    return s === "" || (/^\d+$/.test(s) && parseInt(s, 10) > 0);
  }

  /** Returns null when the schema setting is usable, else a message. */
  function schemaProblem(type: string, value: string): string | null {
    const v = (value || "").trim();
    if (type === "file") return v ? null : t("errors.schemaFileRequired");
    if (type !== "json") return null;
    if (!v) return t("errors.schemaJsonRequired");
    try {
      const parsed: unknown = JSON.parse(v);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return t("errors.schemaNotObject");
    } catch (e) {
      return t("errors.schemaInvalidJson", { error: (e as Error).message });
    }
    return null;
  }

  /** The schema the dialog holds: the path field or the JSON editor, by type. */
  function dialogSchema(node: FlaDeclareEditorNode): string {
    const type = text("#node-input-schemaType");
    if (type === "file") return text("#fla-declare-schema-file").trim();
    return type === "json" && node.schemaEditor ? node.schemaEditor.getValue() : "";
  }

  function closeSchemaEditor(node: FlaDeclareEditorNode): void {
    node.schemaEditor?.destroy();
    delete node.schemaEditor;
  }

  // Validators take two parameters: only then does Node-RED (3.1+) show a returned string as the error.
  function prepareDialog(node: FlaDeclareEditorNode): void {
    if (text("#node-input-pollTimeout").trim() === "") $("#node-input-pollTimeout").val(DEFAULT_POLL_TIMEOUT);
    const operationSelect = $("#node-input-operation").empty();
    for (const operation of [...Object.keys(operations), FROM_MSG])
      $("<option></option>")
        .val(operation)
        .text(t(`operation.${operation}`))
        .appendTo(operationSelect);
    operationSelect.val(
      node.operation && (node.operation === FROM_MSG || operations[node.operation])
        ? node.operation
        : DEFAULT_OPERATION,
    );
    if (!$("#node-input-schemaType").val()) $("#node-input-schemaType").val("none");

    $("#node-input-waitForResult").on("change", function () {
      $("#fla-declare-pollTimeout-row").toggle($(this).is(":checked"));
    });
    $("#fla-declare-pollTimeout-row").toggle(node.waitForResult !== false);

    // The schema lives in one property; the path field and the JSON editor both feed it.
    const schemaType = node.schemaType || "none";
    const schema = node.schema || "";
    $("#fla-declare-schema-file").val(schemaType === "file" ? schema : "");
    const schemaEditor = RED.editor.createEditor({
      id: "fla-declare-schema-editor",
      mode: "ace/mode/json",
      value: schemaType === "json" ? schema : "",
    });
    node.schemaEditor = schemaEditor;

    function syncSchema(): void {
      const type = text("#node-input-schemaType");
      const value = dialogSchema(node);
      $("#node-input-schema").val(value).trigger("change");
      const problem = schemaProblem(type, value);
      $("#fla-declare-schema-error")
        .text(problem || "")
        .toggle(!!problem && type !== "none");
    }
    function updateSchemaRows(): void {
      const type = text("#node-input-schemaType");
      const visible = hasBody(text("#node-input-operation"));
      $("#fla-declare-schema-file-row").toggle(visible && type === "file");
      $("#fla-declare-schema-json-row").toggle(visible && type === "json");
      $("#fla-declare-schema-tip").toggle(visible);
      if (type === "json" && visible) schemaEditor.resize();
      syncSchema();
      RED.tray.resize();
    }
    function updateOperation(): void {
      const operation = text("#node-input-operation");
      $("#fla-declare-operation-tip").html(t(`tip.operation.${operation}`));
      $("#node-input-schemaType").closest(".form-row").toggle(hasBody(operation));
      updateSchemaRows();
    }
    $("#node-input-operation").on("change", updateOperation);
    $("#node-input-schemaType").on("change", updateSchemaRows);
    $("#fla-declare-schema-file").on("change keyup", syncSchema);
    let debounce: ReturnType<typeof setTimeout> | undefined;
    schemaEditor.getSession().on("change", () => {
      clearTimeout(debounce);
      debounce = setTimeout(syncSchema, 300);
    });
    updateOperation();
  }

  const behaviour: RedNodeBehaviour<FlaDeclareEditorNode> = {
    defaults: {
      name: { value: "" },
      config: { value: "", type: "fla-config", required: true },
      operation: { value: DEFAULT_OPERATION, required: true },
      waitForResult: { value: true },
      pollTimeout: {
        value: DEFAULT_POLL_TIMEOUT,
        validate: (value, _opt) =>
          positiveInteger(value) || t("errors.positiveInteger", { field: t("label.pollTimeout") }),
      },
      schemaType: { value: "none" },
      schema: {
        value: "",
        validate: function (value, _opt) {
          return schemaProblem(liveValue(this, "schemaType"), String(value ?? "")) || true;
        },
      },
    },
    paletteLabel: () => t("paletteLabel"),
    label: function () {
      return this.name || t(`operation.${this.operation || DEFAULT_OPERATION}`);
    },
    labelStyle: function () {
      return this.name ? "node_label_italic" : "";
    },
    inputLabels: () => t("inputs.declaration"),
    outputLabels: (index) => (index === 0 ? t("outputs.success") : t("outputs.anomaly")),
    oneditprepare: function () {
      prepareDialog(this);
    },
    oneditsave: function () {
      $("#node-input-schema").val(dialogSchema(this));
      closeSchemaEditor(this);
    },
    oneditcancel: function () {
      closeSchemaEditor(this);
    },
  };
  // The .html registers the node with what tools read from it (see RedNodeLook); the rest is this script's.
  window.flaDeclareEditor = {
    registerType: (type, look) => RED.nodes.registerType<FlaDeclareEditorNode>(type, { ...look, ...behaviour }),
  };
})();
