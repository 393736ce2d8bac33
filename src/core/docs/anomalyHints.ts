/**
 * The French and Dutch versions of the `hint` (how to fix it) of the anomaly catalogues (LOCAL-*, CLIENT-*), whose
 * hints are in English, for the node help of those languages (npm run docs). test/docs/tables.test.ts checks that
 * every hint has both.
 */
import type { LocalizedText } from "../result";

export const ANOMALY_HINTS: Record<string, Omit<LocalizedText, "en">> = {
  "LOCAL-PAYLOAD-NOT-OBJECT": {
    fr: "Convertissez un texte JSON avec un nœud JSON ; envoyez un objet par déclaration (le nœud découpe un tableau).",
    nl: "Zet JSON-tekst om met een JSON-node; stuur één object per aangifte (de node splitst een array).",
  },
  "LOCAL-OPERATION-UNKNOWN": {
    fr: "Vérifiez msg.operation / msg.query ou l'opération réglée dans le nœud.",
    nl: "Controleer msg.operation / msg.query of de bewerking die in de node is ingesteld.",
  },
  "LOCAL-ENUM": {
    fr: "Les valeurs sont acceptées en majuscules comme en minuscules (formal = FORMAL).",
    nl: "Waarden worden in hoofd- en kleine letters aanvaard (formal = FORMAL).",
  },
  "LOCAL-SSIN-FORMAT": {
    fr: "Points, tirets et espaces sont acceptés : 85.07.30-033.28.",
    nl: "Punten, streepjes en spaties worden aanvaard: 85.07.30-033.28.",
  },
  "LOCAL-ENTERPRISE-FORMAT": {
    fr: "BE, points et espaces sont acceptés : BE 0203.430.576.",
    nl: "BE, punten en spaties worden aanvaard: BE 0203.430.576.",
  },
  "LOCAL-DATE-INVALID": {
    fr: "Sont aussi acceptés : objets Date, 2024-03-04T00:00:00Z, 04/03/2024 (le jour d'abord).",
    nl: "Ook aanvaard: Date-objecten, 2024-03-04T00:00:00Z, 04/03/2024 (dag eerst).",
  },
  "LOCAL-EMPLOYER-MISSING": {
    fr: "Indiquez le numéro d'entreprise du nœud de configuration FLA, ou employer.enterpriseNumber dans le payload.",
    nl: "Vul het ondernemingsnummer van de FLA-configuratienode in, of employer.enterpriseNumber in de payload.",
  },
  "LOCAL-CONFLICT": {
    fr: "p. ex. msg.trainingId et payload.trainingId, ou enterpriseNumber et employer.enterpriseNumber.",
    nl: "bv. msg.trainingId en payload.trainingId, of enterpriseNumber en employer.enterpriseNumber.",
  },
  "LOCAL-PARAM-IGNORED": {
    fr: "trainings filtre sur ssin et les dates ; trainingRights et trainingCredit sur ssin et year.",
    nl: "trainings filtert op ssin en de datums; trainingRights en trainingCredit op ssin en year.",
  },
  "LOCAL-PAYLOAD-TOO-DEEP": {
    fr: "N'envoyez que les champs de la déclaration ; rien n'est copié ni envoyé.",
    nl: "Stuur alleen de velden van de aangifte; er wordt niets gekopieerd of verzonden.",
  },
  "LOCAL-PAYLOAD-TOO-LARGE": {
    fr: "Cherchez un champ volumineux (un fichier, une image, un tableau) et retirez-le.",
    nl: "Zoek een groot veld (een bestand, een afbeelding, een tabel) en laat het weg.",
  },
  "CLIENT-BAD-REQUEST": {
    fr: "Comparez le message avec la documentation de l'API ; msg.fla.problem contient la réponse telle que reçue.",
    nl: "Vergelijk het bericht met de documentatie van de API; msg.fla.problem bevat het antwoord zoals ontvangen.",
  },
  "CLIENT-FORBIDDEN": {
    fr: "Vérifiez la portée du rôle du nœud de configuration et, pour un prestataire, son mandat pour cet employeur.",
    nl: "Controleer de scope van de rol van de configuratienode en, voor een dienstverlener, zijn mandaat voor deze werkgever.",
  },
  "CLIENT-NOT-FOUND": {
    fr: "Vérifiez les identifiants (trainingId, declarationId, numéro d'entreprise, NISS, année).",
    nl: "Controleer de identificaties (trainingId, declarationId, ondernemingsnummer, INSZ, jaar).",
  },
  "CLIENT-CONFLICT": {
    fr: "Lisez la formation telle qu'elle est (fla-query, training) avant de la corriger à nouveau.",
    nl: "Lees de opleiding zoals ze is (fla-query, training) voor u ze opnieuw corrigeert.",
  },
  "CLIENT-DUPLICATE": {
    fr: "Rien à faire : msg.fla.trainingId désigne la formation déjà enregistrée.",
    nl: "Niets te doen: msg.fla.trainingId noemt de al geregistreerde opleiding.",
  },
  "CLIENT-REJECTED": {
    fr: "msg.fla.problem ou msg.payload contient la réponse telle que reçue.",
    nl: "msg.fla.problem of msg.payload bevat het antwoord zoals ontvangen.",
  },
  "CLIENT-PAYLOAD-TOO-LARGE": {
    fr: "Raccourcissez les longs champs de texte (titre, description) ; rien n'a été enregistré.",
    nl: "Maak de lange tekstvelden (titel, beschrijving) korter; er werd niets geregistreerd.",
  },
  "CLIENT-NO-DECLARATION-ID": {
    fr: "Consultez plus tard les formations de ce travailleur pour en voir le résultat.",
    nl: "Raadpleeg later de opleidingen van deze werknemer om het resultaat te zien.",
  },
  "CLIENT-POLL-FAILED": {
    fr: "Consultez-la plus tard avec le nœud FLA query (declaration, msg.fla.declarationId) ; ne la renvoyez pas.",
    nl: "Raadpleeg ze later met de FLA query-node (declaration, msg.fla.declarationId); verstuur ze niet opnieuw.",
  },
  "CLIENT-PAGE-FAILED": {
    fr: "Les autres anomalies disent pourquoi cette page a été refusée.",
    nl: "De andere anomalieën zeggen waarom die pagina geweigerd werd.",
  },
  "CLIENT-ANOMALY-WITHOUT-CODE": {
    fr: "Le message reprend les mots de l'API, quand elle en a donné.",
    nl: "Het bericht bevat de eigen woorden van de API, als ze die gaf.",
  },
};
