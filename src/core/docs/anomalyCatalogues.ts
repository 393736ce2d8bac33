/**
 * The catalogues of anomaly codes this package makes itself, as the README and the node help list them
 * (npm run docs). A new catalogue (a new code prefix) is one entry here; new codes in a catalogue need nothing.
 */
import type { LocalizedText } from "../result";
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
      en: "Found by the node before any call (`source: \"local\"`); nothing was sent.",
      fr: "Trouvées par le nœud avant tout appel (`source: \"local\"`) ; rien n'a été envoyé.",
      nl: "Gevonden door de node vóór elke oproep (`source: \"local\"`); er werd niets verzonden.",
    },
    codes: LOCAL_ANOMALY_CODES,
  },
];
