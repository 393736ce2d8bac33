/** A real connection to a test simulator: settings, certificate, token cache (real OAuth) and API client. */
import { FlaApiClient } from "../../src/core/api/httpClient";
import { TokenCache } from "../../src/core/auth/tokenCache";
import { loadCertificate } from "../../src/core/certificate";
import { resolveSettings, type Role } from "../../src/core/settings";
import type { RegisteredClient } from "../../src/simulator";

export interface SimulatorConnection {
  client: FlaApiClient;
  tokens: TokenCache;
}

export function connect(
  sim: { tokenUrl: string; apiUrl: string },
  registered: RegisteredClient,
  keys: { certificatePem: string; privateKeyPem: string },
  options: { timeoutMs?: number } = {},
): SimulatorConnection {
  const settings = resolveSettings({
    environment: "custom",
    tokenUrl: sim.tokenUrl,
    apiUrl: sim.apiUrl,
    clientId: registered.clientId,
    role: registered.role as Role,
    enterpriseNumber: registered.enterpriseNumber,
  });
  const certificate = loadCertificate({ format: "pem", certificate: keys.certificatePem, privateKey: keys.privateKeyPem });
  const tokens = new TokenCache({ settings, certificate });
  const client = new FlaApiClient({ apiUrl: settings.apiUrl, tokens, timeoutMs: options.timeoutMs ?? 5000, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
  return { client, tokens };
}
