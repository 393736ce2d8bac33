declare module "node-red-node-test-helper" {
  import type { Node } from "node-red";
  interface TestHelper {
    init(nodeRedRuntime: string, userSettings?: Record<string, unknown>): void;
    load(nodes: unknown, flow: unknown[], credentials?: unknown, cb?: () => void): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): Node;
    startServer(done?: () => void): Promise<void>;
    stopServer(done?: () => void): Promise<void>;
    request(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
    settings(settings: Record<string, unknown>): void;
    log(): { args: unknown[][]; restore?: () => void } & Record<string, unknown>;
    clearFlows(): Promise<void>;
    url(): string;
    _RED: Record<string, unknown>;
  }
  const helper: TestHelper;
  export = helper;
}
