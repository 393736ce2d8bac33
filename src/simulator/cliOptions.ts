/** Reads the command line of `fla-simulator` into simulator options, a client to register and fault plans. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { normalizeEnterpriseNumber } from "../core/identifiers";
import { parseFaultSpec } from "./faults";
import { checkScale } from "./scaleSeed";
import { SEED } from "./seed";
import type { FaultSpec, RegisteredClient, SimulatorOptions } from "./types";

export const USAGE = `Usage: fla-simulator [options]
  --port N                  port to listen on (default 3010, 0 = random)
  --host H                  address to listen on (default 127.0.0.1)
  --certificate FILE        register a client with this certificate (.pem, .cer or .crt, PEM or DER)
  --client-id ID            its client id (default ${SEED.clientIds.employer} or ${SEED.clientIds.provider})
  --role employer|provider  its role (default employer)
  --enterprise-number N     its enterprise number (default ${SEED.demoEmployer}, or ${SEED.provider} for a provider)
  --async                   answer declarations with 202 + Location of /declarations/{id}
  --async-delay MS          how long a declaration stays PENDING (default 300)
  --token-lifetime S        access token lifetime in seconds (default 600)
  --today YYYY-MM-DD        the simulator's today (default the real date)
  --fault SPEC              inject faults, repeatable: "ROUTE:KIND[=VALUE][:key=value...]", e.g.
                            "POST /trainings:status=503:retryAfter=1:probability=0.1", "*:reset:times=2",
                            "GET /trainings:slow=2000", "token:status=500", "POST /trainings:hang:phase=after"
  --no-seed                 start without the big demo data set
  --employers N             a scaled data set instead of the demo one: N employers, the 6 demo ones included
                            (default 300 when --trainings is given), a provider mandate for 3 out of 4 of them
  --trainings N             ... and N trainings from 2024 to today (default 100000 when --employers is given),
                            a right for every worker and year; the same sizes give the same data every time
  --workers N               ... and N workers (default one per 4 trainings, at least 2 per employer)
  --help                    this text`;

/** The scale of `--employers` or `--trainings` given alone. */
export const DEFAULT_SCALE = { employers: 300, trainings: 100_000 } as const;

export interface CliConfig {
  options: SimulatorOptions;
  client?: RegisteredClient;
  faults: FaultSpec[];
  help: boolean;
}

/** A certificate file as PEM text: PEM is kept, DER (.cer from Windows) is wrapped. */
export function certificateFileToPem(content: Buffer): string {
  const text = content.toString("utf8");
  if (text.includes("-----BEGIN CERTIFICATE-----")) return text;
  const base64 = content
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trim();
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} needs a whole number, not "${value}".`);
  return Number(value);
}

export function parseCliArguments(
  argv: string[],
  readFile: (path: string) => Buffer = (p) => readFileSync(p),
): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      certificate: { type: "string" },
      "client-id": { type: "string" },
      role: { type: "string" },
      "enterprise-number": { type: "string" },
      async: { type: "boolean" },
      "async-delay": { type: "string" },
      "token-lifetime": { type: "string" },
      today: { type: "string" },
      fault: { type: "string", multiple: true },
      "no-seed": { type: "boolean" },
      employers: { type: "string" },
      trainings: { type: "string" },
      workers: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  const options: SimulatorOptions = {
    port: wholeNumber("port", values.port) ?? 3010,
    host: values.host ?? "127.0.0.1",
    seed: !values["no-seed"],
    asyncDeclarations: values.async ?? false,
    asyncDelayMs: wholeNumber("async-delay", values["async-delay"]),
    tokenLifetimeSeconds: wholeNumber("token-lifetime", values["token-lifetime"]),
    today: values.today,
  };
  const employers = wholeNumber("employers", values.employers);
  const trainings = wholeNumber("trainings", values.trainings);
  const workers = wholeNumber("workers", values.workers);
  if (employers !== undefined || trainings !== undefined || workers !== undefined) {
    if (values["no-seed"])
      throw new Error("--employers, --trainings and --workers seed a scaled data set: they cannot go with --no-seed.");
    options.scale = {
      employers: employers ?? DEFAULT_SCALE.employers,
      trainings: trainings ?? DEFAULT_SCALE.trainings,
      workers,
    };
    checkScale(options.scale);
  }
  let client: RegisteredClient | undefined;
  const role = values.role ?? "employer";
  if (role !== "employer" && role !== "provider")
    throw new Error(`--role must be employer or provider, not "${role}".`);
  if (values.certificate) {
    const enterpriseNumber = values["enterprise-number"]
      ? normalizeEnterpriseNumber(values["enterprise-number"])
      : role === "employer"
        ? SEED.demoEmployer
        : SEED.provider;
    if (!enterpriseNumber)
      throw new Error(`--enterprise-number "${values["enterprise-number"]}" is not an enterprise number.`);
    let content: Buffer;
    try {
      content = readFile(values.certificate);
    } catch {
      throw new Error(`Cannot read the certificate file ${values.certificate}.`);
    }
    client = {
      clientId: values["client-id"] ?? SEED.clientIds[role],
      certificatePem: certificateFileToPem(content),
      role,
      enterpriseNumber,
    };
  } else if (values["client-id"] || values["enterprise-number"] || values.role) {
    throw new Error(
      "--client-id, --role and --enterprise-number need --certificate (the public certificate registered for that client).",
    );
  }
  return { options, client, faults: (values.fault ?? []).map(parseFaultSpec), help: values.help ?? false };
}
