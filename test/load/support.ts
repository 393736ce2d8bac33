/** Shared by the load tests: valid declarations in bulk and a polling wait. */
import { SEED } from "../../src/simulator";

/** A valid training of the demo worker, distinct by its title and externalReference. */
export function loadTraining(i: number, externalReference?: string): Record<string, unknown> {
  const day = 1 + (i % 28);
  const date = `2024-04-${String(day).padStart(2, "0")}`;
  return {
    employer: { enterpriseNumber: SEED.demoEmployer },
    worker: { ssin: SEED.demoWorker },
    ...(externalReference !== undefined ? { externalReference } : {}),
    title: `Load training ${i}`,
    period: { startDate: date, endDate: date },
    nature: "FORMAL",
    duration: { value: 4, unit: "HOURS" },
  };
}

/** Resolves once `condition()` holds (checked every 10 ms); rejects after `timeoutMs` saying what it waited for. */
export function waitUntil(condition: () => boolean, timeoutMs: number, what = "condition"): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = (): void => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`gave up waiting for ${what} after ${timeoutMs} ms`));
      setTimeout(check, 10);
    };
    check();
  });
}
