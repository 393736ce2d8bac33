/**
 * The local anomalies: one stable code per kind of failure, with a sentence in English, French and Dutch that names
 * the field and the value received. `LOCAL_ANOMALY_CODES` is the generic catalogue for the README and the node help.
 * The anomalies this package names while reading an answer of the platform (CLIENT-*) are in core/clientAnomalies.ts.
 */
import type { Anomaly, LocalizedText, Severity } from "../result";
import { CATALOGUE } from "../api/catalogue";

type Lang = keyof LocalizedText;

/** Per-anomaly details that the sentences quote. `v` is the received value as `show()` renders it. */
export interface AnomalyParams {
  f?: string;
  v?: string;
  [key: string]: string | number | undefined;
}

type Template = (p: AnomalyParams, lang: Lang) => string;

const TYPE_NAMES: Record<string, LocalizedText> = {
  string: { en: "text", fr: "du texte", nl: "tekst" },
  number: { en: "a number", fr: "un nombre", nl: "een getal" },
  integer: { en: "a whole number", fr: "un nombre entier", nl: "een geheel getal" },
  boolean: { en: "true or false", fr: "true ou false", nl: "true of false" },
  object: { en: "an object", fr: "un objet", nl: "een object" },
  array: { en: "a list", fr: "une liste", nl: "een lijst" },
  null: { en: "null", fr: "null", nl: "null" },
};

const KIND_NAMES: Record<string, LocalizedText> = {
  string: { en: "text", fr: "du texte", nl: "tekst" },
  number: { en: "a number", fr: "un nombre", nl: "een getal" },
  boolean: { en: "a boolean", fr: "un booléen", nl: "een booleaanse waarde" },
  array: { en: "a list", fr: "une liste", nl: "een lijst" },
  null: { en: "null", fr: "null", nl: "null" },
  undefined: { en: "missing", fr: "absent", nl: "afwezig" },
  other: { en: "not an object", fr: "pas un objet", nl: "geen object" },
};

const UNSUPPORTED_KINDS: Record<string, LocalizedText> = {
  function: { en: "a function", fr: "une fonction", nl: "een functie" },
  symbol: { en: "a Symbol", fr: "un Symbol", nl: "een Symbol" },
  bigint: { en: "a BigInt", fr: "un BigInt", nl: "een BigInt" },
  buffer: { en: "binary data (a Buffer)", fr: "des données binaires (un Buffer)", nl: "binaire gegevens (een Buffer)" },
};

function unsupportedKind(p: AnomalyParams, lang: Lang): string {
  if (p.kind !== "object") return pick(UNSUPPORTED_KINDS, p.kind, lang);
  return {
    en: `an object of type ${p.type}`,
    fr: `un objet de type ${p.type}`,
    nl: `een object van het type ${p.type}`,
  }[lang];
}

const COMPARISONS: Record<string, LocalizedText> = {
  ">": { en: "greater than", fr: "supérieur à", nl: "groter dan" },
  ">=": { en: "at least", fr: "supérieur ou égal à", nl: "groter dan of gelijk aan" },
  "<": { en: "less than", fr: "inférieur à", nl: "kleiner dan" },
  "<=": { en: "at most", fr: "inférieur ou égal à", nl: "kleiner dan of gelijk aan" },
};

const UNITS: Record<string, LocalizedText> = {
  HOURS: { en: "hours", fr: "heures", nl: "uur" },
  DAYS: { en: "days", fr: "jours", nl: "dagen" },
};

function pick(table: Record<string, LocalizedText>, key: unknown, lang: Lang): string {
  const entry = table[String(key)];
  return entry ? entry[lang] : String(key);
}

function typeNames(expected: unknown, lang: Lang): string {
  const or = { en: " or ", fr: " ou ", nl: " of " }[lang];
  return String(expected)
    .split(",")
    .map((t) => pick(TYPE_NAMES, t, lang))
    .join(or);
}

function field(p: AnomalyParams): string {
  return p.f || "payload";
}

const TEMPLATES: Record<string, Record<Lang, Template>> = {
  "LOCAL-PAYLOAD-NOT-OBJECT": {
    en: (p, l) =>
      `msg.payload must be an object with the fields of the declaration, but it is ${pick(KIND_NAMES, p.kind, l)} (${p.v}). If it is JSON text, put a JSON node before this node.`,
    fr: (p, l) =>
      `msg.payload doit être un objet contenant les champs de la déclaration, or c'est ${pick(KIND_NAMES, p.kind, l)} (${p.v}). S'il s'agit de texte JSON, placez un nœud JSON avant ce nœud.`,
    nl: (p, l) =>
      `msg.payload moet een object zijn met de velden van de aangifte, maar het is ${pick(KIND_NAMES, p.kind, l)} (${p.v}). Als het JSON-tekst is, plaats dan een JSON-node vóór deze node.`,
  },
  "LOCAL-OPERATION-UNKNOWN": {
    en: (p) => `The operation ${p.v} is unknown: use one of ${p.allowed}.`,
    fr: (p) => `L'opération ${p.v} est inconnue : utilisez l'une des opérations ${p.allowed}.`,
    nl: (p) => `De bewerking ${p.v} is onbekend: gebruik een van de bewerkingen ${p.allowed}.`,
  },
  "LOCAL-REQUIRED": {
    en: (p) => `The field "${field(p)}" is required but missing.`,
    fr: (p) => `Le champ « ${field(p)} » est obligatoire mais absent.`,
    nl: (p) => `Het veld "${field(p)}" is verplicht maar ontbreekt.`,
  },
  "LOCAL-TYPE": {
    en: (p, l) => `The field "${field(p)}" must be ${typeNames(p.expected, l)}, but received ${p.v}.`,
    fr: (p, l) => `Le champ « ${field(p)} » doit être ${typeNames(p.expected, l)}, mais la valeur reçue est ${p.v}.`,
    nl: (p, l) => `Het veld "${field(p)}" moet ${typeNames(p.expected, l)} zijn, maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-ENUM": {
    en: (p) => `The field "${field(p)}" must be one of ${p.allowed}, but received ${p.v}.`,
    fr: (p) => `Le champ « ${field(p)} » doit prendre l'une des valeurs ${p.allowed}, mais la valeur reçue est ${p.v}.`,
    nl: (p) =>
      `Het veld "${field(p)}" moet een van de waarden ${p.allowed} hebben, maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-LENGTH": {
    en: (p) =>
      p.min !== undefined && p.limit === 1
        ? `The field "${field(p)}" must not be empty.`
        : `The field "${field(p)}" must have ${p.min !== undefined ? "at least" : "at most"} ${p.limit} characters, but received ${p.v} (${p.length} characters).`,
    fr: (p) =>
      p.min !== undefined && p.limit === 1
        ? `Le champ « ${field(p)} » ne peut pas être vide.`
        : `Le champ « ${field(p)} » doit compter ${p.min !== undefined ? "au moins" : "au plus"} ${p.limit} caractères, mais la valeur reçue ${p.v} en compte ${p.length}.`,
    nl: (p) =>
      p.min !== undefined && p.limit === 1
        ? `Het veld "${field(p)}" mag niet leeg zijn.`
        : `Het veld "${field(p)}" moet ${p.min !== undefined ? "minstens" : "hoogstens"} ${p.limit} tekens bevatten, maar de ontvangen waarde ${p.v} telt er ${p.length}.`,
  },
  "LOCAL-RANGE": {
    en: (p, l) =>
      `The field "${field(p)}" must be ${pick(COMPARISONS, p.comparison, l)} ${p.limit}, but received ${p.v}.`,
    fr: (p, l) =>
      `Le champ « ${field(p)} » doit être ${pick(COMPARISONS, p.comparison, l)} ${p.limit}, mais la valeur reçue est ${p.v}.`,
    nl: (p, l) =>
      `Het veld "${field(p)}" moet ${pick(COMPARISONS, p.comparison, l)} ${p.limit} zijn, maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-FORMAT": {
    en: (p) => `The field "${field(p)}" does not have the expected format (${p.expected}): received ${p.v}.`,
    fr: (p) => `Le champ « ${field(p)} » n'a pas le format attendu (${p.expected}) : valeur reçue ${p.v}.`,
    nl: (p) => `Het veld "${field(p)}" heeft niet het verwachte formaat (${p.expected}): ontvangen waarde ${p.v}.`,
  },
  "LOCAL-ID-FORMAT": {
    en: (p) =>
      `The identifier in "${field(p)}" must be 1 to 100 printable ASCII characters without spaces, slashes, backslashes, question marks, % or #, and not only dots (e.g. T-000042), but received ${p.v}.`,
    fr: (p) =>
      `L'identifiant dans « ${field(p)} » doit compter de 1 à 100 caractères ASCII imprimables, sans espace, barre oblique, barre oblique inverse, point d'interrogation, % ni #, et pas uniquement des points (par ex. T-000042), mais la valeur reçue est ${p.v}.`,
    nl: (p) =>
      `De identificatie in "${field(p)}" moet 1 tot 100 afdrukbare ASCII-tekens lang zijn, zonder spaties, schuine strepen, backslashes, vraagtekens, % of #, en niet alleen punten (bv. T-000042), maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-UNKNOWN-FIELD": {
    en: (p) => `The field "${field(p)}" is not allowed by the custom schema: remove it or update the schema.`,
    fr: (p) =>
      `Le champ « ${field(p)} » n'est pas autorisé par le schéma personnalisé : supprimez-le ou adaptez le schéma.`,
    nl: (p) => `Het veld "${field(p)}" is niet toegestaan door het eigen schema: verwijder het of pas het schema aan.`,
  },
  "LOCAL-SCHEMA": {
    en: (p) => `The field "${field(p)}" does not satisfy the schema rule "${p.rule}" (received ${p.v}).`,
    fr: (p) => `Le champ « ${field(p)} » ne respecte pas la règle « ${p.rule} » du schéma (valeur reçue ${p.v}).`,
    nl: (p) => `Het veld "${field(p)}" voldoet niet aan de schemaregel "${p.rule}" (ontvangen waarde ${p.v}).`,
  },
  "LOCAL-SSIN-FORMAT": {
    en: (p) =>
      `The SSIN in "${field(p)}" must have 11 digits (e.g. 85.07.30-033.28 or 85073003328), but received ${p.v}.`,
    fr: (p) =>
      `Le NISS dans « ${field(p)} » doit compter 11 chiffres (par ex. 85.07.30-033.28 ou 85073003328), mais la valeur reçue est ${p.v}.`,
    nl: (p) =>
      `Het INSZ in "${field(p)}" moet uit 11 cijfers bestaan (bv. 85.07.30-033.28 of 85073003328), maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-SSIN-CHECKSUM": {
    en: (p) =>
      `The SSIN ${p.v} in "${field(p)}" has wrong check digits (the last two digits do not match the first nine, for a birth before or after 2000): check it for a typing error.`,
    fr: (p) =>
      `Le NISS ${p.v} dans « ${field(p)} » a des chiffres de contrôle erronés (les deux derniers chiffres ne correspondent pas aux neuf premiers, pour une naissance avant ou après 2000) : vérifiez qu'il ne contient pas de faute de frappe.`,
    nl: (p) =>
      `Het INSZ ${p.v} in "${field(p)}" heeft foute controlecijfers (de laatste twee cijfers passen niet bij de eerste negen, voor een geboorte vóór of na 2000): controleer het op een tikfout.`,
  },
  "LOCAL-ENTERPRISE-FORMAT": {
    en: (p) =>
      `The enterprise number in "${field(p)}" must have 10 digits starting with 0 or 1 (e.g. BE 0203.430.576 or 0203430576), but received ${p.v}.`,
    fr: (p) =>
      `Le numéro d'entreprise dans « ${field(p)} » doit compter 10 chiffres commençant par 0 ou 1 (par ex. BE 0203.430.576 ou 0203430576), mais la valeur reçue est ${p.v}.`,
    nl: (p) =>
      `Het ondernemingsnummer in "${field(p)}" moet uit 10 cijfers bestaan en met 0 of 1 beginnen (bv. BE 0203.430.576 of 0203430576), maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-ENTERPRISE-CHECKSUM": {
    en: (p) =>
      `The enterprise number ${p.v} in "${field(p)}" has wrong check digits (97 minus the first 8 digits modulo 97 must give the last two): check it for a typing error.`,
    fr: (p) =>
      `Le numéro d'entreprise ${p.v} dans « ${field(p)} » a des chiffres de contrôle erronés (97 moins les 8 premiers chiffres modulo 97 doit donner les deux derniers) : vérifiez qu'il ne contient pas de faute de frappe.`,
    nl: (p) =>
      `Het ondernemingsnummer ${p.v} in "${field(p)}" heeft foute controlecijfers (97 min de eerste 8 cijfers modulo 97 moet de laatste twee geven): controleer het op een tikfout.`,
  },
  "LOCAL-DATE-INVALID": {
    en: (p) =>
      `The field "${field(p)}" must be a real calendar date written YYYY-MM-DD (e.g. 2024-03-04), but received ${p.v}.`,
    fr: (p) =>
      `Le champ « ${field(p)} » doit être une date existante au format AAAA-MM-JJ (par ex. 2024-03-04), mais la valeur reçue est ${p.v}.`,
    nl: (p) =>
      `Het veld "${field(p)}" moet een bestaande datum zijn in de vorm JJJJ-MM-DD (bv. 2024-03-04), maar de ontvangen waarde is ${p.v}.`,
  },
  "LOCAL-PERIOD-ORDER": {
    en: (p) => `The end date ${p.end} is before the start date ${p.start}: swap them or correct one of them.`,
    fr: (p) => `La date de fin ${p.end} précède la date de début ${p.start} : inversez-les ou corrigez l'une d'elles.`,
    nl: (p) => `De einddatum ${p.end} ligt vóór de begindatum ${p.start}: wissel ze om of verbeter een van beide.`,
  },
  "LOCAL-PERIOD-BEFORE-FLA": {
    en: (p) =>
      `The period starts on ${p.v}, before 1 January 2024: the Federal Learning Account only holds trainings from 2024-01-01 on.`,
    fr: (p) =>
      `La période commence le ${p.v}, avant le 1er janvier 2024 : le compte formation fédéral ne reprend que les formations à partir du 2024-01-01.`,
    nl: (p) =>
      `De periode begint op ${p.v}, vóór 1 januari 2024: de federale opleidingsrekening bevat alleen opleidingen vanaf 2024-01-01.`,
  },
  "LOCAL-PERIOD-FUTURE": {
    en: (p) =>
      `The date ${p.v} in "${field(p)}" is in the future (today is ${p.today}): declare a training once it has taken place.`,
    fr: (p) =>
      `La date ${p.v} dans « ${field(p)} » est dans le futur (nous sommes le ${p.today}) : déclarez une formation une fois qu'elle a eu lieu.`,
    nl: (p) =>
      `De datum ${p.v} in "${field(p)}" ligt in de toekomst (vandaag is het ${p.today}): geef een opleiding aan nadat ze heeft plaatsgevonden.`,
  },
  "LOCAL-DURATION-TOO-LONG": {
    en: (p, l) =>
      `The duration of ${p.v} ${pick(UNITS, p.unit, l)} does not fit the period of ${p.days} day(s) from ${p.start} to ${p.end}: at most ${p.max} ${pick(UNITS, p.unit, l)} are possible.`,
    fr: (p, l) =>
      `La durée de ${p.v} ${pick(UNITS, p.unit, l)} ne tient pas dans la période de ${p.days} jour(s) du ${p.start} au ${p.end} : ${p.max} ${pick(UNITS, p.unit, l)} au maximum sont possibles.`,
    nl: (p, l) =>
      `De duur van ${p.v} ${pick(UNITS, p.unit, l)} past niet in de periode van ${p.days} dag(en) van ${p.start} tot ${p.end}: hoogstens ${p.max} ${pick(UNITS, p.unit, l)} is mogelijk.`,
  },
  "LOCAL-YEAR-RANGE": {
    en: (p) =>
      `The year ${p.v} in "${field(p)}" is outside the Federal Learning Account: use a year from 2024 to ${p.max}.`,
    fr: (p) =>
      `L'année ${p.v} dans « ${field(p)} » est en dehors du compte formation fédéral : utilisez une année de 2024 à ${p.max}.`,
    nl: (p) =>
      `Het jaar ${p.v} in "${field(p)}" valt buiten de federale opleidingsrekening: gebruik een jaar van 2024 tot en met ${p.max}.`,
  },
  "LOCAL-EMPLOYER-MISSING": {
    en: (p) =>
      `No employer enterprise number: set it on the FLA config node (Enterprise number) or in the payload (${field(p)}).`,
    fr: (p) =>
      `Aucun numéro d'entreprise de l'employeur : indiquez-le dans le nœud de configuration FLA (numéro d'entreprise) ou dans le payload (${field(p)}).`,
    nl: (p) =>
      `Geen ondernemingsnummer van de werkgever: vul het in op de FLA-configuratienode (ondernemingsnummer) of in de payload (${field(p)}).`,
  },
  "LOCAL-EMPLOYER-REQUIRED": {
    en: (p) =>
      `The config node acts as an authorized representative (provider role), which declares for its clients and must name the employer in every message: set ${field(p)}.`,
    fr: (p) =>
      `Le nœud de configuration agit comme mandataire (rôle provider) : il déclare pour ses clients et doit indiquer l'employeur dans chaque message. Renseignez ${field(p)}.`,
    nl: (p) =>
      `De configuratienode treedt op als gemachtigde (rol provider): die doet aangiften voor zijn klanten en moet in elk bericht de werkgever vermelden. Vul ${field(p)} in.`,
  },
  "LOCAL-CONFLICT": {
    en: (p) =>
      `The field "${field(p)}" is ${p.v} but "${p.other}" is ${p.otherValue}: remove one of them or make them equal.`,
    fr: (p) =>
      `Le champ « ${field(p)} » vaut ${p.v} mais « ${p.other} » vaut ${p.otherValue} : supprimez l'un des deux ou rendez-les identiques.`,
    nl: (p) =>
      `Het veld "${field(p)}" is ${p.v}, maar "${p.other}" is ${p.otherValue}: verwijder een van beide of maak ze gelijk.`,
  },
  "LOCAL-PARAM-IGNORED": {
    en: (p) =>
      `The parameter "${field(p)}" (${p.v}) is not used by the ${p.op} query and is ignored: it does not filter the result.`,
    fr: (p) =>
      `Le paramètre « ${field(p)} » (${p.v}) n'est pas utilisé par la requête ${p.op} et est ignoré : il ne filtre pas le résultat.`,
    nl: (p) =>
      `De parameter "${field(p)}" (${p.v}) wordt niet gebruikt door de query ${p.op} en wordt genegeerd: hij filtert het resultaat niet.`,
  },
  "LOCAL-BODY-IGNORED": {
    en: (p) => `cancelTraining sends no body: the fields ${p.fields} of the payload are not sent.`,
    fr: (p) =>
      `cancelTraining n'envoie pas de corps de requête : les champs ${p.fields} du payload ne sont pas transmis.`,
    nl: (p) => `cancelTraining verstuurt geen body: de velden ${p.fields} van de payload worden niet verzonden.`,
  },
  "LOCAL-PAYLOAD-TOO-DEEP": {
    en: (p) =>
      `msg.payload is nested more than ${p.limit} levels deep (at "${field(p)}"), where a declaration has a few: send the fields of the declaration only, not a whole request or a recursive structure.`,
    fr: (p) =>
      `msg.payload est imbriqué sur plus de ${p.limit} niveaux (à « ${field(p)} »), alors qu'une déclaration n'en compte que quelques-uns : n'envoyez que les champs de la déclaration, pas une requête entière ni une structure récursive.`,
    nl: (p) =>
      `msg.payload is meer dan ${p.limit} niveaus diep genest (bij "${field(p)}"), terwijl een aangifte er maar enkele telt: stuur alleen de velden van de aangifte, geen volledig verzoek of recursieve structuur.`,
  },
  "LOCAL-PAYLOAD-TOO-LARGE": {
    en: (p) =>
      `The declaration is too large: its JSON text exceeds ${p.limit} characters, where one declaration takes a few hundred. Look for a large field (a file, an image, a whole table) and leave it out.`,
    fr: (p) =>
      `La déclaration est trop volumineuse : son texte JSON dépasse ${p.limit} caractères, alors qu'une déclaration en compte quelques centaines. Cherchez un champ volumineux (un fichier, une image, un tableau entier) et retirez-le.`,
    nl: (p) =>
      `De aangifte is te groot: haar JSON-tekst telt meer dan ${p.limit} tekens, terwijl een aangifte er enkele honderden telt. Zoek een groot veld (een bestand, een afbeelding, een volledige tabel) en laat het weg.`,
  },
  "LOCAL-PAYLOAD-CIRCULAR": {
    en: (p) =>
      `The field "${field(p)}" refers back to an object that contains it (a circular reference), which JSON cannot carry: build the payload from plain values (objects, lists, text, numbers).`,
    fr: (p) =>
      `Le champ « ${field(p)} » renvoie à un objet qui le contient (référence circulaire), ce que JSON ne peut pas transporter : construisez le payload avec des valeurs simples (objets, listes, textes, nombres).`,
    nl: (p) =>
      `Het veld "${field(p)}" verwijst terug naar een object dat het bevat (een kringverwijzing), wat JSON niet kan overbrengen: bouw de payload op met gewone waarden (objecten, lijsten, tekst, getallen).`,
  },
  "LOCAL-PAYLOAD-UNREADABLE": {
    en: (p) =>
      `The value at "${field(p)}" cannot be read (reading it raised an error: a getter or a Proxy): build the payload from plain values (objects, lists, text, numbers).`,
    fr: (p) =>
      `La valeur à « ${field(p)} » ne peut pas être lue (sa lecture a provoqué une erreur : un getter ou un Proxy) : construisez le payload avec des valeurs simples (objets, listes, textes, nombres).`,
    nl: (p) =>
      `De waarde bij "${field(p)}" kan niet gelezen worden (het lezen gaf een fout: een getter of een Proxy): bouw de payload op met gewone waarden (objecten, lijsten, tekst, getallen).`,
  },
  "LOCAL-PAYLOAD-UNSUPPORTED": {
    en: (p, l) =>
      `The field "${field(p)}" holds ${unsupportedKind(p, l)}, which JSON cannot carry (the API would receive nothing or something else): use text, numbers, true/false, lists or plain objects.`,
    fr: (p, l) =>
      `Le champ « ${field(p)} » contient ${unsupportedKind(p, l)}, que JSON ne peut pas transporter (l'API recevrait autre chose, ou rien) : utilisez du texte, des nombres, true/false, des listes ou des objets simples.`,
    nl: (p, l) =>
      `Het veld "${field(p)}" bevat ${unsupportedKind(p, l)}, wat JSON niet kan overbrengen (de API zou iets anders of niets ontvangen): gebruik tekst, getallen, true/false, lijsten of gewone objecten.`,
  },
  "LOCAL-NUMBER-NOT-FINITE": {
    en: (p) =>
      `The field "${field(p)}" is ${p.v}, not a finite number (JSON would send null; 1e309 is read as Infinity): send a real number.`,
    fr: (p) =>
      `Le champ « ${field(p)} » vaut ${p.v}, ce qui n'est pas un nombre fini (JSON enverrait null ; 1e309 est lu comme Infinity) : envoyez un vrai nombre.`,
    nl: (p) =>
      `Het veld "${field(p)}" is ${p.v}, geen eindig getal (JSON zou null versturen; 1e309 wordt gelezen als Infinity): stuur een echt getal.`,
  },
  "LOCAL-KEY-FORBIDDEN": {
    en: (p) =>
      `The key "${p.key}" (at "${field(p)}") is refused: in JavaScript it changes the object itself (__proto__ replaces what the object inherits), so what is checked could differ from what is sent. Rename or remove it.`,
    fr: (p) =>
      `La clé « ${p.key} » (à « ${field(p)} ») est refusée : en JavaScript, elle modifie l'objet lui-même (__proto__ remplace ce dont l'objet hérite), si bien que ce qui est vérifié pourrait différer de ce qui est envoyé. Renommez-la ou supprimez-la.`,
    nl: (p) =>
      `De sleutel "${p.key}" (bij "${field(p)}") wordt geweigerd: in JavaScript verandert hij het object zelf (__proto__ vervangt wat het object erft), zodat wat gecontroleerd wordt kan verschillen van wat verzonden wordt. Hernoem of verwijder hem.`,
  },
  "LOCAL-TEXT-BLANK": {
    en: (p) =>
      `The field "${field(p)}" holds only invisible characters (spaces, zero-width or control characters), received ${p.v}: give a readable text.`,
    fr: (p) =>
      `Le champ « ${field(p)} » ne contient que des caractères invisibles (espaces, caractères de largeur nulle ou de contrôle), valeur reçue ${p.v} : donnez un texte lisible.`,
    nl: (p) =>
      `Het veld "${field(p)}" bevat alleen onzichtbare tekens (spaties, tekens zonder breedte of stuurtekens), ontvangen waarde ${p.v}: geef een leesbare tekst.`,
  },
  "LOCAL-TEXT-CONTROL": {
    en: (p) =>
      `The field "${field(p)}" contains control characters (such as NUL or ESC), received ${p.v}: remove them (tabs and line breaks are accepted).`,
    fr: (p) =>
      `Le champ « ${field(p)} » contient des caractères de contrôle (comme NUL ou ESC), valeur reçue ${p.v} : retirez-les (les tabulations et retours à la ligne sont acceptés).`,
    nl: (p) =>
      `Het veld "${field(p)}" bevat stuurtekens (zoals NUL of ESC), ontvangen waarde ${p.v}: verwijder ze (tabs en regeleinden worden aanvaard).`,
  },
  "LOCAL-PAYLOAD-REPLACED": {
    en: (p) =>
      `msg.payload is not given back as it was, because Node-RED cannot copy it (${p.reason}): a summary of its top-level fields takes its place. Fix the message at its source.`,
    fr: (p) =>
      `msg.payload n'est pas rendu tel quel, car Node-RED ne peut pas le copier (${p.reason}) : un résumé de ses champs de premier niveau le remplace. Corrigez le message à sa source.`,
    nl: (p) =>
      `msg.payload wordt niet ongewijzigd teruggegeven, omdat Node-RED het niet kan kopiëren (${p.reason}): een samenvatting van de velden op het hoogste niveau komt in de plaats. Verbeter het bericht bij de bron.`,
  },
};

/** Generic texts per code, for the README and the node help. */
export const LOCAL_ANOMALY_CODES: Record<string, { en: string; fr: string; nl: string; hint?: string }> = {
  "LOCAL-PAYLOAD-NOT-OBJECT": {
    en: "msg.payload is not an object.",
    fr: "msg.payload n'est pas un objet.",
    nl: "msg.payload is geen object.",
    hint: "Parse JSON text with a JSON node; send one object per declaration (an array is split by the node).",
  },
  "LOCAL-OPERATION-UNKNOWN": {
    en: "The operation is not one this node knows.",
    fr: "L'opération n'est pas connue de ce nœud.",
    nl: "De bewerking is onbekend voor deze node.",
    hint: "Check msg.operation / msg.query or the node's operation setting.",
  },
  "LOCAL-REQUIRED": {
    en: "A required field is missing.",
    fr: "Un champ obligatoire est absent.",
    nl: "Een verplicht veld ontbreekt.",
  },
  "LOCAL-TYPE": {
    en: "A field has the wrong type.",
    fr: "Un champ a un type incorrect.",
    nl: "Een veld heeft een verkeerd type.",
  },
  "LOCAL-ENUM": {
    en: "A field has a value outside its list of allowed values.",
    fr: "Un champ a une valeur hors de sa liste de valeurs permises.",
    nl: "Een veld heeft een waarde buiten de lijst van toegelaten waarden.",
    hint: "Values are accepted in any case (formal = FORMAL).",
  },
  "LOCAL-LENGTH": {
    en: "A text is too short or too long.",
    fr: "Un texte est trop court ou trop long.",
    nl: "Een tekst is te kort of te lang.",
  },
  "LOCAL-RANGE": {
    en: "A number is out of range.",
    fr: "Un nombre est hors limites.",
    nl: "Een getal valt buiten het toegelaten bereik.",
  },
  "LOCAL-FORMAT": {
    en: "A field does not have the format the schema expects.",
    fr: "Un champ n'a pas le format attendu par le schéma.",
    nl: "Een veld heeft niet het formaat dat het schema verwacht.",
  },
  "LOCAL-ID-FORMAT": {
    en: "A training or declaration identifier is empty, too long, only dots, or contains spaces, '/', '\\', '?', '%', '#' or characters outside printable ASCII.",
    fr: "Un identifiant de formation ou de déclaration est vide, trop long, fait uniquement de points, ou contient des espaces, '/', '\\', '?', '%', '#' ou des caractères hors de l'ASCII imprimable.",
    nl: "Een identificatie van een opleiding of aangifte is leeg, te lang, bestaat alleen uit punten, of bevat spaties, '/', '\\', '?', '%', '#' of tekens buiten het afdrukbare ASCII.",
  },
  "LOCAL-UNKNOWN-FIELD": {
    en: "The custom schema does not allow a field.",
    fr: "Le schéma personnalisé n'autorise pas un champ.",
    nl: "Het eigen schema laat een veld niet toe.",
  },
  "LOCAL-SCHEMA": {
    en: "A field breaks another rule of the schema.",
    fr: "Un champ enfreint une autre règle du schéma.",
    nl: "Een veld overtreedt een andere regel van het schema.",
  },
  "LOCAL-SSIN-FORMAT": {
    en: "An SSIN (INSZ/NISS) does not have 11 digits.",
    fr: "Un NISS ne compte pas 11 chiffres.",
    nl: "Een INSZ telt geen 11 cijfers.",
    hint: "Dots, dashes and spaces are accepted: 85.07.30-033.28.",
  },
  "LOCAL-SSIN-CHECKSUM": {
    en: "An SSIN has wrong check digits (mod 97, with the rule for births from 2000).",
    fr: "Un NISS a des chiffres de contrôle erronés (modulo 97, avec la règle des naissances à partir de 2000).",
    nl: "Een INSZ heeft foute controlecijfers (modulo 97, met de regel voor geboorten vanaf 2000).",
  },
  "LOCAL-ENTERPRISE-FORMAT": {
    en: "An enterprise number does not have 10 digits starting with 0 or 1.",
    fr: "Un numéro d'entreprise ne compte pas 10 chiffres commençant par 0 ou 1.",
    nl: "Een ondernemingsnummer telt geen 10 cijfers die met 0 of 1 beginnen.",
    hint: "BE, dots and spaces are accepted: BE 0203.430.576.",
  },
  "LOCAL-ENTERPRISE-CHECKSUM": {
    en: "An enterprise number has wrong check digits (mod 97).",
    fr: "Un numéro d'entreprise a des chiffres de contrôle erronés (modulo 97).",
    nl: "Een ondernemingsnummer heeft foute controlecijfers (modulo 97).",
  },
  "LOCAL-DATE-INVALID": {
    en: "A date is not a real calendar date in the form YYYY-MM-DD.",
    fr: "Une date n'est pas une date existante au format AAAA-MM-JJ.",
    nl: "Een datum is geen bestaande datum in de vorm JJJJ-MM-DD.",
    hint: "Also accepted: Date objects, 2024-03-04T00:00:00Z, 04/03/2024 (day first).",
  },
  "LOCAL-PERIOD-ORDER": {
    en: "The end date is before the start date.",
    fr: "La date de fin précède la date de début.",
    nl: "De einddatum ligt vóór de begindatum.",
  },
  "LOCAL-PERIOD-BEFORE-FLA": {
    en: "The period starts before 2024-01-01, when the Federal Learning Account began.",
    fr: "La période commence avant le 2024-01-01, date de début du compte formation fédéral.",
    nl: "De periode begint vóór 2024-01-01, de start van de federale opleidingsrekening.",
  },
  "LOCAL-PERIOD-FUTURE": {
    en: "The period is (partly) in the future.",
    fr: "La période se situe (en partie) dans le futur.",
    nl: "De periode ligt (deels) in de toekomst.",
  },
  "LOCAL-DURATION-TOO-LONG": {
    en: "The duration does not fit the period (more than 24 hours a day, or more days than the period has).",
    fr: "La durée ne tient pas dans la période (plus de 24 heures par jour, ou plus de jours que la période n'en compte).",
    nl: "De duur past niet in de periode (meer dan 24 uur per dag, of meer dagen dan de periode telt).",
  },
  "LOCAL-YEAR-RANGE": {
    en: "The year is before 2024 or after the current year.",
    fr: "L'année est antérieure à 2024 ou postérieure à l'année en cours.",
    nl: "Het jaar ligt vóór 2024 of na het huidige jaar.",
  },
  "LOCAL-EMPLOYER-MISSING": {
    en: "No employer enterprise number in the message nor on the config node.",
    fr: "Aucun numéro d'entreprise de l'employeur, ni dans le message ni dans le nœud de configuration.",
    nl: "Geen ondernemingsnummer van de werkgever, noch in het bericht noch op de configuratienode.",
    hint: "Set the Enterprise number of the FLA config node, or employer.enterpriseNumber in the payload.",
  },
  "LOCAL-EMPLOYER-REQUIRED": {
    en: "In the provider role (authorized representative) every message must name its employer.",
    fr: "Dans le rôle provider (mandataire), chaque message doit indiquer son employeur.",
    nl: "In de rol provider (gemachtigde) moet elk bericht zijn werkgever vermelden.",
  },
  "LOCAL-CONFLICT": {
    en: "The same value is given twice with two different contents.",
    fr: "La même valeur est donnée deux fois avec deux contenus différents.",
    nl: "Dezelfde waarde wordt twee keer gegeven met een verschillende inhoud.",
    hint: "e.g. msg.trainingId and payload.trainingId, or enterpriseNumber and employer.enterpriseNumber.",
  },
  "LOCAL-PARAM-IGNORED": {
    en: "Warning: a filter given to a query that does not take it is ignored.",
    fr: "Avertissement : un filtre donné à une requête qui ne l'accepte pas est ignoré.",
    nl: "Waarschuwing: een filter voor een query die hem niet aanvaardt, wordt genegeerd.",
    hint: `The filters each query takes: ${CATALOGUE.filtersByQuery()}.`,
  },
  "LOCAL-BODY-IGNORED": {
    en: "Warning: cancelTraining sends no body, the other fields of the payload are not sent.",
    fr: "Avertissement : cancelTraining n'envoie pas de corps de requête, les autres champs du payload ne sont pas transmis.",
    nl: "Waarschuwing: cancelTraining verstuurt geen body, de andere velden van de payload worden niet verzonden.",
  },
  "LOCAL-PAYLOAD-TOO-DEEP": {
    en: "msg.payload is nested more than 64 levels deep.",
    fr: "msg.payload est imbriqué sur plus de 64 niveaux.",
    nl: "msg.payload is meer dan 64 niveaus diep genest.",
    hint: "Send the fields of the declaration only; nothing is copied or sent.",
  },
  "LOCAL-PAYLOAD-TOO-LARGE": {
    en: "A declaration's JSON text exceeds 1,000,000 characters.",
    fr: "Le texte JSON d'une déclaration dépasse 1 000 000 caractères.",
    nl: "De JSON-tekst van een aangifte telt meer dan 1.000.000 tekens.",
    hint: "Look for a large field (a file, an image, a table) and leave it out.",
  },
  "LOCAL-PAYLOAD-CIRCULAR": {
    en: "msg.payload contains a circular reference, which JSON cannot carry.",
    fr: "msg.payload contient une référence circulaire, que JSON ne peut pas transporter.",
    nl: "msg.payload bevat een kringverwijzing, die JSON niet kan overbrengen.",
  },
  "LOCAL-PAYLOAD-UNREADABLE": {
    en: "A value of msg.payload cannot be read (a getter or Proxy raised an error).",
    fr: "Une valeur de msg.payload ne peut pas être lue (un getter ou un Proxy a provoqué une erreur).",
    nl: "Een waarde van msg.payload kan niet gelezen worden (een getter of Proxy gaf een fout).",
  },
  "LOCAL-PAYLOAD-UNSUPPORTED": {
    en: "A field holds a value JSON cannot carry: a Buffer, function, Symbol, BigInt, Map or other class instance.",
    fr: "Un champ contient une valeur que JSON ne peut pas transporter : Buffer, fonction, Symbol, BigInt, Map ou autre instance de classe.",
    nl: "Een veld bevat een waarde die JSON niet kan overbrengen: een Buffer, functie, Symbol, BigInt, Map of ander klasse-object.",
  },
  "LOCAL-NUMBER-NOT-FINITE": {
    en: "A number is Infinity or NaN (1e309 reads as Infinity; JSON would send null).",
    fr: "Un nombre vaut Infinity ou NaN (1e309 est lu comme Infinity ; JSON enverrait null).",
    nl: "Een getal is Infinity of NaN (1e309 wordt gelezen als Infinity; JSON zou null versturen).",
  },
  "LOCAL-KEY-FORBIDDEN": {
    en: "A key __proto__, constructor or prototype, which would reshape the object, is refused.",
    fr: "Une clé __proto__, constructor ou prototype, qui modifierait l'objet lui-même, est refusée.",
    nl: "Een sleutel __proto__, constructor of prototype, die het object zelf zou wijzigen, wordt geweigerd.",
  },
  "LOCAL-TEXT-BLANK": {
    en: "A text (title, provider name, external reference) holds only invisible, zero-width or control characters.",
    fr: "Un texte (titre, nom du prestataire, référence externe) ne contient que des caractères invisibles, de largeur nulle ou de contrôle.",
    nl: "Een tekst (titel, naam van de verstrekker, externe referentie) bevat alleen onzichtbare tekens, tekens zonder breedte of stuurtekens.",
  },
  "LOCAL-TEXT-CONTROL": {
    en: "A text contains control characters (NUL, ESC...); tabs and line breaks are accepted.",
    fr: "Un texte contient des caractères de contrôle (NUL, ESC...) ; les tabulations et retours à la ligne sont acceptés.",
    nl: "Een tekst bevat stuurtekens (NUL, ESC...); tabs en regeleinden worden aanvaard.",
  },
  "LOCAL-PAYLOAD-REPLACED": {
    en: "Warning: msg.payload could not be copied by Node-RED, so the anomaly output carries a summary of it instead.",
    fr: "Avertissement : Node-RED ne pouvant pas copier msg.payload, la sortie d'anomalie en porte un résumé à la place.",
    nl: "Waarschuwing: Node-RED kan msg.payload niet kopiëren, dus de anomalie-uitgang draagt er een samenvatting van.",
  },
};

/** Renders a received value for a message: quoted text, short JSON, never more than 80 characters. */
export function show(value: unknown): string {
  let text: string;
  if (value === undefined) text = "nothing";
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString();
  else if (typeof value === "string") text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // Too deep, circular or a BigInt for JSON; an object whose toString throws for String().
      try {
        text = typeof value === "bigint" ? `${value}n` : String(value);
      } catch {
        text = "an unreadable value";
      }
    }
  }
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/** Builds an anomaly from its code; `field` is the dotted path, `suffix` adds a sentence in each language. */
export function anomaly(
  code: string,
  field: string | undefined,
  params: AnomalyParams = {},
  options: { severity?: Severity; suffix?: LocalizedText } = {},
): Anomaly {
  const templates = TEMPLATES[code];
  if (!templates) throw new Error(`No text for anomaly code ${code}`);
  const p = { ...params, f: field ?? params.f };
  const text = (lang: Lang): string => templates[lang](p, lang) + (options.suffix ? " " + options.suffix[lang] : "");
  const description: LocalizedText = { en: text("en"), fr: text("fr"), nl: text("nl") };
  return {
    code,
    severity: options.severity ?? "BLOCKING",
    ...(field ? { field } : {}),
    message: description.en,
    description,
    source: "local",
  };
}

/** Collects anomalies, one per field and code, and tells whether a field (or a parent of it) already failed. */
export class AnomalyList {
  readonly items: Anomaly[] = [];

  add(item: Anomaly): void {
    if (!this.items.some((a) => a.code === item.code && a.field === item.field)) this.items.push(item);
  }

  failed(field: string): boolean {
    return this.items.some(
      (a) =>
        a.severity === "BLOCKING" && (a.field === undefined || a.field === field || field.startsWith(a.field + ".")),
    );
  }

  /** True when the field, a parent or a child of it already has an anomaly: a schema error there would repeat it. */
  touched(field: string): boolean {
    return this.failed(field) || this.items.some((a) => a.field !== undefined && a.field.startsWith(field + "."));
  }

  get blocking(): boolean {
    return this.items.some((a) => a.severity === "BLOCKING");
  }
}
