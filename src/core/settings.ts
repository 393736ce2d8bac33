/** Environments, URLs and scopes of the socialsecurity.be OAuth v5 server and the FLA API. */
import { FlaError } from "./errors";
import type { NetworkSettings } from "./http/policy";

export type Environment = "production" | "acceptance" | "simulation" | "local" | "custom";
export type Role = "employer" | "provider";

export interface EnvironmentPreset {
  tokenUrl: string;
  audience: string;
  apiUrl: string;
  /** True only where the channel manual gives the URLs; the others are seen on the same platform, not confirmed. */
  certain: boolean;
}

export const LOCAL_SIMULATOR_PORT = 3010;

export const ENVIRONMENT_PRESETS: Record<Exclude<Environment, "custom">, EnvironmentPreset> = {
  production: {
    tokenUrl: "https://services.socialsecurity.be/REST/oauth/v5/token",
    audience: "https://services.socialsecurity.be/REST/oauth/v5/token",
    apiUrl: "https://services.socialsecurity.be/REST/federalLearningAccount/v1",
    certain: true,
  },
  acceptance: {
    tokenUrl: "https://services-acpt.socialsecurity.be/REST/oauth/v5/token",
    audience: "https://services-acpt.socialsecurity.be/REST/oauth/v5/token",
    apiUrl: "https://services-acpt.socialsecurity.be/REST/federalLearningAccount/v1",
    certain: false,
  },
  simulation: {
    tokenUrl: "https://services-sim.socialsecurity.be/REST/oauth/v5/token",
    audience: "https://services-sim.socialsecurity.be/REST/oauth/v5/token",
    apiUrl: "https://services-sim.socialsecurity.be/REST/federalLearningAccount/v1",
    certain: false,
  },
  local: {
    tokenUrl: `http://127.0.0.1:${LOCAL_SIMULATOR_PORT}/REST/oauth/v5/token`,
    audience: `http://127.0.0.1:${LOCAL_SIMULATOR_PORT}/REST/oauth/v5/token`,
    apiUrl: `http://127.0.0.1:${LOCAL_SIMULATOR_PORT}/REST/federalLearningAccount/v1`,
    certain: true,
  },
};

export const SCOPES: Record<Role, string> = {
  employer: "scope:sigedis:gestion:careerpro-federal-learning-account:employer",
  provider: "scope:sigedis:gestion:careerpro-federal-learning-account:provider",
};

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** What the config node holds, as the editor saved it (strings may be empty). */
export interface RawConnectionSettings {
  environment?: string;
  tokenUrl?: string;
  audience?: string;
  apiUrl?: string;
  clientId?: string;
  role?: string;
  scope?: string;
  enterpriseNumber?: string;
  timeout?: number | string;
  /** Proxy and trust, as the adapter resolved them (the http proxy node chosen on the config node). */
  network?: NetworkSettings;
}

export interface ConnectionSettings {
  environment: Environment;
  tokenUrl: string;
  audience: string;
  apiUrl: string;
  clientId: string;
  role: Role;
  scope: string;
  enterpriseNumber?: string;
  timeoutMs: number;
  /** The same for the token requests and the API calls. */
  network: NetworkSettings;
}

const ENVIRONMENTS: readonly Environment[] = ["production", "acceptance", "simulation", "local", "custom"];

function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

/** The hosts that may be reached over plain http (the local simulator): loopback only. The editor checks URLs with it too. */
export const PLAIN_HTTP_HOSTS = { names: ["127.0.0.1", "localhost", "[::1]"], prefix: "127." } as const;

/** Only loopback may be plain HTTP: a token or an assertion never travels unencrypted over a network. */
function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FlaError("FLA_CONFIG", `The ${name} "${value}" is not a valid URL.`);
  }
  const loopback =
    (PLAIN_HTTP_HOSTS.names as readonly string[]).includes(url.hostname) ||
    url.hostname.startsWith(PLAIN_HTTP_HOSTS.prefix);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new FlaError(
      "FLA_CONFIG",
      `The ${name} must use https:// (plain http is only allowed on 127.0.0.1 for the local simulator).`,
    );
  }
  return value.replace(/\/+$/, "");
}

/** Checks the proxy chosen on the config node; an error names its host at most, never its credentials. */
function checkNetwork(network: NetworkSettings | undefined): NetworkSettings {
  const proxy = network?.proxy;
  if (!proxy) return { ca: network?.ca };
  const raw = (proxy.url ?? "").trim();
  if (!raw) {
    throw new FlaError(
      "FLA_CONFIG",
      "The http proxy chosen on the FLA config node is not deployed or has no URL: deploy it with a URL such as http://proxy.example:8080, or choose none.",
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
    throw new FlaError(
      "FLA_CONFIG",
      "The URL of the http proxy chosen on the FLA config node is not valid: write it as http://host:port.",
    );
  }
  return {
    ca: network?.ca,
    proxy: { ...proxy, url: raw, noProxy: (proxy.noProxy ?? []).map((entry) => String(entry).trim()).filter(Boolean) },
  };
}

/** What a config node uses when its environment or role is missing. */
export const DEFAULT_ENVIRONMENT: Environment = "production";
export const DEFAULT_ROLE: Role = "employer";

/** Applies the environment preset to empty URLs, derives the scope from the role, and checks what is required. */
export function resolveSettings(raw: RawConnectionSettings): ConnectionSettings {
  const environment = raw.environment && isEnvironment(raw.environment) ? raw.environment : DEFAULT_ENVIRONMENT;
  const preset = environment === "custom" ? undefined : ENVIRONMENT_PRESETS[environment];
  const role: Role = raw.role === "provider" ? "provider" : DEFAULT_ROLE;
  const tokenUrl = (raw.tokenUrl ?? "").trim() || preset?.tokenUrl || "";
  const audience = (raw.audience ?? "").trim() || tokenUrl;
  const apiUrl = (raw.apiUrl ?? "").trim() || preset?.apiUrl || "";
  const clientId = (raw.clientId ?? "").trim();
  if (!tokenUrl)
    throw new FlaError("FLA_CONFIG", "The token URL is empty: choose an environment or enter the OAuth v5 token URL.");
  if (!apiUrl)
    throw new FlaError("FLA_CONFIG", "The API URL is empty: choose an environment or enter the FLA API base URL.");
  if (!clientId) {
    throw new FlaError(
      "FLA_CONFIG",
      "The client id is empty: copy it from Chaman, next to the REST webservice account (e.g. self_service_expeditor_10).",
    );
  }
  const timeoutSeconds = Number(raw.timeout);
  return {
    environment,
    tokenUrl: checkUrl("token URL", tokenUrl),
    audience: audience.trim(),
    apiUrl: checkUrl("API URL", apiUrl),
    clientId,
    role,
    scope: (raw.scope ?? "").trim() || SCOPES[role],
    enterpriseNumber: (raw.enterpriseNumber ?? "").trim() || undefined,
    timeoutMs:
      (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1000,
    network: checkNetwork(raw.network),
  };
}
