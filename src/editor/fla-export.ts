/**
 * Editor of the FLA export node; its template is in nodes/fla-export.html, its texts in nodes/locales.
 * The collections, the default folder and the rule of the years are the runtime's (RED.settings.flaExportContract).
 *
 * The folder has no check here: whether a path is absolute depends on the server's system (a drive letter, a UNC
 * path) and a relative one is resolved against Node-RED's user directory, which only the runtime knows; it refuses a
 * folder that leaves it at deploy (the node's status) and for each msg.folder.
 */
(() => {
  const NS = "node-red-contrib-careerpro-fla/fla-export";

  const contract = RED.settings.flaExportContract as ExportEditorContract | undefined;
  if (!contract)
    throw new Error(
      "fla-export: the runtime sent no flaExportContract setting; restart Node-RED after updating the package.",
    );
  const FIRST_YEAR = contract.firstYear;
  const COLLECTIONS = contract.collections;
  const YEAR = new RegExp(contract.years.pattern);

  interface FlaExportEditorNode {
    name?: string;
    trainings?: boolean;
    trainingRights?: boolean;
    fromYear?: string;
    toYear?: string;
  }

  function t(key: string, options?: Record<string, unknown>): string {
    return RED._(`${NS}:fla-export.${key}`, options);
  }

  function yearOf(value: unknown): number {
    const s = String(value ?? "").trim();
    return YEAR.test(s) ? parseInt(s, 10) : NaN;
  }

  function validYears(from: unknown, to: unknown): boolean {
    const thisYear = new Date().getFullYear();
    const first = String(from ?? "").trim() === "" ? FIRST_YEAR : yearOf(from);
    const last = String(to ?? "").trim() === "" ? thisYear : yearOf(to);
    return first >= FIRST_YEAR && last >= first && last <= thisYear + contract!.years.afterCurrent;
  }

  // Validators take two parameters: only then does Node-RED (3.1+) show a returned string as the error.
  const behaviour: RedNodeBehaviour<FlaExportEditorNode> = {
    defaults: {
      name: { value: "" },
      config: { value: "", type: "fla-config", required: true },
      folder: { value: contract.defaultFolder },
      trainings: { value: true },
      trainingRights: { value: true },
      trainingCredits: {
        value: true,
        validate: function (value, _opt) {
          let any = value === true || this.trainings === true || this.trainingRights === true;
          if ($("#node-input-trainings").length)
            any = COLLECTIONS.some((c) => $(`#node-input-${c}`).prop("checked") === true);
          return any || t("errors.collections");
        },
      },
      fromYear: {
        value: String(FIRST_YEAR),
        validate: function (value, _opt) {
          return validYears(value, this.toYear) || t("errors.years");
        },
      },
      toYear: {
        value: "",
        validate: function (value, _opt) {
          return validYears(this.fromYear, value) || t("errors.years");
        },
      },
      csv: { value: true },
      xlsx: { value: false },
    },
    paletteLabel: () => t("paletteLabel"),
    label: function () {
      return this.name || t("paletteLabel");
    },
    labelStyle: function () {
      return this.name ? "node_label_italic" : "";
    },
    inputLabels: () => t("inputs.employers"),
    outputLabels: (index) => (index === 0 ? t("outputs.done") : t("outputs.refused")),
    oneditprepare: () => {
      $("#node-input-fromYear").attr("placeholder", String(FIRST_YEAR));
    },
  };
  // The .html registers the node with what tools read from it (see RedNodeLook); the rest is this script's.
  window.flaExportEditor = {
    registerType: (type, look) => RED.nodes.registerType<FlaExportEditorNode>(type, { ...look, ...behaviour }),
  };
})();
