/** Starts a simulator on a random port with a registered test client, for the tests of every part of the package. */
import {
  SEED,
  startSimulator,
  type ClientRole,
  type RegisteredClient,
  type Simulator,
  type SimulatorOptions,
} from "../../src/simulator";

export const TEST_EMPLOYER_CLIENT_ID = "self_service_chaman_test_employer";
export const TEST_PROVIDER_CLIENT_ID = "self_service_chaman_test_provider";

export interface TestClientOptions {
  /** Default TEST_EMPLOYER_CLIENT_ID or TEST_PROVIDER_CLIENT_ID after the role. */
  clientId?: string;
  /** Default "employer". */
  role?: ClientRole;
  /** Default SEED.demoEmployer for an employer, SEED.provider for a provider (which has mandates for SEED.employersWithMandate). */
  enterpriseNumber?: string;
}

export interface TestSimulator extends Simulator {
  /** The client registered with the certificate given to startTestSimulator. */
  client: RegisteredClient;
}

/** The client a test registers: its defaults follow the role. */
export function testClient(certificatePem: string, options: TestClientOptions = {}): RegisteredClient {
  const role = options.role ?? "employer";
  return {
    clientId: options.clientId ?? (role === "employer" ? TEST_EMPLOYER_CLIENT_ID : TEST_PROVIDER_CLIENT_ID),
    certificatePem,
    role,
    enterpriseNumber: options.enterpriseNumber ?? (role === "employer" ? SEED.demoEmployer : SEED.provider),
  };
}

/**
 * Starts a simulator on 127.0.0.1, port 0 (random), seeded unless `options.seed` is false, and registers one client with
 * `certificatePem`. Stop it in an after() hook with `await sim.stop()`.
 */
export async function startTestSimulator(
  certificatePem: string,
  client: TestClientOptions = {},
  options: SimulatorOptions = {},
): Promise<TestSimulator> {
  const simulator = await startSimulator({ port: 0, host: "127.0.0.1", ...options });
  const registered = testClient(certificatePem, client);
  try {
    simulator.registerClient(registered);
  } catch (err) {
    await simulator.stop();
    throw err;
  }
  return Object.assign(simulator, { client: registered });
}
