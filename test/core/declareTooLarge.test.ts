/**
 * A 413 from the API (or from a gateway in front of it) is a refusal of this message, not a technical failure: the
 * anomaly output with a stable client code and a sentence in en/fr/nl, never the Catch node.
 */
import assert from "node:assert/strict";
import { FlaApiClient } from "../../src/core/api/httpClient";
import { declare, type DeclareDeps } from "../../src/core/declare";
import { clientFor, ScriptedServer, json, raw } from "./apiTestServer";

const TRAINING = {
  worker: { ssin: "85.07.30-033.28" },
  title: "Forklift safety",
  period: { startDate: "2024-03-04", endDate: "2024-03-05" },
  nature: "FORMAL",
  duration: { value: 14, unit: "HOURS" },
};

describe("core/declare: a body too large for the API (413)", () => {
  const server = new ScriptedServer();
  let client: FlaApiClient;
  let deps: DeclareDeps;

  before(async () => {
    await server.start();
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    client = clientFor(server);
    deps = {
      client,
      validation: { role: "employer", defaultEnterpriseNumber: "0203430576", today: "2025-06-30" },
      waitForResult: true,
      pollTimeoutMs: 2000,
    };
  });
  afterEach(() => client.destroy());

  const answers: Array<[string, ReturnType<typeof json>]> = [
    [
      "a problem+json 413",
      json(413, {
        type: "urn:problem-type:belgif:payloadTooLarge",
        title: "Payload Too Large",
        status: 413,
        detail: "The body is larger than 1 MB.",
      }),
    ],
    [
      "a gateway's HTML 413 page",
      raw(413, "<html><body><h1>413 Request Entity Too Large</h1></body></html>", "text/html"),
    ],
  ];
  for (const [what, answer] of answers) {
    for (const operation of ["createTraining", "updateTraining"] as const) {
      it(`${what} to ${operation}: the anomaly output with CLIENT-PAYLOAD-TOO-LARGE, sent once`, async () => {
        server.plan(answer);
        const payload = operation === "updateTraining" ? { ...TRAINING, trainingId: "T-000001" } : TRAINING;
        const outcome = await declare({ operation, payload }, deps);
        assert.equal(outcome.output, "anomaly", JSON.stringify(outcome));
        assert.equal(outcome.fla.httpStatus, 413);
        assert.equal(outcome.fla.status, "REJECTED");
        const anomaly = outcome.fla.anomalies.find((a) => a.code === "CLIENT-PAYLOAD-TOO-LARGE");
        assert.ok(anomaly, JSON.stringify(outcome.fla.anomalies));
        assert.equal(anomaly.severity, "BLOCKING");
        assert.match(anomaly.message, /too large/);
        assert.ok(
          anomaly.description?.fr && anomaly.description.nl && anomaly.description.fr !== anomaly.description.en,
        );
        assert.equal(outcome.output === "anomaly" && outcome.payload, payload, "the user's payload comes back");
        assert.equal(server.seen.length, 1, "a 413 is not retried");
      });
    }
  }
});
