/**
 * Technical failures. Every one carries a stable code that flows reach as `msg.error.code`.
 * Messages say what went wrong and what to do; they never contain a secret.
 */
import { SafeCause, safeCause } from "./http/safeCause";

/**
 * Every `msg.error.code`, with what it means and what to do: the table the README and the node help are generated
 * from. The keys are what flows test for: renaming one is a breaking change. Each ends with msg.fla.status ERROR.
 */
export const FLA_ERROR_CODES = {
  FLA_CONFIG: {
    en: "The configuration is incomplete or inconsistent (client id, URLs), or the node has no config node.",
    fr: "La configuration est incomplète ou incohérente (client id, URL), ou le nœud n'a pas de nœud de configuration.",
    nl: "De configuratie is onvolledig of inconsistent (client id, URL's), of de node heeft geen configuratienode.",
  },
  FLA_CERT: {
    en: "The certificate or key cannot be used: the message says why (wrong password, no private key, mismatch, expired...).",
    fr: "Le certificat ou la clé est inutilisable : le message dit pourquoi (mauvais mot de passe, pas de clé privée, discordance, expiré...).",
    nl: "Het certificaat of de sleutel is onbruikbaar: het bericht zegt waarom (verkeerd wachtwoord, geen private sleutel, mismatch, verlopen...).",
  },
  FLA_AUTH: {
    en: "The token endpoint refused us, or the API refused a fresh token twice.",
    fr: "Le point de jeton nous a refusés, ou l'API a refusé deux fois un jeton neuf.",
    nl: "Het token-endpoint weigerde ons, of de API weigerde twee keer een vers token.",
  },
  FLA_TIMEOUT: {
    en: "No answer within the configured timeout, after the retries.",
    fr: "Pas de réponse dans le délai configuré, après les nouvelles tentatives.",
    nl: "Geen antwoord binnen de ingestelde time-out, na de nieuwe pogingen.",
  },
  FLA_NETWORK: {
    en: "The server could not be reached (DNS, refused or reset connection, untrusted TLS certificate, a proxy's refusal): the message names what happened.",
    fr: "Le serveur n'a pas pu être joint (DNS, connexion refusée ou coupée, certificat TLS non reconnu, refus d'un proxy) : le message dit ce qui s'est passé.",
    nl: "De server was niet bereikbaar (DNS, geweigerde of verbroken verbinding, niet-vertrouwd TLS-certificaat, weigering van een proxy): het bericht zegt wat er gebeurde.",
  },
  FLA_HTTP: {
    en: "An unexpected HTTP status (e.g. 500 after the retries).",
    fr: "Un statut HTTP inattendu (par ex. 500 après les nouvelles tentatives).",
    nl: "Een onverwachte HTTP-status (bv. 500 na de nieuwe pogingen).",
  },
  FLA_RESPONSE: {
    en: "An answer that could not be read (not JSON, wrong shape).",
    fr: "Une réponse illisible (pas du JSON, mauvaise forme).",
    nl: "Een onleesbaar antwoord (geen JSON, verkeerde vorm).",
  },
  FLA_UNCERTAIN: {
    en: "A creation without externalReference was sent but its answer was lost: it may or may not be recorded. Query the worker's trainings before sending it again.",
    fr: "Une création sans externalReference a été envoyée mais sa réponse est perdue : elle est peut-être enregistrée. Consultez les formations du travailleur avant de la renvoyer.",
    nl: "Een creatie zonder externalReference werd verzonden maar het antwoord ging verloren: ze is misschien geregistreerd. Raadpleeg de opleidingen van de werknemer voor u ze opnieuw verzendt.",
  },
  FLA_QUEUE_FULL: {
    en: "The outbox (or, for reads, the queue) of the config node is at its bound (maxQueue): slow the source down.",
    fr: "La boîte d'envoi (ou, pour les lectures, la file) du nœud de configuration est pleine (maxQueue) : ralentissez la source.",
    nl: "De outbox (of, voor lezingen, de wachtrij) van de configuratienode is vol (maxQueue): vertraag de bron.",
  },
  FLA_FILE: {
    en: "The export's files cannot be written or read (disk full, permissions, a damaged manifest).",
    fr: "Les fichiers de l'export ne peuvent être écrits ou lus (disque plein, permissions, manifeste endommagé).",
    nl: "De bestanden van de export kunnen niet geschreven of gelezen worden (schijf vol, rechten, beschadigd manifest).",
  },
  FLA_LOCKED: {
    en: "Another export is writing into the same folder.",
    fr: "Un autre export écrit dans le même dossier.",
    nl: "Een andere export schrijft in dezelfde map.",
  },
  FLA_UNAVAILABLE: {
    en: "The platform stayed unavailable from the declaration's acceptance until its give-up time (giveUpHours): send it again when the platform is back.",
    fr: "La plateforme est restée indisponible de l'acceptation de la déclaration jusqu'à son délai d'abandon (giveUpHours) : renvoyez-la quand la plateforme sera revenue.",
    nl: "Het platform bleef onbeschikbaar van de aanvaarding van de aangifte tot de opgeeftermijn (giveUpHours): verzend ze opnieuw wanneer het platform terug is.",
  },
  FLA_ABORTED: {
    en: "The node was closed (redeploy, stop) before the message was sent, or a read was stopped by it.",
    fr: "Le nœud a été fermé (redéploiement, arrêt) avant l'envoi du message, ou une lecture a été interrompue.",
    nl: "De node werd gesloten (herdeploy, stop) voordat het bericht verzonden werd, of een lezing werd erdoor gestopt.",
  },
} as const satisfies Record<`FLA_${string}`, { en: string; fr: string; nl: string }>;

export type FlaErrorCode = keyof typeof FLA_ERROR_CODES;

export interface FlaErrorOptions {
  httpStatus?: number;
  /** A machine-readable reason, e.g. the OAuth `error` value or the problem `type`. */
  reason?: string;
  /** True when trying again later may succeed. */
  retryable?: boolean;
  /** HTTP requests sent before this failure (0 when none was). */
  attempts?: number;
  /** What went wrong underneath. Kept as is when it is a FlaError; anything else is reduced to a SafeCause. */
  cause?: unknown;
}

export class FlaError extends Error {
  readonly code: FlaErrorCode;
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly retryable: boolean;
  /**
   * HTTP requests sent before the failure: what `msg.fla.attempts` reports. Set by the HTTP client when it gives up
   * (it alone counts them), so not readonly.
   */
  attempts: number;

  constructor(code: FlaErrorCode, message: string, options: FlaErrorOptions = {}) {
    // Node-RED copies `cause` into msg.error: a library's error there would carry its request (token, body, SSIN).
    super(message, options.cause === undefined ? undefined : { cause: safeCauseOf(options.cause) });
    this.name = "FlaError";
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.reason = options.reason;
    this.retryable = options.retryable ?? false;
    this.attempts = options.attempts ?? 0;
  }

  /**
   * The same failure told from further up (which page, which employer): same code, status, reason, retryability and
   * attempts, with this error as its cause.
   */
  static within(error: FlaError, message: string, attempts = error.attempts): FlaError {
    return new FlaError(error.code, message, { httpStatus: error.httpStatus, reason: error.reason, retryable: error.retryable, attempts, cause: error });
  }

  /** What a flow sees in `msg.error` (Node-RED adds `source`). */
  toJSON(): { code: FlaErrorCode; message: string; httpStatus?: number; reason?: string } {
    return { code: this.code, message: this.message, httpStatus: this.httpStatus, reason: this.reason };
  }
}

function safeCauseOf(cause: unknown): FlaError | SafeCause {
  return cause instanceof FlaError || cause instanceof SafeCause ? cause : safeCause(cause);
}

export function isFlaError(value: unknown): value is FlaError {
  return value instanceof FlaError;
}
