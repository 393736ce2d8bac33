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
 * Every `msg.fla.status`, with the output it leaves by and what it means: the table the README and the node help are
 * generated from. The keys are what flows test for: renaming one is a breaking change.
 */
export const FLA_STATUSES = {
  ACCEPTED: {
    output: "success",
    en: "The FLA accepted the declaration.",
    fr: "La FLA a accepté la déclaration.",
    nl: "De FLA heeft de aangifte aanvaard.",
  },
  ACCEPTED_WITH_WARNINGS: {
    output: "success",
    en: "The FLA accepted the declaration with warnings (msg.fla.anomalies).",
    fr: "La FLA a accepté la déclaration avec des avertissements (msg.fla.anomalies).",
    nl: "De FLA heeft de aangifte aanvaard met waarschuwingen (msg.fla.anomalies).",
  },
  REJECTED: {
    output: "anomaly",
    en: "The FLA refused it: its anomalies say why (msg.fla.anomalies, msg.fla.problem).",
    fr: "La FLA l'a refusée : ses anomalies disent pourquoi (msg.fla.anomalies, msg.fla.problem).",
    nl: "De FLA heeft ze geweigerd: de anomalieën zeggen waarom (msg.fla.anomalies, msg.fla.problem).",
  },
  PENDING: {
    output: "success",
    en: "Received, but its processing was not finished within the poll timeout: follow msg.fla.declarationId.",
    fr: "Reçue, mais son traitement n'était pas terminé dans le délai de suivi : suivez msg.fla.declarationId.",
    nl: "Ontvangen, maar de verwerking was niet klaar binnen de opvolgingstermijn: volg msg.fla.declarationId.",
  },
  ALREADY_DECLARED: {
    output: "success",
    en: "The same externalReference is already registered (msg.fla.trainingId): nothing was recorded twice.",
    fr: "La même externalReference est déjà enregistrée (msg.fla.trainingId) : rien n'a été enregistré deux fois.",
    nl: "Dezelfde externalReference is al geregistreerd (msg.fla.trainingId): niets werd twee keer geregistreerd.",
  },
  CANCELLED: {
    output: "success",
    en: "The training is cancelled.",
    fr: "La formation est annulée.",
    nl: "De opleiding is geannuleerd.",
  },
  INVALID: {
    output: "anomaly",
    en: "Refused locally (LOCAL-* anomalies): nothing was sent.",
    fr: "Refusée localement (anomalies LOCAL-*) : rien n'a été envoyé.",
    nl: "Lokaal geweigerd (LOCAL-*-anomalieën): er werd niets verzonden.",
  },
  FORBIDDEN: {
    output: "anomaly",
    en: "The FLA refused access (HTTP 403): the scope of the role or the mandate does not cover it.",
    fr: "La FLA a refusé l'accès (HTTP 403) : la portée du rôle ou le mandat ne le couvre pas.",
    nl: "De FLA weigerde de toegang (HTTP 403): de scope van de rol of het mandaat dekt het niet.",
  },
  NOT_FOUND: {
    output: "anomaly",
    en: "The FLA knows no such resource (HTTP 404).",
    fr: "La FLA ne connaît pas cette ressource (HTTP 404).",
    nl: "De FLA kent deze resource niet (HTTP 404).",
  },
  OK: {
    output: "success",
    en: "A successful read.",
    fr: "Une lecture réussie.",
    nl: "Een geslaagde lezing.",
  },
  ERROR: {
    output: "error",
    en: "A technical failure (network, timeout, authentication, configuration...): msg.error.code says which, on the Catch node.",
    fr: "Une défaillance technique (réseau, délai, authentification, configuration...) : msg.error.code dit laquelle, sur le nœud Catch.",
    nl: "Een technische storing (netwerk, time-out, authenticatie, configuratie...): msg.error.code zegt welke, op de Catch-node.",
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
