/**
 * The simulator's catalogue of anomalies: a stable code per rule (FLA-E-xxxx blocking, FLA-W-xxxx warning) with its
 * description in French, Dutch and English. The official FLA catalogue is not public; these codes are ours.
 */
import type { ApiAnomaly, LocalizedText } from "./types";

export interface CatalogueEntry {
  severity: "BLOCKING" | "WARNING";
  description: LocalizedText;
}

export const ANOMALY_CATALOGUE = {
  "FLA-E-0001": {
    severity: "BLOCKING",
    description: {
      en: "A required field is missing.",
      fr: "Un champ obligatoire est manquant.",
      nl: "Een verplicht veld ontbreekt.",
    },
  },
  "FLA-E-0002": {
    severity: "BLOCKING",
    description: {
      en: "The value does not have the expected type or format.",
      fr: "La valeur n'a pas le type ou le format attendu.",
      nl: "De waarde heeft niet het verwachte type of formaat.",
    },
  },
  "FLA-E-0003": {
    severity: "BLOCKING",
    description: {
      en: "The value is not one of the allowed values.",
      fr: "La valeur ne fait pas partie des valeurs autorisées.",
      nl: "De waarde behoort niet tot de toegelaten waarden.",
    },
  },
  "FLA-E-0004": {
    severity: "BLOCKING",
    description: {
      en: "The text is empty or too long.",
      fr: "Le texte est vide ou trop long.",
      nl: "De tekst is leeg of te lang.",
    },
  },
  "FLA-E-0010": {
    severity: "BLOCKING",
    description: {
      en: "The social security identification number (SSIN) is not valid: wrong check digits.",
      fr: "Le numéro d'identification de la sécurité sociale (NISS) n'est pas valide : chiffres de contrôle erronés.",
      nl: "Het identificatienummer van de sociale zekerheid (INSZ) is ongeldig: verkeerde controlecijfers.",
    },
  },
  "FLA-E-0011": {
    severity: "BLOCKING",
    description: {
      en: "The enterprise number is not valid: wrong check digits.",
      fr: "Le numéro d'entreprise n'est pas valide : chiffres de contrôle erronés.",
      nl: "Het ondernemingsnummer is ongeldig: verkeerde controlecijfers.",
    },
  },
  "FLA-E-0012": {
    severity: "BLOCKING",
    description: {
      en: "The end date is before the start date.",
      fr: "La date de fin est antérieure à la date de début.",
      nl: "De einddatum ligt vóór de begindatum.",
    },
  },
  "FLA-E-0013": {
    severity: "BLOCKING",
    description: {
      en: "The period starts before 1 January 2024, when the Federal Learning Account started.",
      fr: "La période commence avant le 1er janvier 2024, date de début du compte formation fédéral.",
      nl: "De periode begint vóór 1 januari 2024, de start van de federale leerrekening.",
    },
  },
  "FLA-E-0014": {
    severity: "BLOCKING",
    description: {
      en: "The period is in the future: only trainings that have taken place can be declared.",
      fr: "La période est dans le futur : seules les formations ayant eu lieu peuvent être déclarées.",
      nl: "De periode ligt in de toekomst: enkel gevolgde opleidingen kunnen aangegeven worden.",
    },
  },
  "FLA-E-0015": {
    severity: "BLOCKING",
    description: {
      en: "The duration must be greater than zero.",
      fr: "La durée doit être supérieure à zéro.",
      nl: "De duur moet groter zijn dan nul.",
    },
  },
  "FLA-E-0016": {
    severity: "BLOCKING",
    description: {
      en: "The duration is longer than the period allows (at most 24 hours or 1 day per calendar day).",
      fr: "La durée dépasse ce que la période permet (au plus 24 heures ou 1 jour par jour calendrier).",
      nl: "De duur is langer dan de periode toelaat (hoogstens 24 uur of 1 dag per kalenderdag).",
    },
  },
  "FLA-E-0017": {
    severity: "BLOCKING",
    description: {
      en: "The worker is not employed by this employer during the period.",
      fr: "Le travailleur n'est pas occupé par cet employeur pendant la période.",
      nl: "De werknemer is tijdens de periode niet tewerkgesteld bij deze werkgever.",
    },
  },
  "FLA-E-0018": {
    severity: "BLOCKING",
    description: {
      en: "The training was cancelled and can no longer be corrected.",
      fr: "La formation a été annulée et ne peut plus être corrigée.",
      nl: "De opleiding werd geannuleerd en kan niet meer verbeterd worden.",
    },
  },
  "FLA-E-0019": {
    severity: "BLOCKING",
    description: {
      en: "A correction cannot change the employer of a training: cancel it and declare it again.",
      fr: "Une correction ne peut pas changer l'employeur d'une formation : annulez-la et déclarez-la à nouveau.",
      nl: "Een verbetering kan de werkgever van een opleiding niet wijzigen: annuleer ze en geef ze opnieuw aan.",
    },
  },
  "FLA-E-0020": {
    severity: "BLOCKING",
    description: {
      en: "The number of days must be zero or more.",
      fr: "Le nombre de jours doit être zéro ou plus.",
      nl: "Het aantal dagen moet nul of meer zijn.",
    },
  },
  "FLA-E-0021": {
    severity: "BLOCKING",
    description: {
      en: "The year is outside the years of the Federal Learning Account (from 2024 to next year).",
      fr: "L'année est en dehors des années du compte formation fédéral (de 2024 à l'année prochaine).",
      nl: "Het jaar valt buiten de jaren van de federale leerrekening (van 2024 tot volgend jaar).",
    },
  },
  "FLA-E-0022": {
    severity: "BLOCKING",
    description: {
      en: "The page number or the page size is not valid (page from 1, page size from 1 to 100).",
      fr: "Le numéro de page ou la taille de page n'est pas valide (page à partir de 1, taille de 1 à 100).",
      nl: "Het paginanummer of de paginagrootte is ongeldig (pagina vanaf 1, grootte van 1 tot 100).",
    },
  },
  "FLA-E-0030": {
    severity: "BLOCKING",
    description: {
      en: "The employer scope only allows declarations for the employer's own enterprise number.",
      fr: "Le scope employeur ne permet de déclarer que pour le propre numéro d'entreprise de l'employeur.",
      nl: "De werkgeversscope laat enkel aangiften toe voor het eigen ondernemingsnummer van de werkgever.",
    },
  },
  "FLA-E-0031": {
    severity: "BLOCKING",
    description: {
      en: "The authorized representative has no mandate from this employer.",
      fr: "Le mandataire n'a pas de mandat de cet employeur.",
      nl: "De mandataris heeft geen mandaat van deze werkgever.",
    },
  },
  "FLA-E-0032": {
    severity: "BLOCKING",
    description: {
      en: "A training with this external reference was already declared for this employer.",
      fr: "Une formation avec cette référence externe a déjà été déclarée pour cet employeur.",
      nl: "Er werd al een opleiding met deze externe referentie aangegeven voor deze werkgever.",
    },
  },
  "FLA-W-0001": {
    severity: "WARNING",
    description: {
      en: "An identical training (same worker, title and period) is already declared.",
      fr: "Une formation identique (même travailleur, même intitulé, même période) est déjà déclarée.",
      nl: "Een identieke opleiding (zelfde werknemer, titel en periode) is al aangegeven.",
    },
  },
  "FLA-W-0003": {
    severity: "WARNING",
    description: {
      en: "The duration is more than 8 hours per calendar day of the period: please check it.",
      fr: "La durée dépasse 8 heures par jour calendrier de la période : veuillez la vérifier.",
      nl: "De duur is meer dan 8 uur per kalenderdag van de periode: controleer ze.",
    },
  },
} satisfies Record<string, CatalogueEntry>;

export type AnomalyCode = keyof typeof ANOMALY_CATALOGUE;

/** A finding of the validation, before it becomes a problem issue or a DeclarationResult anomaly. */
export interface Finding {
  code: AnomalyCode;
  /** Dotted field path, or the name of a path/query parameter. */
  name: string;
  in: "body" | "path" | "query";
  value?: unknown;
  /** English sentence specific to this finding. */
  detail: string;
}

export function severityOf(code: AnomalyCode): "BLOCKING" | "WARNING" {
  return ANOMALY_CATALOGUE[code].severity;
}

export function isBlocking(finding: Finding): boolean {
  return severityOf(finding.code) === "BLOCKING";
}

export function toApiAnomaly(finding: Finding): ApiAnomaly {
  const entry: CatalogueEntry = ANOMALY_CATALOGUE[finding.code];
  return { code: finding.code, severity: entry.severity, field: finding.name, description: { ...entry.description } };
}

/** An entry of a problem's `issues` list (belgif InputValidationIssue plus the FLA code and severity). */
export interface ProblemIssue {
  type: string;
  code: string;
  severity: "BLOCKING" | "WARNING";
  in: "body" | "path" | "query";
  name: string;
  value?: unknown;
  detail: string;
  description: LocalizedText;
}

export function toIssue(finding: Finding): ProblemIssue {
  const entry: CatalogueEntry = ANOMALY_CATALOGUE[finding.code];
  const issue: ProblemIssue = {
    type: "urn:problem-type:fla:" + finding.code,
    code: finding.code,
    severity: entry.severity,
    in: finding.in,
    name: finding.name,
    detail: finding.detail,
    description: { ...entry.description },
  };
  if (finding.value !== undefined) issue.value = finding.value;
  return issue;
}
