import axios from "axios";
import { SEED } from "../../src/simulator";
import type { NodeTestContext } from "./fixture";
import { configFlowNode, configNode, helper, load, pfxCredentials } from "./fixture";
import type { FlaConfigNode } from "../../src/nodes/shared/types";

/** Declares one training straight on the simulator with the config node's token, so that a declaration exists. */
export async function startTestDeclaration(ctx: NodeTestContext): Promise<string> {
  await load([configNode], [configFlowNode(ctx.sim)], { cfg: pfxCredentials(ctx.certs) });
  try {
    const token = await (helper.getNode("cfg") as unknown as FlaConfigNode).connection.getAccessToken();
    const res = await axios.post(
      `${ctx.sim.apiUrl}/trainings`,
      {
        employer: { enterpriseNumber: SEED.demoEmployer },
        worker: { ssin: SEED.demoWorker },
        title: "Query fixture",
        period: { startDate: "2024-05-06", endDate: "2024-05-06" },
        nature: "INFORMAL",
        duration: { value: 3, unit: "HOURS" },
      },
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return String(res.data.declarationId);
  } finally {
    await helper.unload();
  }
}
