/**
 * Editor of the FLA query node; its template is in nodes/fla-query.html, its texts in nodes/locales.
 *
 * The queries, the parameters each one takes and which ones come in pages are the runtime's catalogue
 * (RED.settings.flaQueryContract, built by src/core/editorContract.ts); the dialog builds its list and rows from them.
 */
(() => {
  const NS = "node-red-contrib-careerpro-fla/fla-query";
  /** Not a query: the operation comes from msg.operation, so every parameter and paging may apply. */
  const FROM_MSG = "msg";
  const DEFAULT_PAGING = "all";
  const TYPES = ["str", "msg", "flow", "global", "env", "jsonata"];
  /** How each parameter row looks; a parameter the runtime adds later gets the plain look. */
  const LOOK: Record<string, { icon: string; placeholder?: string; i18nPlaceholder?: boolean }> = {
    trainingId: { icon: "fa-hashtag", placeholder: "T-000042" },
    declarationId: { icon: "fa-hashtag", placeholder: "D-000042" },
    enterpriseNumber: { icon: "fa-building", i18nPlaceholder: true },
    ssin: { icon: "fa-user", i18nPlaceholder: true },
    year: { icon: "fa-calendar-o", placeholder: "2025" },
    startDate: { icon: "fa-calendar", placeholder: "2024-01-01" },
    endDate: { icon: "fa-calendar", placeholder: "2025-12-31" },
  };

  const contract = RED.settings.flaQueryContract as QueryEditorContract | undefined;
  if (!contract)
    throw new Error(
      "fla-query: the runtime sent no flaQueryContract setting; restart Node-RED after updating the package.",
    );
  const params = contract.params;
  const maxPageSize = contract.maxPageSize;
  const DEFAULT_QUERY = contract.defaultQuery;

  type FlaQueryEditorNode = Record<string, unknown> & { name?: string; query?: string };

  function t(key: string, options?: Record<string, unknown>): string {
    return RED._(`${NS}:fla-query.${key}`, options);
  }

  function text(selector: string): string {
    const value = $(selector).val();
    return value === undefined || value === null ? "" : String(value);
  }

  function paramsOf(query: string): string[] {
    return contract!.queries[query]?.params ?? params;
  }

  function isPaged(query: string): boolean {
    return query === FROM_MSG || !!contract!.queries[query]?.paged;
  }

  // Validators take two parameters: only then does Node-RED (3.1+) show a returned string as the error.
  const defaults: Record<string, RedPropertyDefinition<FlaQueryEditorNode>> = {
    name: { value: "" },
    config: { value: "", type: "fla-config", required: true },
    query: { value: DEFAULT_QUERY, required: true },
    paging: { value: DEFAULT_PAGING },
    pageSize: {
      value: maxPageSize,
      validate: (value, _opt) => {
        const s = String(value ?? "").trim();
        const n = parseInt(s, 10);
        return (
          s === "" || (/^\d+$/.test(s) && n >= 1 && n <= maxPageSize) || t("errors.pageSize", { max: maxPageSize })
        );
      },
    },
  };
  for (const param of params) {
    defaults[param] = { value: "", validate: RED.validators.typedInput(`${param}Type`) };
    defaults[`${param}Type`] = { value: "str" };
  }

  /** One row per parameter, before the paging rows; Node-RED fills only inputs that exist when the dialog opens. */
  function addParamRows(node: FlaQueryEditorNode): void {
    const before = $("#fla-query-param-tip");
    for (const param of params) {
      const look = LOOK[param] ?? { icon: "fa-pencil" };
      const row = $('<div class="form-row fla-query-param"></div>').attr("data-param", param);
      const label = $("<label></label>").attr("for", `node-input-${param}`).appendTo(row);
      label
        .append($('<i class="fa"></i>').addClass(look.icon))
        .append(" ")
        .append($("<span></span>").text(t(`label.${param}`)));
      const input = $('<input type="text" style="width: 70%;">').attr("id", `node-input-${param}`).appendTo(row);
      const placeholder = look.i18nPlaceholder ? t(`placeholder.${param}`) : look.placeholder;
      if (placeholder) input.attr("placeholder", placeholder);
      input.val(String(node[param] ?? ""));
      $('<input type="hidden">')
        .attr("id", `node-input-${param}Type`)
        .val(String(node[`${param}Type`] || "str"))
        .appendTo(row);
      row.insertBefore(before);
    }
  }

  function prepareDialog(node: FlaQueryEditorNode): void {
    const querySelect = $("#node-input-query").empty();
    for (const query of [...Object.keys(contract!.queries), FROM_MSG])
      $("<option></option>")
        .val(query)
        .text(t(`query.${query}`))
        .appendTo(querySelect);
    querySelect.val(
      node.query && (node.query === FROM_MSG || contract!.queries[node.query]) ? node.query : DEFAULT_QUERY,
    );
    if (text("#node-input-pageSize").trim() === "") $("#node-input-pageSize").val(maxPageSize);
    // The largest page size is the runtime's (the catalogue's paging), so the label is filled here, not in the locale;
    // without its data-i18n the editor's own translation pass cannot put the bare "__max__" back.
    $("#node-input-pageSize ~ span")
      .first()
      .removeAttr("data-i18n")
      .text(t("label.pageSizeMax", { max: maxPageSize }));
    if (!$("#node-input-paging").val()) $("#node-input-paging").val(DEFAULT_PAGING);
    addParamRows(node);
    for (const param of params) {
      $(`#node-input-${param}`).typedInput({ default: "str", types: TYPES, typeField: $(`#node-input-${param}Type`) });
    }

    function updatePaging(): void {
      $("#fla-query-paging-tip").html(t(`tip.paging.${text("#node-input-paging")}`));
    }
    function update(): void {
      const query = text("#node-input-query");
      const used = paramsOf(query);
      $(".fla-query-param").each(function () {
        const row = $(this);
        row.toggle(used.includes(String(row.attr("data-param"))));
      });
      $("#fla-query-param-tip").html(t(`tip.query.${query}`));
      $(".fla-query-paging").toggle(isPaged(query));
      updatePaging();
      RED.tray.resize();
    }
    $("#node-input-query").on("change", update);
    $("#node-input-paging").on("change", updatePaging);
    update();
  }

  const behaviour: RedNodeBehaviour<FlaQueryEditorNode> = {
    defaults,
    paletteLabel: () => t("paletteLabel"),
    label: function () {
      return this.name || t(`query.${this.query || DEFAULT_QUERY}`);
    },
    labelStyle: function () {
      return this.name ? "node_label_italic" : "";
    },
    inputLabels: () => t("inputs.query"),
    outputLabels: (index) => (index === 0 ? t("outputs.result") : t("outputs.anomaly")),
    oneditprepare: function () {
      prepareDialog(this);
    },
  };
  // The .html registers the node with what tools read from it (see RedNodeLook); the rest is this script's.
  window.flaQueryEditor = {
    registerType: (type, look) => RED.nodes.registerType<FlaQueryEditorNode>(type, { ...look, ...behaviour }),
  };
})();
