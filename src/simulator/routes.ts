/** The FLA API routes: method + path template → handler. */
import type { ApiHandler } from "./api/context";
import { readTrainingCredit } from "./api/credits";
import { readDeclaration } from "./api/declarations";
import { declareTrainingRight, searchTrainingRights } from "./api/rights";
import { cancelTraining, createTraining, readTraining, searchTrainings, updateTraining } from "./api/trainings";

export const API_BASE_PATH = "/REST/federalLearningAccount/v1";

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: ApiHandler;
}

function route(method: string, template: string, handler: ApiHandler): Route {
  const names: string[] = [];
  const source = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { method, template, pattern: new RegExp(`^${source}/?$`), names, handler };
}

const ROUTES: Route[] = [
  route("POST", "/trainings", createTraining),
  route("GET", "/trainings", searchTrainings),
  route("GET", "/trainings/{trainingId}", readTraining),
  route("PUT", "/trainings/{trainingId}", updateTraining),
  route("DELETE", "/trainings/{trainingId}", cancelTraining),
  route("GET", "/declarations/{declarationId}", readDeclaration),
  route("PUT", "/trainingRights/{enterpriseNumber}/{ssin}/{year}", declareTrainingRight),
  route("GET", "/trainingRights", searchTrainingRights),
  route("GET", "/trainingCredits/{enterpriseNumber}/{ssin}/{year}", readTrainingCredit),
];

export type RouteMatch =
  | { kind: "found"; key: string; handler: ApiHandler; params: Record<string, string> }
  | { kind: "methodNotAllowed"; allowed: string[] }
  | { kind: "notFound" };

/** `path` is relative to the API base, e.g. "/trainings/T-000001". */
export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method !== method) {
      allowed.push(r.method);
      continue;
    }
    const params: Record<string, string> = {};
    r.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return { kind: "found", key: `${r.method} ${r.template}`, handler: r.handler, params };
  }
  return allowed.length > 0 ? { kind: "methodNotAllowed", allowed } : { kind: "notFound" };
}
