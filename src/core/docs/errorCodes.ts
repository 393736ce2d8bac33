/**
 * What each technical failure code means and what to do about it, in the three languages of the nodes. The README and
 * the node help render this map (npm run docs), so a code added to FlaErrorCode without a description fails to compile.
 */
import type { FlaErrorCode } from "../errors";
import type { LocalizedText } from "../result";

/** The nodes whose messages can end on a Catch node with a code, so that each node's help lists only its own. */
export type DocumentedNode = "declare" | "query" | "export";

export interface ErrorCodeDoc {
  text: LocalizedText;
  nodes: readonly DocumentedNode[];
}

const ALL: readonly DocumentedNode[] = ["declare", "query", "export"];

export const FLA_ERROR_CODE_DOCS: Record<FlaErrorCode, ErrorCodeDoc> = {
  FLA_CONFIG: {
    nodes: ALL,
    text: {
      en: "The configuration is incomplete (client id, URLs) or the node has no config node.",
      fr: "La configuration est incomplète (client id, URL) ou le nœud n'a pas de nœud de configuration.",
      nl: "De configuratie is onvolledig (client id, URL's) of de node heeft geen configuratienode.",
    },
  },
  FLA_CERT: {
    nodes: ALL,
    text: {
      en: "The certificate cannot be used: the message says why (wrong password, no private key, mismatch, expired...).",
      fr: "Le certificat est inutilisable : le message dit pourquoi (mauvais mot de passe, pas de clé privée, clé et certificat qui ne correspondent pas, expiré...).",
      nl: "Het certificaat is onbruikbaar: de melding zegt waarom (fout wachtwoord, geen privésleutel, sleutel en certificaat passen niet samen, vervallen...).",
    },
  },
  FLA_AUTH: {
    nodes: ALL,
    text: {
      en: "The token endpoint refused us (certificate not registered for this client id, missing permission, wrong role), or the API refused a fresh token: see Troubleshooting in the README.",
      fr: "Le serveur OAuth a refusé le jeton (certificat non enregistré pour ce client id, autorisation manquante, mauvais rôle), ou l'API a refusé un jeton tout neuf : voir Troubleshooting dans le README.",
      nl: "De OAuth-server weigerde het token (certificaat niet geregistreerd voor deze client id, ontbrekende machtiging, verkeerde rol), of de API weigerde een vers token: zie Troubleshooting in de README.",
    },
  },
  FLA_TIMEOUT: {
    nodes: ALL,
    text: {
      en: "No answer within the configured timeout, after the retries.",
      fr: "Pas de réponse dans le délai configuré, après les nouveaux essais.",
      nl: "Geen antwoord binnen de ingestelde time-out, na de herhalingen.",
    },
  },
  FLA_NETWORK: {
    nodes: ALL,
    text: {
      en: "The server could not be reached: DNS, refused or reset connections (retried), an untrusted TLS certificate or a proxy's refusal (`407`, `403`: not retried, nothing was sent); the message names what happened and what to do.",
      fr: "Le serveur est injoignable : DNS, connexion refusée ou interrompue (réessayé), certificat TLS non reconnu ou refus d'un proxy (`407`, `403` : pas de nouvel essai, rien n'a été envoyé) ; le message dit ce qui s'est passé et que faire.",
      nl: "De server is onbereikbaar: DNS, geweigerde of verbroken verbinding (herhaald), een niet-vertrouwd TLS-certificaat of een weigering van een proxy (`407`, `403`: niet herhaald, er werd niets verzonden); de melding zegt wat er gebeurde en wat te doen.",
    },
  },
  FLA_HTTP: {
    nodes: ALL,
    text: {
      en: "An unexpected HTTP status (e.g. 500 after the retries).",
      fr: "Un statut HTTP inattendu (p. ex. 500 après les nouveaux essais).",
      nl: "Een onverwachte HTTP-status (bv. 500 na de herhalingen).",
    },
  },
  FLA_RESPONSE: {
    nodes: ALL,
    text: {
      en: "An answer that could not be read (not JSON, wrong shape): check the URLs.",
      fr: "Une réponse illisible (pas du JSON, mauvaise forme) : vérifiez les URL.",
      nl: "Een onleesbaar antwoord (geen JSON, verkeerde vorm): controleer de URL's.",
    },
  },
  FLA_UNCERTAIN: {
    nodes: ["declare"],
    text: {
      en: "A creation without `externalReference` was sent but its answer was lost: it may or may not be recorded. Query the worker's trainings before sending it again, and add an `externalReference`.",
      fr: "Une création sans `externalReference` a été envoyée mais sa réponse s'est perdue : elle a peut-être été enregistrée, ou non. Consultez les formations du travailleur avant de la renvoyer, et ajoutez une `externalReference`.",
      nl: "Een aanmaak zonder `externalReference` werd verzonden maar het antwoord ging verloren: ze is misschien wel, misschien niet geregistreerd. Raadpleeg de opleidingen van de werknemer voor u ze opnieuw verstuurt, en voeg een `externalReference` toe.",
    },
  },
  FLA_QUEUE_FULL: {
    nodes: ALL,
    text: {
      en: "The outbox (or, for reads, the queue) of the config node is at its bound (`maxQueue`): slow the source down.",
      fr: "La boîte d'envoi (ou, pour les lectures, la file d'attente) du nœud de configuration est à sa limite (`maxQueue`) : ralentissez la source.",
      nl: "De outbox (of, voor lezingen, de wachtrij) van de configuratienode zit aan zijn grens (`maxQueue`): vertraag de bron.",
    },
  },
  FLA_FILE: {
    nodes: ["declare", "export"],
    text: {
      en: "Files cannot be written or read: the export's archive (disk full, permissions, a damaged manifest) or the outbox journal.",
      fr: "Des fichiers ne peuvent être écrits ou lus : l'archive de l'export (disque plein, droits, manifeste endommagé) ou le journal de la boîte d'envoi.",
      nl: "Bestanden kunnen niet geschreven of gelezen worden: het archief van de export (schijf vol, rechten, een beschadigd manifest) of het journaal van de outbox.",
    },
  },
  FLA_LOCKED: {
    nodes: ["export"],
    text: {
      en: "Another export is writing into the same folder: wait for it to end or choose another folder.",
      fr: "Un autre export écrit dans le même dossier : attendez qu'il se termine ou choisissez un autre dossier.",
      nl: "Een andere export schrijft in dezelfde map: wacht tot ze klaar is of kies een andere map.",
    },
  },
  FLA_UNAVAILABLE: {
    nodes: ["declare"],
    text: {
      en: "The platform stayed unavailable from the declaration's acceptance until its give-up time (`giveUpHours`, 24 h): send it again when the platform is back.",
      fr: "La plateforme est restée indisponible depuis l'acceptation de la déclaration jusqu'à son délai d'abandon (`giveUpHours`, 24 h) : renvoyez-la quand la plateforme est revenue.",
      nl: "Het platform bleef onbeschikbaar van de aanvaarding van de aangifte tot haar opgeeftijd (`giveUpHours`, 24 u): verstuur ze opnieuw wanneer het platform terug is.",
    },
  },
  FLA_ABORTED: {
    nodes: ALL,
    text: {
      en: "The message arrived while its config node was closing (redeploy, stop), so it never entered the outbox; or a read (query, export) was stopped by a redeploy or stop. A declaration already in the outbox never ends this way.",
      fr: "Le message est arrivé pendant la fermeture de son nœud de configuration (redéploiement, arrêt) et n'est donc jamais entré dans la boîte d'envoi ; ou une lecture (consultation, export) a été arrêtée par un redéploiement ou un arrêt. Une déclaration déjà dans la boîte d'envoi ne se termine jamais ainsi.",
      nl: "Het bericht kwam binnen terwijl zijn configuratienode sloot (nieuwe deploy, stop) en kwam dus nooit in de outbox; of een lezing (opvraging, export) werd gestopt door een nieuwe deploy of een stop. Een aangifte die al in de outbox zit, eindigt nooit zo.",
    },
  },
};
