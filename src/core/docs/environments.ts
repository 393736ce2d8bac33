/** How sure we are of each environment's URLs, for the README's table of environments (npm run docs). */
import type { Environment } from "../settings";

export const ENVIRONMENT_NOTES: Record<Exclude<Environment, "custom">, string> = {
  production: "yes, from the manual",
  acceptance: "likely: seen for other APIs of the same platform",
  simulation: "likely: seen for other APIs of the same platform",
  local: "the bundled simulator",
};
