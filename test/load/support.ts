/** Shared by the load tests: valid declarations in bulk and a polling wait. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SEED } from "../../src/simulator";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

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

type Catalog = Record<string, unknown>;

/**
 * The test helper gives nodes a RED._ that returns the key as is; this wraps a node module so that its RED._ reads
 * our en-US catalogues and fills in __name__ substitutions, as the editor and a real runtime would show them.
 */
export function withEnglishCatalog<T>(nodeModule: (RED: T) => void): (RED: T) => void {
  const catalog: Catalog = {};
  for (const name of ["fla-config", "fla-declare", "fla-query"]) {
    Object.assign(
      catalog,
      JSON.parse(readFileSync(join(PROJECT_ROOT, "nodes", "locales", "en-US", `${name}.json`), "utf8")) as Catalog,
    );
  }
  const translate = (key: string, substitutions: Record<string, unknown> = {}): string => {
    const found = key
      .split(".")
      .reduce<unknown>((at, part) => (at && typeof at === "object" ? (at as Catalog)[part] : undefined), catalog);
    if (typeof found !== "string") return key;
    return found.replace(/__(\w+)__/g, (whole, name: string) =>
      name in substitutions ? String(substitutions[name]) : whole,
    );
  };
  return (RED: T) =>
    nodeModule(
      new Proxy(RED as object, {
        get: (target, prop, receiver) => (prop === "_" ? translate : Reflect.get(target, prop, receiver)),
      }) as T,
    );
}
