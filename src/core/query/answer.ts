/** Maps a read that did not answer 200 onto an anomaly (404, 400, 403) or a technical error (anything else). */
import type { FlaResponse } from "../api/httpClient";
import { describeProblem, problemAnomalies, readProblem } from "../api/catalogue";
import { FlaError } from "../errors";
import type { Anomaly, FlaStatus } from "../result";

export type ReadFailure = { output: "anomaly"; status: FlaStatus; anomalies: Anomaly[] } | { output: "error"; error: FlaError };

/** `position` names the page of a multi-page run that failed ("" for the first). */
export function mapReadFailure(operation: string, response: Pick<FlaResponse, "httpStatus" | "data">, position: string): ReadFailure {
  const { httpStatus, data } = response;
  const at = position ? ` at ${position}` : "";
  const withPosition = (anomalies: Anomaly[]): Anomaly[] =>
    position
      ? [...anomalies, { code: "FLA-PAGE-FAILED", severity: "BLOCKING", message: `The ${operation} query stopped${at}.`, source: "fla" }]
      : anomalies;
  switch (httpStatus) {
    case 404:
      return { output: "anomaly", status: "NOT_FOUND", anomalies: withPosition(problemAnomalies(data, "FLA-NOT-FOUND", `The FLA API found nothing for this ${operation} query: check the identifiers.`)) };
    case 400:
      return { output: "anomaly", status: "REJECTED", anomalies: withPosition(problemAnomalies(data, "FLA-BAD-REQUEST", `The FLA API refused the ${operation} query as invalid.`)) };
    case 403:
      return {
        output: "anomaly",
        status: "FORBIDDEN",
        anomalies: withPosition(
          problemAnomalies(data, "FLA-FORBIDDEN", "The FLA API refused access: the scope of the config node's role, or the mandate for this employer, does not cover this query."),
        ),
      };
    default: {
      const summary = describeProblem(data);
      return {
        output: "error",
        error: new FlaError("FLA_HTTP", `The FLA API answered the ${operation} query${at} with an unexpected status ${httpStatus}${summary ? `: ${summary.slice(0, 500)}` : ""}.`, {
          httpStatus,
          reason: readProblem(data).type,
        }),
      };
    }
  }
}
