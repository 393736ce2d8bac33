/**
 * The simulator in a child process, so that its CPU is not counted as ours. Driven over IPC by bench/run.ts:
 * { id, cmd: "start", certificatePem } → urls; "stats"; "fault" (a FaultSpec); "clear".
 * With `scale` the start seeds that data set; with `role: "provider"` the client is SEED.provider with a mandate from
 * every employer (an export of everything), and the answer lists the employers.
 */
import {
  SEED,
  startSimulator,
  type ClientRole,
  type FaultSpec,
  type Simulator,
  type SimulatorScale,
} from "../src/simulator";
import { testClient } from "../test/support/simulator";

export interface SimulatorCommand {
  id: number;
  cmd: "start" | "stats" | "fault" | "clear";
  certificatePem?: string;
  fault?: FaultSpec;
  scale?: SimulatorScale;
  role?: ClientRole;
}

export interface SimulatorInfo {
  tokenUrl: string;
  apiUrl: string;
  clientId: string;
  role: string;
  enterpriseNumber: string;
  /** With a scale: every employer, in seeding order, and the data set's size. */
  employers?: string[];
  trainings?: number;
  rights?: number;
}

export interface SimulatorFigures {
  tokenRequests: number;
  requests: number;
  trainingsCreated: number;
  faultsInjected: number;
  cpuMicros: number;
}

let sim: Simulator | undefined;

async function handle(command: SimulatorCommand): Promise<unknown> {
  switch (command.cmd) {
    case "start": {
      sim = await startSimulator({
        port: 0,
        host: "127.0.0.1",
        seed: command.scale !== undefined,
        scale: command.scale,
        tokenLifetimeSeconds: 3600,
      });
      const client = testClient(command.certificatePem ?? "", { role: command.role ?? "employer" });
      sim.registerClient(client);
      const info: SimulatorInfo = {
        tokenUrl: sim.tokenUrl,
        apiUrl: sim.apiUrl,
        clientId: client.clientId,
        role: client.role,
        enterpriseNumber: client.enterpriseNumber,
      };
      if (command.scale) {
        const employers = [...sim.data.employers.keys()];
        if (client.role === "provider") for (const employer of employers) sim.addMandate(SEED.provider, employer);
        Object.assign(info, { employers, trainings: sim.data.trainings.size, rights: sim.data.rights.size });
      }
      return info;
    }
    case "stats": {
      const s = sim!.stats;
      const cpu = process.cpuUsage();
      const figures: SimulatorFigures = {
        tokenRequests: s.tokenRequests,
        requests: s.requests,
        trainingsCreated: s.trainingsCreated,
        faultsInjected: s.faultsInjected,
        cpuMicros: cpu.user + cpu.system,
      };
      return figures;
    }
    case "fault":
      return sim!.faults.add(command.fault!);
    case "clear":
      sim!.faults.clear();
      return null;
  }
}

process.on("message", (command: SimulatorCommand) => {
  handle(command).then(
    (result) => process.send?.({ id: command.id, result }),
    (err: unknown) => process.send?.({ id: command.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on("disconnect", () => {
  void sim?.stop().finally(() => process.exit(0));
});
