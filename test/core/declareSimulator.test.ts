import assert from "node:assert/strict";
import { declare, DeclareDeps } from "../../src/core/declare";
import type { Outcome } from "../../src/core/result";
import { SEED } from "../../src/simulator";
import type { TestSimulator } from "../support/simulator";
import { startEmployerAndProvider, type EmployerAndProvider, type SimulatorConnection } from "./apiSimulatorSetup";

let counter = 0;
function training(extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    worker: { ssin: SEED.demoWorker },
    title: `Forklift safety ${Date.now()}-${counter}`,
    period: { startDate: "2024-03-04", endDate: "2024-03-05" },
    nature: "FORMAL",
    duration: { value: 14, unit: "HOURS" },
    ...extra,
  };
}

function errorCode(outcome: Outcome): string | undefined {
  return outcome.output === "error" ? outcome.error.code : undefined;
}

describe("core/declare against the simulator", function () {
  this.timeout(30_000);
  let sim: TestSimulator;
  let employer: SimulatorConnection;
  let provider: SimulatorConnection;
  let deps: DeclareDeps;

  let setup: EmployerAndProvider | undefined;

  before(async () => {
    setup = await startEmployerAndProvider();
    ({ sim, employer, provider } = setup);
  });
  after(async () => {
    await setup?.stop();
  });
  beforeEach(() => {
    sim.faults.clear();
    sim.setAsyncDeclarations(false);
    deps = {
      client: employer.client,
      validation: { role: "employer", defaultEnterpriseNumber: SEED.demoEmployer, today: sim.today },
      waitForResult: true,
      pollTimeoutMs: 10_000,
      poll: { initialDelayMs: 50, maxDelayMs: 200 },
    };
  });

  it("creates, corrects and cancels a training", async () => {
    const created = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(created.output, "success", JSON.stringify(created.fla));
    assert.match(created.fla.status, /^ACCEPTED/);
    const trainingId = created.fla.trainingId;
    assert.ok(trainingId);
    const updated = await declare(
      { operation: "updateTraining", payload: training({ title: "Forklift safety, corrected" }), trainingId },
      deps,
    );
    assert.equal(updated.output, "success", JSON.stringify(updated.fla));
    assert.equal(updated.fla.trainingId, trainingId);
    const cancelled = await declare({ operation: "cancelTraining", payload: undefined, trainingId }, deps);
    assert.equal(cancelled.output, "success", JSON.stringify(cancelled.fla));
    assert.equal(cancelled.fla.status, "CANCELLED");
  });

  it("updating an unknown training → NOT_FOUND", async () => {
    const outcome = await declare(
      { operation: "updateTraining", payload: training(), trainingId: "T-999999999" },
      deps,
    );
    assert.equal(outcome.output, "anomaly");
    assert.equal(outcome.fla.status, "NOT_FOUND");
  });

  it("a worker not employed by the employer: the simulator's anomaly reaches the anomaly output", async () => {
    const payload = training({ worker: { ssin: SEED.unemployedWorker } });
    const outcome = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(outcome.output, "anomaly", JSON.stringify(outcome.fla));
    assert.equal(outcome.output === "anomaly" && outcome.payload, payload);
    assert.ok(outcome.fla.anomalies.length > 0);
    assert.ok(outcome.fla.anomalies.every((a) => a.source === "fla" && a.message));
  });

  it("a duplicate externalReference → ALREADY_DECLARED with the first trainingId", async () => {
    const payload = training({ externalReference: `HR-DUP-${Date.now()}` });
    const first = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(first.output, "success");
    const second = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(second.output, "success", JSON.stringify(second.fla));
    assert.equal(second.fla.status, "ALREADY_DECLARED");
    assert.equal(second.fla.trainingId, first.fla.trainingId);
  });

  it("a duplicate externalReference reports the platform's anomaly code (FLA-E-0032), never the problem type URN", async () => {
    const payload = training({ externalReference: `HR-CODE-${Date.now()}` });
    await declare({ operation: "createTraining", payload }, deps);
    const second = await declare({ operation: "createTraining", payload }, deps);
    assert.equal(second.fla.status, "ALREADY_DECLARED");
    assert.deepEqual(
      second.fla.anomalies.map((a) => [a.code, a.severity, a.field, a.source]),
      [["FLA-E-0032", "WARNING", "externalReference", "fla"]],
    );
  });

  it("provider role: declares for an employer with a mandate, FORBIDDEN without", async () => {
    const providerDeps: DeclareDeps = {
      ...deps,
      client: provider.client,
      validation: { role: "provider", today: sim.today },
    };
    const ok = await declare(
      { operation: "createTraining", payload: training({ employer: { enterpriseNumber: SEED.demoEmployer } }) },
      providerDeps,
    );
    assert.equal(ok.output, "success", JSON.stringify(ok.fla));
    const refused = await declare(
      {
        operation: "createTraining",
        payload: training({ employer: { enterpriseNumber: SEED.employerWithoutMandate } }),
      },
      providerDeps,
    );
    assert.equal(refused.output, "anomaly", JSON.stringify(refused.fla));
    assert.equal(refused.fla.status, "FORBIDDEN");
  });

  it("declares a training right", async () => {
    const outcome = await declare(
      {
        operation: "declareTrainingRight",
        payload: {
          enterpriseNumber: SEED.demoEmployer,
          ssin: SEED.demoWorker,
          year: 2024,
          individualDays: 5,
          sectoralDays: 2,
          carriedOverDays: 0,
          unit: "DAYS",
        },
      },
      deps,
    );
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    assert.match(outcome.fla.status, /^ACCEPTED/);
  });

  it("asynchronous mode: polls the declaration to its final result", async () => {
    sim.setAsyncDeclarations(true);
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    assert.match(outcome.fla.status, /^ACCEPTED/);
    assert.ok(outcome.fla.declarationId);
    assert.ok(outcome.fla.trainingId);
    assert.ok(outcome.fla.attempts >= 2, "it polled");
  });

  it("asynchronous mode with a short poll timeout → PENDING with the declarationId", async () => {
    sim.setAsyncDeclarations(true);
    const outcome = await declare(
      { operation: "createTraining", payload: training() },
      { ...deps, pollTimeoutMs: 60, poll: { initialDelayMs: 20, maxDelayMs: 20 } },
    );
    assert.equal(outcome.output, "success");
    assert.equal(outcome.fla.status, "PENDING");
    assert.ok(outcome.fla.declarationId);
  });

  it("a reset after recording, without externalReference → FLA_UNCERTAIN, recorded once", async () => {
    const before = sim.stats.trainingsCreated;
    sim.faults.add({ route: "POST /trainings", kind: "reset", phase: "after", times: 1 });
    const outcome = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(errorCode(outcome), "FLA_UNCERTAIN");
    assert.equal(sim.stats.trainingsCreated - before, 1);
  });

  it("a reset after recording, with externalReference → retried, ALREADY_DECLARED, recorded once", async () => {
    const before = sim.stats.trainingsCreated;
    sim.faults.add({ route: "POST /trainings", kind: "reset", phase: "after", times: 1 });
    const outcome = await declare(
      { operation: "createTraining", payload: training({ externalReference: `HR-RESET-${Date.now()}` }) },
      deps,
    );
    assert.equal(outcome.output, "success", JSON.stringify(outcome.fla));
    assert.equal(outcome.fla.status, "ALREADY_DECLARED");
    assert.ok(outcome.fla.trainingId);
    assert.equal(outcome.fla.attempts, 2);
    assert.equal(sim.stats.trainingsCreated - before, 1);
  });

  it("503 with Retry-After then success; a revoked token is renewed once", async () => {
    sim.faults.add({ route: "POST /trainings", kind: "status", status: 503, retryAfter: 1, times: 1 });
    const retried = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(retried.output, "success", JSON.stringify(retried.fla));
    assert.equal(retried.fla.attempts, 2);
    const tokensBefore = employer.tokens.stats.tokenRequests;
    sim.revokeTokens();
    const renewed = await declare({ operation: "createTraining", payload: training() }, deps);
    assert.equal(renewed.output, "success", JSON.stringify(renewed.fla));
    assert.equal(renewed.fla.attempts, 2);
    assert.equal(employer.tokens.stats.tokenRequests - tokensBefore, 1);
  });
});
