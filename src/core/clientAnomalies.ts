/**
 * The anomalies this package names itself while reading an answer of the FLA platform: CLIENT-* codes, `source:
 * "client"`. The platform's own codes (FLA-E-0017, ...) are passed on as received with `source: "fla"`; these fill
 * the gaps it leaves (a refusal without a code, a 202 without a declaration to follow, a page that failed mid-run).
 * `CLIENT_ANOMALY_CODES` is the generic catalogue for the README and the node help, like LOCAL_ANOMALY_CODES.
 */
import type { Anomaly, LocalizedText, Severity } from "./result";

type Lang = keyof LocalizedText;

/** The details a sentence quotes. `said`: the platform's own words (problem detail or title), when it gave any. */
export interface ClientAnomalyParams {
  operation?: string;
  trainingId?: string;
  declarationId?: string;
  /** Where a multi-page query stopped, e.g. "page 3 (after 2 page(s), 200 item(s) read)". */
  position?: string;
  /** Why a result could not be read. */
  reason?: string;
  said?: string;
}

/** `en`, `fr`, `nl`: when it happens, in general terms (docs). */
export interface ClientAnomalyEntry extends LocalizedText {
  severity: Severity;
  /** What to do, in English (docs). */
  hint?: string;
  /** The sentence of one occurrence. */
  text: (p: ClientAnomalyParams, lang: Lang) => string;
}

const opt = (value: string | undefined, text: (value: string) => string): string => (value ? text(value) : "");

/** Every client-made code. The keys are the codes flows can test for: renaming one is a breaking change. */
export const CLIENT_ANOMALY_CODES = {
  "CLIENT-BAD-REQUEST": {
    severity: "BLOCKING",
    en: "The FLA API refused the request as invalid (HTTP 400) without naming an anomaly.",
    fr: "L'API FLA a refusé la requête comme invalide (HTTP 400) sans nommer d'anomalie.",
    nl: "De FLA-API weigerde het verzoek als ongeldig (HTTP 400) zonder een anomalie te noemen.",
    hint: "Compare the message with the API's documentation; msg.fla.problem holds the answer as received.",
    text: (p, l) =>
      ({
        en: `The FLA API refused the ${p.operation ?? ""} request as invalid.`,
        fr: `L'API FLA a refusé la requête ${p.operation ?? ""} comme invalide.`,
        nl: `De FLA-API weigerde het ${p.operation ?? ""}-verzoek als ongeldig.`,
      })[l],
  },
  "CLIENT-FORBIDDEN": {
    severity: "BLOCKING",
    en: "The FLA API refused access (HTTP 403) without naming why.",
    fr: "L'API FLA a refusé l'accès (HTTP 403) sans dire pourquoi.",
    nl: "De FLA-API weigerde de toegang (HTTP 403) zonder te zeggen waarom.",
    hint: "Check the scope of the config node's role and, for a provider, its mandate for this employer.",
    text: (_p, l) =>
      ({
        en: "The FLA API refused access: the scope of the config node's role, or the mandate for this employer, does not cover this request.",
        fr: "L'API FLA a refusé l'accès : la portée du rôle du nœud de configuration, ou le mandat pour cet employeur, ne couvre pas cette requête.",
        nl: "De FLA-API weigerde de toegang: de scope van de rol van de configuratienode, of het mandaat voor deze werkgever, dekt dit verzoek niet.",
      })[l],
  },
  "CLIENT-NOT-FOUND": {
    severity: "BLOCKING",
    en: "The FLA API knows no such resource (HTTP 404) and named no anomaly.",
    fr: "L'API FLA ne connaît pas cette ressource (HTTP 404) et n'a nommé aucune anomalie.",
    nl: "De FLA-API kent deze resource niet (HTTP 404) en noemde geen anomalie.",
    hint: "Check the identifiers (trainingId, declarationId, enterprise number, SSIN, year).",
    text: (p, l) =>
      ({
        en: `The FLA API knows no such resource${opt(p.trainingId, (id) => ` (training ${id})`)} for ${p.operation ?? "this request"}: check the identifiers.`,
        fr: `L'API FLA ne connaît pas cette ressource${opt(p.trainingId, (id) => ` (formation ${id})`)} pour ${p.operation ?? "cette requête"} : vérifiez les identifiants.`,
        nl: `De FLA-API kent deze resource niet${opt(p.trainingId, (id) => ` (opleiding ${id})`)} voor ${p.operation ?? "dit verzoek"}: controleer de identificaties.`,
      })[l],
  },
  "CLIENT-CONFLICT": {
    severity: "BLOCKING",
    en: "The FLA API reported a conflict with an existing record (HTTP 409) without naming an anomaly.",
    fr: "L'API FLA a signalé un conflit avec un enregistrement existant (HTTP 409) sans nommer d'anomalie.",
    nl: "De FLA-API meldde een conflict met een bestaand record (HTTP 409) zonder een anomalie te noemen.",
    hint: "Read the training as it is (fla-query, training) before correcting it again.",
    text: (_p, l) =>
      ({
        en: "The FLA API reported a conflict with an existing record.",
        fr: "L'API FLA a signalé un conflit avec un enregistrement existant.",
        nl: "De FLA-API meldde een conflict met een bestaand record.",
      })[l],
  },
  "CLIENT-DUPLICATE": {
    severity: "WARNING",
    en: "This training was already declared (same employer and externalReference; HTTP 409 without an anomaly code): nothing new was recorded.",
    fr: "Cette formation a déjà été déclarée (même employeur et même externalReference ; HTTP 409 sans code d'anomalie) : rien de nouveau n'a été enregistré.",
    nl: "Deze opleiding werd al aangegeven (zelfde werkgever en externalReference; HTTP 409 zonder anomaliecode): er werd niets nieuws geregistreerd.",
    hint: "Nothing to do: msg.fla.trainingId names the training already recorded.",
    text: (p, l) =>
      ({
        en: `This training was already declared${opt(p.trainingId, (id) => ` as ${id}`)} (same employer and externalReference): nothing new was recorded.`,
        fr: `Cette formation a déjà été déclarée${opt(p.trainingId, (id) => ` sous ${id}`)} (même employeur et même externalReference) : rien de nouveau n'a été enregistré.`,
        nl: `Deze opleiding werd al aangegeven${opt(p.trainingId, (id) => ` als ${id}`)} (zelfde werkgever en externalReference): er werd niets nieuws geregistreerd.`,
      })[l],
  },
  "CLIENT-REJECTED": {
    severity: "BLOCKING",
    en: "The FLA API rejected the declaration without naming an anomaly.",
    fr: "L'API FLA a rejeté la déclaration sans nommer d'anomalie.",
    nl: "De FLA-API verwierp de aangifte zonder een anomalie te noemen.",
    hint: "msg.fla.problem or msg.payload holds the answer as received.",
    text: (_p, l) =>
      ({
        en: "The FLA API rejected the declaration without naming an anomaly.",
        fr: "L'API FLA a rejeté la déclaration sans nommer d'anomalie.",
        nl: "De FLA-API verwierp de aangifte zonder een anomalie te noemen.",
      })[l],
  },
  "CLIENT-PAYLOAD-TOO-LARGE": {
    severity: "BLOCKING",
    en: "The FLA API (or a gateway in front of it) refused the request because its body is too large (HTTP 413).",
    fr: "L'API FLA (ou une passerelle placée devant elle) a refusé la requête car son corps est trop volumineux (HTTP 413).",
    nl: "De FLA-API (of een gateway ervoor) weigerde het verzoek omdat de body te groot is (HTTP 413).",
    hint: "Shorten the long text fields (title, description); nothing was recorded.",
    text: (_p, l) =>
      ({
        en: "The FLA API (or a gateway in front of it) refused the request because its body is too large (HTTP 413): shorten the long text fields (title, description) of this declaration; nothing was recorded.",
        fr: "L'API FLA (ou une passerelle placée devant elle) a refusé la requête car son corps est trop volumineux (HTTP 413) : raccourcissez les longs champs de texte (titre, description) de cette déclaration ; rien n'a été enregistré.",
        nl: "De FLA-API (of een gateway ervoor) weigerde het verzoek omdat de body te groot is (HTTP 413): maak de lange tekstvelden (titel, beschrijving) van deze aangifte korter; er werd niets geregistreerd.",
      })[l],
  },
  "CLIENT-NO-DECLARATION-ID": {
    severity: "WARNING",
    en: "The FLA API accepted the declaration for later processing (HTTP 202) but named no declaration to follow.",
    fr: "L'API FLA a accepté la déclaration pour un traitement ultérieur (HTTP 202) sans nommer de déclaration à suivre.",
    nl: "De FLA-API aanvaardde de aangifte voor latere verwerking (HTTP 202) maar noemde geen aangifte om te volgen.",
    hint: "Query the trainings of this worker later to see the result.",
    text: (_p, l) =>
      ({
        en: "The FLA API accepted the declaration for later processing but named no declaration to follow: query the trainings of this worker later to see the result.",
        fr: "L'API FLA a accepté la déclaration pour un traitement ultérieur mais n'a nommé aucune déclaration à suivre : consultez plus tard les formations de ce travailleur pour en voir le résultat.",
        nl: "De FLA-API aanvaardde de aangifte voor latere verwerking maar noemde geen aangifte om te volgen: raadpleeg later de opleidingen van deze werknemer om het resultaat te zien.",
      })[l],
  },
  "CLIENT-POLL-FAILED": {
    severity: "WARNING",
    en: "The declaration was received (HTTP 202) but its result could not be read: it stays PENDING.",
    fr: "La déclaration a été reçue (HTTP 202) mais son résultat n'a pas pu être lu : elle reste PENDING.",
    nl: "De aangifte werd ontvangen (HTTP 202) maar het resultaat kon niet gelezen worden: ze blijft PENDING.",
    hint: "Query it later with the FLA query node (declaration, msg.fla.declarationId); do not send it again.",
    text: (p, l) =>
      ({
        en: `The declaration was received (declaration ${p.declarationId ?? "?"}) but its result could not be read (${p.reason ?? "no reason given"}): query it later with the FLA query node (declaration).`,
        fr: `La déclaration a été reçue (déclaration ${p.declarationId ?? "?"}) mais son résultat n'a pas pu être lu (${p.reason ?? "sans raison donnée"}) : consultez-la plus tard avec le nœud FLA query (declaration).`,
        nl: `De aangifte werd ontvangen (aangifte ${p.declarationId ?? "?"}) maar het resultaat kon niet gelezen worden (${p.reason ?? "geen reden gegeven"}): raadpleeg ze later met de FLA query-node (declaration).`,
      })[l],
  },
  "CLIENT-PAGE-FAILED": {
    severity: "BLOCKING",
    en: "A multi-page query stopped at a page the FLA API refused; the pages before it were read.",
    fr: "Une requête de plusieurs pages s'est arrêtée à une page refusée par l'API FLA ; les pages précédentes ont été lues.",
    nl: "Een query van meerdere pagina's stopte bij een pagina die de FLA-API weigerde; de pagina's ervoor werden gelezen.",
    hint: "The other anomalies say why that page was refused.",
    text: (p, l) =>
      ({
        en: `The ${p.operation ?? ""} query stopped at ${p.position ?? "a page"}.`,
        fr: `La requête ${p.operation ?? ""} s'est arrêtée à ${p.position ?? "une page"}.`,
        nl: `De ${p.operation ?? ""}-query stopte bij ${p.position ?? "een pagina"}.`,
      })[l],
  },
  "CLIENT-ANOMALY-WITHOUT-CODE": {
    severity: "BLOCKING",
    en: "The FLA API reported an anomaly without a code.",
    fr: "L'API FLA a signalé une anomalie sans code.",
    nl: "De FLA-API meldde een anomalie zonder code.",
    hint: "The message holds the API's own words, when it gave any.",
    text: (_p, l) =>
      ({
        en: "The FLA API reported an anomaly without a code.",
        fr: "L'API FLA a signalé une anomalie sans code.",
        nl: "De FLA-API meldde een anomalie zonder code.",
      })[l],
  },
} as const satisfies Record<`CLIENT-${string}`, ClientAnomalyEntry>;

export type ClientAnomalyCode = keyof typeof CLIENT_ANOMALY_CODES;

const SAID: LocalizedText = { en: "The FLA API said:", fr: "L'API FLA a indiqué :", nl: "De FLA-API zei:" };

/**
 * One client anomaly, in the three languages. The platform's own words (`said`) follow the sentence as received: they
 * are the most precise thing the flow can show, and the platform did not translate them.
 */
export function clientAnomaly(
  code: ClientAnomalyCode,
  params: ClientAnomalyParams = {},
  options: { severity?: Severity; field?: string } = {},
): Anomaly {
  const entry: ClientAnomalyEntry = CLIENT_ANOMALY_CODES[code];
  const text = (lang: Lang): string => entry.text(params, lang) + (params.said ? ` ${SAID[lang]} ${params.said}` : "");
  const description: LocalizedText = { en: text("en"), fr: text("fr"), nl: text("nl") };
  return {
    code,
    severity: options.severity ?? entry.severity,
    ...(options.field ? { field: options.field } : {}),
    message: description.en,
    description,
    source: "client",
  };
}
