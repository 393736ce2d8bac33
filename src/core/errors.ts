/**
 * Technical failures. Every one carries a stable code that flows reach as `msg.error.code`.
 * Messages say what went wrong and what to do; they never contain a secret.
 */
import { SafeCause, safeCause } from "./http/safeCause";
import type { LocalizedText } from "./result";

/**
 * Every `msg.error.code`, with what it means and what to do: the one source of the table the README and the node help
 * are generated from (npm run docs; `code` spans in backquotes). The keys are what flows test for: renaming one is a
 * breaking change. Each ends with msg.fla.status ERROR.
 */
export const FLA_ERROR_CODES = {
  FLA_CONFIG: {
    en: "The configuration is incomplete or inconsistent (client id, URLs), or the node has no config node.",
    fr: "La configuration est incomplète ou incohérente (client id, URL), ou le nœud n'a pas de nœud de configuration.",
    nl: "De configuratie is onvolledig of inconsistent (client id, URL's), of de node heeft geen configuratienode.",
  },
  FLA_CERT: {
    en: "The certificate or key cannot be used: the message says why (wrong password, no private key, key and certificate that do not match, expired...).",
    fr: "Le certificat ou la clé est inutilisable : le message dit pourquoi (mauvais mot de passe, pas de clé privée, clé et certificat qui ne correspondent pas, expiré...).",
    nl: "Het certificaat of de sleutel is onbruikbaar: de melding zegt waarom (fout wachtwoord, geen privésleutel, sleutel en certificaat passen niet samen, vervallen...).",
  },
  FLA_AUTH: {
    en: "The token endpoint refused us (certificate not registered for this client id, missing permission, wrong role), or the API refused a fresh token twice: see Troubleshooting in the README.",
    fr: "Le serveur OAuth a refusé le jeton (certificat non enregistré pour ce client id, autorisation manquante, mauvais rôle), ou l'API a refusé deux fois un jeton tout neuf : voir Troubleshooting dans le README.",
    nl: "De OAuth-server weigerde het token (certificaat niet geregistreerd voor deze client id, ontbrekende machtiging, verkeerde rol), of de API weigerde twee keer een vers token: zie Troubleshooting in de README.",
  },
  FLA_TIMEOUT: {
    en: "No answer within the configured timeout, after the retries.",
    fr: "Pas de réponse dans le délai configuré, après les nouveaux essais.",
    nl: "Geen antwoord binnen de ingestelde time-out, na de herhalingen.",
  },
  FLA_NETWORK: {
    en: "The server could not be reached: DNS, refused or reset connections (retried), an untrusted TLS certificate or a proxy's refusal (`407`, `403`: not retried, nothing was sent); the message names what happened and what to do.",
    fr: "Le serveur est injoignable : DNS, connexion refusée ou interrompue (réessayé), certificat TLS non reconnu ou refus d'un proxy (`407`, `403` : pas de nouvel essai, rien n'a été envoyé) ; le message dit ce qui s'est passé et que faire.",
    nl: "De server is onbereikbaar: DNS, geweigerde of verbroken verbinding (herhaald), een niet-vertrouwd TLS-certificaat of een weigering van een proxy (`407`, `403`: niet herhaald, er werd niets verzonden); de melding zegt wat er gebeurde en wat te doen.",
  },
  FLA_HTTP: {
    en: "An unexpected HTTP status (e.g. 500 after the retries).",
    fr: "Un statut HTTP inattendu (p. ex. 500 après les nouveaux essais).",
    nl: "Een onverwachte HTTP-status (bv. 500 na de herhalingen).",
  },
  FLA_RESPONSE: {
    en: "An answer that could not be read (not JSON, wrong shape), after the retries: check the URLs.",
    fr: "Une réponse illisible (pas du JSON, mauvaise forme), après les nouveaux essais : vérifiez les URL.",
    nl: "Een onleesbaar antwoord (geen JSON, verkeerde vorm), na de herhalingen: controleer de URL's.",
  },
  FLA_UNCERTAIN: {
    en: "A creation without `externalReference` was sent but its answer was lost or unreadable (a timeout, a reset, a 5xx, an answer that is not JSON): it may or may not be recorded, so it is not sent again. Query the worker's trainings before sending it again, and add an `externalReference`.",
    fr: "Une création sans `externalReference` a été envoyée mais sa réponse s'est perdue ou est illisible (délai dépassé, connexion coupée, 5xx, réponse qui n'est pas du JSON) : elle a peut-être été enregistrée, ou non, et n'est donc pas renvoyée. Consultez les formations du travailleur avant de la renvoyer, et ajoutez une `externalReference`.",
    nl: "Een aanmaak zonder `externalReference` werd verzonden maar het antwoord ging verloren of was onleesbaar (time-out, verbroken verbinding, 5xx, een antwoord dat geen JSON is): ze is misschien wel, misschien niet geregistreerd, en wordt dus niet opnieuw verzonden. Raadpleeg de opleidingen van de werknemer voor u ze opnieuw verstuurt, en voeg een `externalReference` toe.",
  },
  FLA_QUEUE_FULL: {
    en: "The outbox (or, for reads, the queue) of the config node is at its bound (`maxQueue`): slow the source down.",
    fr: "La boîte d'envoi (ou, pour les lectures, la file d'attente) du nœud de configuration est à sa limite (`maxQueue`) : ralentissez la source.",
    nl: "De outbox (of, voor lezingen, de wachtrij) van de configuratienode zit aan zijn grens (`maxQueue`): vertraag de bron.",
  },
  FLA_FILE: {
    en: "Files cannot be written or read: the export's archive (disk full, permissions, a damaged manifest) or the outbox journal.",
    fr: "Des fichiers ne peuvent être écrits ou lus : l'archive de l'export (disque plein, droits, manifeste endommagé) ou le journal de la boîte d'envoi.",
    nl: "Bestanden kunnen niet geschreven of gelezen worden: het archief van de export (schijf vol, rechten, een beschadigd manifest) of het journaal van de outbox.",
  },
  FLA_LOCKED: {
    en: "Another export is writing into the same folder: wait for it to end or choose another folder.",
    fr: "Un autre export écrit dans le même dossier : attendez qu'il se termine ou choisissez un autre dossier.",
    nl: "Een andere export schrijft in dezelfde map: wacht tot ze klaar is of kies een andere map.",
  },
  FLA_UNAVAILABLE: {
    en: "The platform stayed unavailable from the declaration's acceptance until its give-up time (`giveUpHours`, 24 h): send it again when the platform is back.",
    fr: "La plateforme est restée indisponible depuis l'acceptation de la déclaration jusqu'à son délai d'abandon (`giveUpHours`, 24 h) : renvoyez-la quand la plateforme est revenue.",
    nl: "Het platform bleef onbeschikbaar van de aanvaarding van de aangifte tot haar opgeeftijd (`giveUpHours`, 24 u): verstuur ze opnieuw wanneer het platform terug is.",
  },
  FLA_ABORTED: {
    en: "The message arrived while its config node was closing (redeploy, stop), so it never entered the outbox; or a read (query, export) was stopped by a redeploy or stop. A declaration already in the outbox never ends this way.",
    fr: "Le message est arrivé pendant la fermeture de son nœud de configuration (redéploiement, arrêt) et n'est donc jamais entré dans la boîte d'envoi ; ou une lecture (consultation, export) a été arrêtée par un redéploiement ou un arrêt. Une déclaration déjà dans la boîte d'envoi ne se termine jamais ainsi.",
    nl: "Het bericht kwam binnen terwijl zijn configuratienode sloot (nieuwe deploy, stop) en kwam dus nooit in de outbox; of een lezing (opvraging, export) werd gestopt door een nieuwe deploy of een stop. Een aangifte die al in de outbox zit, eindigt nooit zo.",
  },
} as const satisfies Record<`FLA_${string}`, LocalizedText>;

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
    return new FlaError(error.code, message, {
      httpStatus: error.httpStatus,
      reason: error.reason,
      retryable: error.retryable,
      attempts,
      cause: error,
    });
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
