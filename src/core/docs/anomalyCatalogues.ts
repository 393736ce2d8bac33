/**
 * The catalogues of anomaly codes this package makes itself, as the README and the node help list them
 * (npm run docs). A new catalogue (a new code prefix) is one entry here; new codes in a catalogue need nothing.
 */
import type { LocalizedText } from "../result";
import { CLIENT_ANOMALY_CODES } from "../clientAnomalies";
import { LOCAL_ANOMALY_CODES } from "../validation/anomalies";

export interface AnomalyCodeText extends LocalizedText {
  /** How to fix it, in English only for now. */
  hint?: string;
}

export interface AnomalyCatalogue {
  /** The code prefix, e.g. `LOCAL-`. */
  prefix: string;
  /** One sentence introducing the catalogue's table. */
  title: LocalizedText;
  codes: Record<string, AnomalyCodeText>;
}

export const ANOMALY_CATALOGUES: readonly AnomalyCatalogue[] = [
  {
    prefix: "LOCAL-",
    title: {
      en: 'Found by the node before any call (`source: "local"`); nothing was sent.',
      fr: 'Trouvées par le nœud avant tout appel (`source: "local"`) ; rien n\'a été envoyé.',
      nl: 'Gevonden door de node vóór elke oproep (`source: "local"`); er werd niets verzonden.',
    },
    codes: LOCAL_ANOMALY_CODES,
  },
  {
    prefix: "CLIENT-",
    title: {
      en: 'Made by this client from an answer of the API (`source: "client"`): the platform\'s own codes (`FLA-E-…`, `FLA-W-…`, `source: "fla"`) are passed on as received; these fill the gaps it leaves.',
      fr: 'Produites par ce client à partir d\'une réponse de l\'API (`source: "client"`) : les codes de la plateforme (`FLA-E-…`, `FLA-W-…`, `source: "fla"`) sont transmis tels quels ; celles-ci comblent ses silences.',
      nl: 'Gemaakt door deze client op basis van een antwoord van de API (`source: "client"`): de eigen codes van het platform (`FLA-E-…`, `FLA-W-…`, `source: "fla"`) worden doorgegeven zoals ontvangen; deze vullen aan wat het openlaat.',
    },
    codes: CLIENT_ANOMALY_CODES,
  },
];
