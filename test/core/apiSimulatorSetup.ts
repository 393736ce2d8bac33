/** A real connection to a test simulator: settings, certificate, token cache (real OAuth) and API client. */
import { FlaApiClient } from "../../src/core/api/httpClient";
import { TokenCache } from "../../src/core/auth/tokenCache";
import { loadCertificate } from "../../src/core/certificate";
import { resolveSettings } from "../../src/core/settings";
import type { RegisteredClient } from "../../src/simulator";
import { getTestCertificates } from "../support/certificates";
import { startTestSimulator, testClient, type TestSimulator } from "../support/simulator";

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
    role: registered.role,
    enterpriseNumber: registered.enterpriseNumber,
  });
  const certificate = loadCertificate({
    format: "pem",
    certificate: keys.certificatePem,
    privateKey: keys.privateKeyPem,
  });
  const tokens = new TokenCache({ settings, certificate });
  const client = new FlaApiClient({
    apiUrl: settings.apiUrl,
    tokens,
    timeoutMs: options.timeoutMs ?? 5000,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
  });
  return { client, tokens };
}

/** A test simulator with two connected clients: the employer of the seed and a provider (with its mandates). */
export interface EmployerAndProvider {
  sim: TestSimulator;
  employer: SimulatorConnection;
  provider: SimulatorConnection;
  stop(): Promise<void>;
}

export async function startEmployerAndProvider(): Promise<EmployerAndProvider> {
  const certs = await getTestCertificates();
  const sim = await startTestSimulator(certs.client.certificatePem);
  const employer = connect(sim, sim.client, certs.client);
  const providerClient = testClient(certs.second.certificatePem, { role: "provider" });
  sim.registerClient(providerClient);
  const provider = connect(sim, providerClient, certs.second);
  return {
    sim,
    employer,
    provider,
    async stop() {
      employer.client.destroy();
      provider.client.destroy();
      await sim.stop();
    },
  };
}
