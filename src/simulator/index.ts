/**
 * The local FLA simulator: an OAuth v5 token endpoint and the FLA REST API as src/core/api/catalogue.ts has it, with seeded data and
 * fault injection. For tests (port 0), demos and `fla-simulator` on the command line.
 */
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { normalizeEnterpriseNumber, normalizeSsin } from "../core/identifiers";
import { ClientRegistry } from "./clients";
import { isIsoDate, realToday } from "./dates";
import { FaultInjector } from "./faults";
import { API_BASE_PATH } from "./routes";
import { checkScale, seedScale } from "./scaleSeed";
import { seedBase, seedData } from "./seed";
import { createPipeline } from "./server";
import { createStats } from "./stats";
import { SimulatorStore, type SimulatorData } from "./store";
import { TOKEN_PATH, TokenEndpoint } from "./tokenEndpoint";
import { TokenStore } from "./tokens";
import type { FaultPlan, RegisteredClient, SimulatorOptions, SimulatorStats } from "./types";

export * from "./types";
export type { SimulatorData } from "./store";
export { SEED } from "./seed";
export { parseFaultSpec } from "./faults";
export { SCALE_LIMITS, scaleWorkers } from "./scaleSeed";
export { TOKEN_PATH } from "./tokenEndpoint";
export { API_BASE_PATH } from "./routes";
export { ANOMALY_CATALOGUE } from "./anomalies";

/** Serves HTTPS with this key and certificate (PEM) instead of plain HTTP: for tests of TLS, private CAs and proxies. */
export interface SimulatorTls {
  key: string;
  cert: string;
}

export interface Simulator {
  /** e.g. http://127.0.0.1:3010 */
  url: string;
  /** url + "/REST/oauth/v5/token" (also the audience the assertions must name). */
  tokenUrl: string;
  /** url + "/REST/federalLearningAccount/v1" */
  apiUrl: string;
  port: number;
  /** The simulator's "today" (YYYY-MM-DD). */
  today: string;
  registerClient(client: RegisteredClient): void;
  addMandate(providerEnterpriseNumber: string, employerEnterpriseNumber: string): void;
  addEmployment(enterpriseNumber: string, ssin: string, from: string, to?: string): void;
  faults: FaultPlan;
  stats: SimulatorStats;
  data: SimulatorData;
  setAsyncDeclarations(on: boolean): void;
  /** Every issued token becomes invalid: the API answers 401 invalidAccessToken. */
  revokeTokens(): void;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

export async function startSimulator(options: SimulatorOptions & { https?: SimulatorTls } = {}): Promise<Simulator> {
  const today = options.today ?? realToday();
  if (!isIsoDate(today))
    throw new Error(`The simulator's today must be a date written YYYY-MM-DD, not "${String(today)}".`);
  const host = options.host ?? "127.0.0.1";
  let asyncDeclarations = options.asyncDeclarations ?? false;
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 600;

  if (options.scale !== undefined) {
    if (options.seed === false)
      throw new Error("The simulator's scale is a seeded data set: it cannot go with seed: false.");
    checkScale(options.scale);
  }

  const store = new SimulatorStore();
  seedBase(store);
  if (options.scale !== undefined) seedScale(store, today, options.scale);
  else if (options.seed !== false) seedData(store, today);

  const stats = createStats();
  const clients = new ClientRegistry();
  const tokens = new TokenStore();
  const faults = new FaultInjector(options.faultSeed ?? 1);
  const hanging = new Set<Socket>();
  const sockets = new Set<Socket>();
  const urls = { url: "", tokenUrl: "", apiUrl: "" };

  const tokenEndpoint = new TokenEndpoint({
    clients,
    tokens,
    lifetimeSeconds: () => tokenLifetimeSeconds,
    onIssued: () => {
      stats.tokensIssued += 1;
    },
    onRejected: () => {
      stats.rejectedAssertions += 1;
    },
  });
  const ctx = {
    store,
    get apiUrl() {
      return urls.apiUrl;
    },
    today: () => today,
    asyncDeclarations: () => asyncDeclarations,
    asyncDelayMs: options.asyncDelayMs ?? 300,
    onTrainingCreated: () => {
      stats.trainingsCreated += 1;
    },
    onDuplicateRefused: () => {
      stats.duplicatesRefused += 1;
    },
  };

  const pipeline = createPipeline({ ctx, tokenEndpoint, tokens, faults, stats, urls: () => urls, hanging });
  const server: Server = options.https
    ? createHttpsServer({ key: options.https.key, cert: options.https.cert }, pipeline)
    : createServer(pipeline);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await listen(server, options.port ?? 3010, host);
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  urls.url = `${options.https ? "https" : "http"}://${hostInUrl}:${port}`;
  urls.tokenUrl = urls.url + TOKEN_PATH;
  urls.apiUrl = urls.url + API_BASE_PATH;

  let stopping: Promise<void> | undefined;
  return {
    ...urls,
    port,
    today,
    registerClient: (client) => clients.register(client),
    addMandate: (provider, employer) =>
      store.addMandate(
        normalizeEnterpriseNumber(provider) ?? provider,
        normalizeEnterpriseNumber(employer) ?? employer,
      ),
    addEmployment: (enterpriseNumber, ssin, from, to) =>
      store.addEmployment(
        normalizeEnterpriseNumber(enterpriseNumber) ?? enterpriseNumber,
        normalizeSsin(ssin) ?? ssin,
        from,
        to,
      ),
    faults,
    stats,
    data: store,
    setAsyncDeclarations: (on) => {
      asyncDeclarations = on;
    },
    revokeTokens: () => tokens.revokeAll(),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        hanging.clear();
      });
      return stopping;
    },
  };
}
