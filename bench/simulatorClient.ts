/** The parent side of bench/simulatorProcess.ts. */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { FaultSpec } from "../src/simulator";
import type { SimulatorCommand, SimulatorFigures, SimulatorInfo } from "./simulatorProcess";

export class SimulatorChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (answer: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (answer.error !== undefined) waiter?.reject(new Error(answer.error));
      else waiter?.resolve(answer.result);
    });
  }

  /** `options`: a scaled data set and the client's role (see simulatorProcess.ts). */
  static async start(
    certificatePem: string,
    options: Pick<SimulatorCommand, "scale" | "role"> = {},
  ): Promise<{ child: SimulatorChild; info: SimulatorInfo }> {
    const child = new SimulatorChild(
      fork(join(__dirname, "simulatorProcess.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    const info = (await child.send({ cmd: "start", certificatePem, ...options })) as SimulatorInfo;
    return { child, info };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stats(): Promise<SimulatorFigures> {
    return this.send({ cmd: "stats" }) as Promise<SimulatorFigures>;
  }

  fault(fault: FaultSpec): Promise<unknown> {
    return this.send({ cmd: "fault", fault });
  }

  clear(): Promise<unknown> {
    return this.send({ cmd: "clear" });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.disconnect();
      setTimeout(() => this.child.kill("SIGKILL"), 5_000).unref();
    });
  }

  private send(command: Omit<SimulatorCommand, "id">): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }
}
