/** The `msg.fla` contract (README, "msg.fla"), shared by every FLA node. */

export type Severity = "BLOCKING" | "WARNING";

export interface LocalizedText {
  fr: string;
  nl: string;
  en: string;
}

export interface Anomaly {
  code: string;
  severity: Severity;
  /** Dotted path in the payload, e.g. `worker.ssin` or `period.endDate`. */
  field?: string;
  /** A sentence a person can act on (English). */
  message: string;
  description?: LocalizedText;
  /**
   * Who named the code: `local` (validation before any call, LOCAL-*), `fla` (the platform's own code, passed on as
   * received) or `client` (this package, reading an answer of the platform: CLIENT-*, see core/clientAnomalies.ts).
   */
  source: AnomalySource;
}

export type AnomalySource = "local" | "fla" | "client";

/**
 * Every `msg.fla.status`, with the output it leaves by and what it means: the one source of the table the README and
 * the node help are generated from (npm run docs; `code` spans in backquotes). The keys are what flows test for:
 * renaming one is a breaking change.
 */
export const FLA_STATUSES = {
  ACCEPTED: {
    output: "success",
    en: "The FLA recorded the declaration.",
    fr: "Le FLA a enregistré la déclaration.",
    nl: "De FLA registreerde de aangifte.",
  },
  ACCEPTED_WITH_WARNINGS: {
    output: "success",
    en: "Recorded, with warnings in `msg.fla.anomalies`.",
    fr: "Enregistrée, avec des avertissements dans `msg.fla.anomalies`.",
    nl: "Geregistreerd, met waarschuwingen in `msg.fla.anomalies`.",
  },
  PENDING: {
    output: "success",
    en: "Received, but its asynchronous processing was not finished within the poll timeout: read it later with an FLA query (declaration) and `msg.fla.declarationId`.",
    fr: "Reçue, mais son traitement asynchrone n'était pas terminé dans le délai de suivi : lisez-la plus tard avec un nœud FLA query (declaration) et `msg.fla.declarationId`.",
    nl: "Ontvangen, maar de asynchrone verwerking was niet klaar binnen de wachttijd: lees ze later met een FLA query (declaration) en `msg.fla.declarationId`.",
  },
  ALREADY_DECLARED: {
    output: "success",
    en: "The same `externalReference` was already recorded: nothing was recorded twice; `msg.fla.trainingId` is the existing training.",
    fr: "La même `externalReference` était déjà enregistrée : rien n'a été enregistré deux fois ; `msg.fla.trainingId` est la formation existante.",
    nl: "Dezelfde `externalReference` was al geregistreerd: niets werd twee keer geregistreerd; `msg.fla.trainingId` is de bestaande opleiding.",
  },
  CANCELLED: {
    output: "success",
    en: "The training was cancelled.",
    fr: "La formation a été annulée.",
    nl: "De opleiding werd geannuleerd.",
  },
  OK: {
    output: "success",
    en: "A successful read.",
    fr: "Une lecture réussie.",
    nl: "Een geslaagde lezing.",
  },
  INVALID: {
    output: "anomaly",
    en: "Refused locally, nothing was sent: the `LOCAL-*` anomalies of `msg.fla.anomalies` say why.",
    fr: "Refusé localement, rien n'a été envoyé : les anomalies `LOCAL-*` de `msg.fla.anomalies` disent pourquoi.",
    nl: "Lokaal geweigerd, er werd niets verzonden: de `LOCAL-*`-anomalieën in `msg.fla.anomalies` zeggen waarom.",
  },
  REJECTED: {
    output: "anomaly",
    en: "The FLA refused it: `msg.fla.anomalies` holds its reasons (`msg.fla.problem` its answer as received).",
    fr: "Le FLA l'a refusé : `msg.fla.anomalies` en donne les raisons (`msg.fla.problem` sa réponse telle que reçue).",
    nl: "De FLA weigerde het: `msg.fla.anomalies` geeft de redenen (`msg.fla.problem` het antwoord zoals ontvangen).",
  },
  FORBIDDEN: {
    output: "anomaly",
    en: "403: the scope or the mandate does not allow it (an employer account used for another company, no active MAHIS mandate).",
    fr: "403 : le scope ou le mandat ne le permet pas (compte employeur utilisé pour une autre entreprise, pas de mandat MAHIS actif).",
    nl: "403: de scope of het mandaat laat het niet toe (een werkgeversaccount gebruikt voor een ander bedrijf, geen actief MAHIS-mandaat).",
  },
  NOT_FOUND: {
    output: "anomaly",
    en: "404: the training, declaration or data does not exist.",
    fr: "404 : la formation, la déclaration ou la donnée n'existe pas.",
    nl: "404: de opleiding, de aangifte of het gegeven bestaat niet.",
  },
  ERROR: {
    output: "error",
    en: "A technical failure (network, timeout, authentication, certificate, configuration...): `msg.error.code` says which; the FLA did not refuse it.",
    fr: "Une panne technique (réseau, délai, authentification, certificat, configuration...) : `msg.error.code` dit laquelle ; le FLA ne l'a pas refusé.",
    nl: "Een technische fout (netwerk, time-out, authenticatie, certificaat, configuratie...): `msg.error.code` zegt welke; de FLA heeft het niet geweigerd.",
  },
} as const satisfies Record<string, { output: "success" | "anomaly" | "error" } & LocalizedText>;

export type FlaStatus = keyof typeof FLA_STATUSES;

export interface FlaMeta {
  operation: string;
  httpStatus?: number;
  status: FlaStatus;
  trainingId?: string;
  declarationId?: string;
  location?: string;
  anomalies: Anomaly[];
  /** The RFC 9457 problem the API answered, as received. */
  problem?: unknown;
  attempts: number;
  durationMs: number;
  /** Accepted into the outbox before a redeploy or restart, and sent by the node that took over. */
  resumed?: boolean;
}

/** What a controller decides for one input (or one page): which of the three ends the message takes. */
export type Outcome =
  | { output: "success"; payload: unknown; fla: FlaMeta }
  | { output: "anomaly"; payload: unknown; fla: FlaMeta }
  | { output: "error"; error: import("./errors").FlaError; fla: FlaMeta };
