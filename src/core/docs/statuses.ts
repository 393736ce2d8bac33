/**
 * What each `msg.fla.status` means and which output carries it, in the three languages of the nodes. The README and
 * the node help render this map (npm run docs); a status added to FlaStatus without a description fails to compile.
 */
import type { FlaStatus, LocalizedText } from "../result";
import type { DocumentedNode } from "./errorCodes";

export interface StatusDoc {
  text: LocalizedText;
  /** The output of fla-declare / fla-query that carries it (a technical failure goes to a Catch node). */
  output: "success" | "anomaly" | "catch";
  nodes: readonly DocumentedNode[];
}

/** `ERROR` is named on its own as well so that this map compiles whether or not FlaStatus lists it yet. */
export const FLA_STATUS_DOCS: Record<FlaStatus | "ERROR", StatusDoc> = {
  ACCEPTED: {
    output: "success",
    nodes: ["declare"],
    text: { en: "The FLA recorded the declaration.", fr: "Le FLA a enregistré la déclaration.", nl: "De FLA registreerde de aangifte." },
  },
  ACCEPTED_WITH_WARNINGS: {
    output: "success",
    nodes: ["declare"],
    text: {
      en: "Recorded, with warnings in `msg.fla.anomalies`.",
      fr: "Enregistrée, avec des avertissements dans `msg.fla.anomalies`.",
      nl: "Geregistreerd, met waarschuwingen in `msg.fla.anomalies`.",
    },
  },
  PENDING: {
    output: "success",
    nodes: ["declare"],
    text: {
      en: "Asynchronous processing not finished within the poll timeout: read it later with an FLA query (declaration) and `msg.fla.declarationId`.",
      fr: "Traitement asynchrone non terminé dans le délai d'attente : lisez-le plus tard avec un nœud FLA consulter (déclaration) et `msg.fla.declarationId`.",
      nl: "Asynchrone verwerking niet klaar binnen de wachttijd: lees ze later met een FLA-opvraging (aangifte) en `msg.fla.declarationId`.",
    },
  },
  ALREADY_DECLARED: {
    output: "success",
    nodes: ["declare"],
    text: {
      en: "The same `externalReference` was already recorded: nothing was recorded twice; `msg.fla.trainingId` is the existing training.",
      fr: "La même `externalReference` était déjà enregistrée : rien n'a été enregistré deux fois ; `msg.fla.trainingId` est la formation existante.",
      nl: "Dezelfde `externalReference` was al geregistreerd: niets werd twee keer geregistreerd; `msg.fla.trainingId` is de bestaande opleiding.",
    },
  },
  CANCELLED: {
    output: "success",
    nodes: ["declare"],
    text: { en: "The training was cancelled.", fr: "La formation a été annulée.", nl: "De opleiding werd geannuleerd." },
  },
  OK: {
    output: "success",
    nodes: ["query", "export"],
    text: { en: "A successful read.", fr: "Une lecture réussie.", nl: "Een geslaagde lezing." },
  },
  INVALID: {
    output: "anomaly",
    nodes: ["declare", "query", "export"],
    text: {
      en: "Refused locally, nothing was sent: `msg.fla.anomalies` says why.",
      fr: "Refusé localement, rien n'a été envoyé : `msg.fla.anomalies` dit pourquoi.",
      nl: "Lokaal geweigerd, er werd niets verzonden: `msg.fla.anomalies` zegt waarom.",
    },
  },
  REJECTED: {
    output: "anomaly",
    nodes: ["declare", "query", "export"],
    text: {
      en: "The FLA refused it: `msg.fla.anomalies` holds its reasons.",
      fr: "Le FLA l'a refusé : `msg.fla.anomalies` en donne les raisons.",
      nl: "De FLA weigerde het: `msg.fla.anomalies` geeft de redenen.",
    },
  },
  FORBIDDEN: {
    output: "anomaly",
    nodes: ["declare", "query", "export"],
    text: {
      en: "403: the scope or the mandate does not allow it (an employer account used for another company, no active MAHIS mandate).",
      fr: "403 : le scope ou le mandat ne le permet pas (compte employeur utilisé pour une autre entreprise, pas de mandat MAHIS actif).",
      nl: "403: de scope of het mandaat laat het niet toe (een werkgeversaccount gebruikt voor een ander bedrijf, geen actief MAHIS-mandaat).",
    },
  },
  ERROR: {
    output: "catch",
    nodes: ["declare", "query", "export"],
    text: {
      en: "A technical failure (network, timeout, authentication, certificate...): `msg.error.code` says which; the FLA did not refuse it.",
      fr: "Une panne technique (réseau, délai, authentification, certificat...) : `msg.error.code` dit laquelle ; le FLA ne l'a pas refusé.",
      nl: "Een technische fout (netwerk, time-out, authenticatie, certificaat...): `msg.error.code` zegt welke; de FLA heeft het niet geweigerd.",
    },
  },
  NOT_FOUND: {
    output: "anomaly",
    nodes: ["declare", "query", "export"],
    text: {
      en: "404: the training, declaration or data does not exist.",
      fr: "404 : la formation, la déclaration ou la donnée n'existe pas.",
      nl: "404: de opleiding, de aangifte of het gegeven bestaat niet.",
    },
  },
};
