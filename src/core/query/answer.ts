/** Maps a read that did not answer 200 onto an anomaly (a refusal of the platform) or a technical error. */
import { answerMeaning, refusalAnomalies, unexpectedAnswer } from "../api/answers";
import { CATALOGUE, type Catalogue } from "../api/catalogue";
import type { FlaResponse } from "../api/httpClient";
import { clientAnomaly } from "../clientAnomalies";
import type { FlaError } from "../errors";
import type { Anomaly, FlaStatus } from "../result";

export type ReadFailure =
  { output: "anomaly"; status: FlaStatus; anomalies: Anomaly[] } | { output: "error"; error: FlaError };

/**
 * `position` names the page of a multi-page run that failed ("" for the first). `catalogue`: the one the read ran
 * against; its descriptor of the operation names the row of the answers table that gives the status its meaning.
 */
export function mapReadFailure(
  operation: string,
  response: Pick<FlaResponse, "httpStatus" | "data">,
  position: string,
  catalogue: Catalogue = CATALOGUE,
): ReadFailure {
  const { httpStatus, data } = response;
  const meaning = answerMeaning(catalogue.spec(operation).answer, httpStatus);
  if (meaning.means !== "refused") {
    return {
      output: "error",
      error: unexpectedAnswer(`the ${operation} query${position ? ` at ${position}` : ""}`, httpStatus, data),
    };
  }
  const anomalies = refusalAnomalies(meaning.code, data, { operation });
  // The pages before were read (and, in split mode, sent): say where the run stopped.
  if (position) anomalies.push(clientAnomaly("CLIENT-PAGE-FAILED", { operation, position }));
  return { output: "anomaly", status: meaning.status, anomalies };
}
