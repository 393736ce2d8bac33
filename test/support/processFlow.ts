/** Flow pieces for a real Node-RED process (test/support/nodeRedProcess.ts) deployed through the flows API. */
import { SEED } from "../../src/simulator";
import type { TestCertificates } from "./certificates";
import type { TestSimulator } from "./simulator";

/** The fields of a fla-config dialog that point it at the test simulator, as the employer client. */
export function simulatorFields(sim: TestSimulator): Record<string, unknown> {
  return {
    environment: "custom",
    tokenUrl: sim.tokenUrl,
    audience: sim.tokenUrl,
    apiUrl: sim.apiUrl,
    clientId: sim.client.clientId,
    role: "employer",
  };
}

/**
 * A fla-config node pointed at the test simulator, with the PFX inline: deployed through the flows API, the way the
 * editor sends them, Node-RED moves the credentials to its credential store.
 */
export function simulatorConfigNode(
  id: string,
  sim: TestSimulator,
  certs: TestCertificates,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    type: "fla-config",
    // Not the id itself: Node-RED would take a property equal to a config node's id for a dependency on it.
    name: `FLA ${id}`,
    ...simulatorFields(sim),
    enterpriseNumber: SEED.demoEmployer,
    certificateFormat: "pfx",
    timeout: 5,
    credentials: { pfx: certs.pfx.openSslDefault.base64, passphrase: certs.pfx.openSslDefault.password },
    ...overrides,
  };
}
