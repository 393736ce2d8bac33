/**
 * The demo tab deployed on the first `npm start`: a config node pointing at the local simulator with the demo
 * certificate, injects that declare an accepted, a locally invalid and a rejected training, and queries of the results.
 */
import { ENVIRONMENT_PRESETS } from "../../src/core/settings";
import { SEED } from "../../src/simulator/seed";

export type FlowNode = { id: string; type: string } & Record<string, unknown>;

export interface DemoCredentials {
  pfx: string;
  passphrase: string;
}

export interface DemoFlowOptions {
  clientId: string;
  credentials: DemoCredentials;
}

export const DEMO_CLIENT_ID = SEED.clientIds.employer;

/** Fixed ids, so the banner, the docs and the tests can name them (POST /inject/<id>). */
export const DEMO_IDS = {
  tab: "fla-demo-tab",
  config: "fla-demo-config",
  declare: "fla-demo-declare",
  injectValid: "fla-demo-inject-valid",
  injectInvalid: "fla-demo-inject-invalid",
  injectRejected: "fla-demo-inject-rejected",
  injectTrainings: "fla-demo-inject-trainings",
  injectCredit: "fla-demo-inject-credit",
  queryTrainings: "fla-demo-query-trainings",
  queryCredit: "fla-demo-query-credit",
  debugAccepted: "fla-demo-debug-accepted",
  debugAnomalies: "fla-demo-debug-anomalies",
  debugTrainings: "fla-demo-debug-trainings",
  debugCredit: "fla-demo-debug-credit",
  debugQueryAnomalies: "fla-demo-debug-query-anomalies",
  debugErrors: "fla-demo-debug-errors",
} as const;

/**
 * The training of the first inject: the demo worker, employed by the demo employer since 2012. Every demo training
 * carries an externalReference, the employer's own key for it: the habit that makes sending a training twice safe
 * (the FLA answers ALREADY_DECLARED instead of recording it again).
 */
export function demoTraining(
  ssin: string = SEED.demoWorker,
  externalReference = "DEMO-2025-0001",
): Record<string, unknown> {
  return {
    employer: { enterpriseNumber: SEED.demoEmployer },
    worker: { ssin },
    externalReference,
    title: "Forklift safety",
    period: { startDate: "2025-03-03", endDate: "2025-03-04" },
    nature: "FORMAL",
    duration: { value: 14, unit: "HOURS" },
    outcome: "COMPLETED",
    funding: { type: "SECTORAL_FUND" },
    countsForSectoralRight: true,
  };
}

/** The demo worker's SSIN with a wrong check digit: refused locally, no call. */
export const INVALID_SSIN =
  SEED.demoWorker.slice(0, 9) + String((Number(SEED.demoWorker.slice(9)) + 1) % 100).padStart(2, "0");

function inject(id: string, name: string, y: number, payload: unknown, wire: string, info: string): FlowNode {
  return {
    id,
    type: "inject",
    z: DEMO_IDS.tab,
    name,
    props: [{ p: "payload" }],
    repeat: "",
    crontab: "",
    once: false,
    onceDelay: 0.1,
    topic: "",
    payload: JSON.stringify(payload),
    payloadType: "json",
    info,
    x: 230,
    y,
    wires: [[wire]],
  };
}

/** `status`: a JSONata expression for the text under the node (what a newcomer needs to see at a glance). */
function debug(id: string, name: string, x: number, y: number, complete: string, status: string): FlowNode {
  return {
    id,
    type: "debug",
    z: DEMO_IDS.tab,
    name,
    active: true,
    tosidebar: true,
    console: false,
    tostatus: true,
    complete,
    targetType: complete === "true" ? "full" : "msg",
    statusVal: status,
    statusType: "jsonata",
    x,
    y,
    wires: [],
  };
}

function comment(id: string, name: string, x: number, y: number, info: string): FlowNode {
  return { id, type: "comment", z: DEMO_IDS.tab, name, info, x, y, wires: [] };
}

function query(
  id: string,
  name: string,
  y: number,
  queryName: string,
  params: Record<string, [string, string]>,
  wires: string[][],
): FlowNode {
  const node: FlowNode = {
    id,
    type: "fla-query",
    z: DEMO_IDS.tab,
    name,
    config: DEMO_IDS.config,
    query: queryName,
    paging: "all",
    pageSize: 100,
    x: 560,
    y,
    wires,
  };
  for (const name of ["trainingId", "declarationId", "enterpriseNumber", "ssin", "year", "startDate", "endDate"]) {
    const [value, type] = params[name] ?? ["", "str"];
    node[name] = value;
    node[`${name}Type`] = type;
  }
  return node;
}

/** The config node the demo flow uses: the local simulator, employer role, demo employer; credentials separate. */
export function demoConfigNode(clientId: string): FlowNode {
  const local = ENVIRONMENT_PRESETS.local;
  return {
    id: DEMO_IDS.config,
    type: "fla-config",
    name: "Local simulator (npm start demo)",
    environment: "local",
    tokenUrl: local.tokenUrl,
    audience: local.audience,
    apiUrl: local.apiUrl,
    clientId,
    role: "employer",
    scope: "",
    enterpriseNumber: SEED.demoEmployer,
    certificateFormat: "pfx",
    alias: "",
    timeout: 30,
    maxConcurrent: 4,
    maxQueue: 10000,
  };
}

/**
 * The demo flow pointed at a simulator that does not listen where the "local" environment looks (FLA_SIMULATOR_PORT
 * other than 3010): its config node becomes a custom environment with the simulator's URLs.
 */
export function pointDemoConfigAt(flow: FlowNode[], simulator: { tokenUrl: string; apiUrl: string }): FlowNode[] {
  return flow.map((node) =>
    node.id === DEMO_IDS.config
      ? {
          ...node,
          environment: "custom",
          tokenUrl: simulator.tokenUrl,
          audience: simulator.tokenUrl,
          apiUrl: simulator.apiUrl,
        }
      : node,
  );
}

/** The demo tab without credentials (as flows.json holds it). */
export function buildDemoFlow(clientId: string = DEMO_CLIENT_ID): FlowNode[] {
  const ids = DEMO_IDS;
  const z = ids.tab;
  return [
    {
      id: ids.tab,
      type: "tab",
      label: "FLA demo",
      disabled: false,
      info:
        "A working demo of the CareerPro Federal Learning Account nodes against the local simulator started by `npm start` " +
        "(http://127.0.0.1:3010). The config node uses a demo certificate made on the first start.",
    },
    comment(
      "fla-demo-comment-intro",
      "Click the button left of an inject, then read the debug sidebar (Ctrl-G D)",
      330,
      40,
      "Everything here talks to the local FLA simulator started by `npm start`, with a demo certificate registered for the " +
        `client id \`${clientId}\` of the demo employer ${SEED.demoEmployer}.\n\n` +
        "The simulator forgets what you declared when `npm start` stops.\n\n" +
        "To use the real FLA: open the config node, choose the production environment, enter your client id from Chaman and " +
        "upload your own .pfx with its password.",
    ),
    comment(
      "fla-demo-comment-declare",
      "Declarations: FLA declare sends msg.payload (a Training) to POST /trainings",
      370,
      80,
      "Output 1 (success): the FLA accepted the training; msg.payload is its answer (trainingId, status, warnings).\n\n" +
        "Output 2 (anomaly): msg.payload is the training as you sent it, msg.fla.anomalies says why it was refused. " +
        'Anomalies with `source: "local"` were found by the node before any call (a wrong SSIN check digit, a missing field); ' +
        "`source: \"fla\"` ones are the API's answer: here the local simulator, which applies our reading of the FLA's business " +
        "rules (the real FLA may word or number them differently).\n\n" +
        "Each training carries an `externalReference`, your own key for it: sent twice, it is not recorded twice (ALREADY_DECLARED).",
    ),
    inject(
      ids.injectValid,
      "1. A valid training (accepted)",
      140,
      demoTraining(),
      ids.declare,
      "The demo worker is employed by the demo employer: the simulator accepts it. Click again: the same externalReference " +
        "comes back ALREADY_DECLARED with the first trainingId, on the success output; nothing is recorded twice.",
    ),
    inject(
      ids.injectInvalid,
      "2. A bad SSIN (local anomaly, no call)",
      190,
      demoTraining(INVALID_SSIN, "DEMO-2025-0002"),
      ids.declare,
      "The SSIN's check digits are wrong: the FLA declare node itself refuses it (LOCAL-SSIN-CHECKSUM), without any call.",
    ),
    inject(
      ids.injectRejected,
      "3. Another employer's worker (rejected)",
      240,
      demoTraining(SEED.workerOfAnotherEmployer, "DEMO-2025-0003"),
      ids.declare,
      "This worker is not employed by the demo employer: the local simulator rejects the training with a BLOCKING anomaly, as " +
        "we understand the FLA's rules (its code is the simulator's; the real FLA's may differ).",
    ),
    {
      id: ids.declare,
      type: "fla-declare",
      z,
      name: "Declare the training",
      config: ids.config,
      operation: "createTraining",
      waitForResult: true,
      pollTimeout: 60,
      schemaType: "none",
      schema: "",
      x: 560,
      y: 190,
      wires: [[ids.debugAccepted], [ids.debugAnomalies]],
    },
    debug(ids.debugAccepted, "accepted", 810, 160, "payload", 'fla.status & " " & fla.trainingId'),
    debug(ids.debugAnomalies, "anomalies", 810, 220, "fla", 'fla.status & ": " & fla.anomalies[0].code'),
    comment(
      "fla-demo-comment-query",
      "Queries: what the FLA holds (declare first, then read it back)",
      320,
      320,
      'FLA query reads the trainings of a worker (every page when paging is "all") or a worker\'s training credit for a year. ' +
        "The simulator is seeded with trainings of 2024 and 2025 for the demo worker.",
    ),
    inject(
      ids.injectTrainings,
      "4. Trainings of the demo worker",
      380,
      {},
      ids.queryTrainings,
      `All trainings of worker ${SEED.demoWorker} at the demo employer (the employer of the config node).`,
    ),
    query(ids.queryTrainings, "Trainings of the demo worker", 380, "trainings", { ssin: [SEED.demoWorker, "str"] }, [
      [ids.debugTrainings],
      [ids.debugQueryAnomalies],
    ]),
    inject(
      ids.injectCredit,
      "5. Training credit 2025",
      440,
      {},
      ids.queryCredit,
      `The training credit of worker ${SEED.demoWorker} for 2025.`,
    ),
    query(
      ids.queryCredit,
      "Training credit",
      440,
      "trainingCredit",
      { enterpriseNumber: [SEED.demoEmployer, "str"], ssin: [SEED.demoWorker, "str"], year: ["2025", "num"] },
      [[ids.debugCredit], [ids.debugQueryAnomalies]],
    ),
    debug(ids.debugTrainings, "trainings", 810, 360, "payload", '$count(payload) & " trainings"'),
    debug(ids.debugCredit, "credit", 800, 420, "payload", '"remaining " & payload.remaining & " " & payload.unit'),
    debug(ids.debugQueryAnomalies, "query anomalies", 830, 480, "fla", 'fla.status & ": " & fla.anomalies[0].code'),
    comment(
      "fla-demo-comment-errors",
      "Technical failures (network, token, certificate) go to a Catch node",
      340,
      540,
      "A failure that is not an anomaly of the data (the simulator is down, the certificate is not registered, a timeout) " +
        "is reported with node.error: a Catch node receives the message with msg.error.code (FLA_AUTH, FLA_TIMEOUT, FLA_HTTP...).",
    ),
    {
      id: "fla-demo-catch",
      type: "catch",
      z,
      name: "FLA errors",
      scope: [ids.declare, ids.queryTrainings, ids.queryCredit],
      uncaught: false,
      x: 200,
      y: 590,
      wires: [[ids.debugErrors]],
    },
    debug(ids.debugErrors, "technical errors", 430, 590, "error", "error.code"),
    demoConfigNode(clientId),
  ];
}

/** The demo tab with the config node's credentials inline: the body of POST /flows, which stores them encrypted. */
export function demoFlowWithCredentials(options: DemoFlowOptions): FlowNode[] {
  return buildDemoFlow(options.clientId).map((node) =>
    node.id === DEMO_IDS.config
      ? { ...node, credentials: { pfx: options.credentials.pfx, passphrase: options.credentials.passphrase } }
      : node,
  );
}
