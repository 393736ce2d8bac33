/**
 * The fla-export node: every training, right and credit of a list of employers into a verified, resumable archive
 * (src/core/export). The adapter only resolves the folder, runs one export at a time, reports progress and sends the
 * outcome; after a restart it resumes its own unfinished run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { FlaError } from "../core/errors";
import { parseEmployerList, readManifest, runExport, type EmployerRefusal, type ExportOptions, type Manifest, type RefusedInput } from "../core/export";
import type { Anomaly } from "../core/result";
import type { Role } from "../core/settings";
import { connectionOf } from "./shared/configLookup";
import { exportChoices, type ExportChoices, type ExportNodeSettings } from "./shared/exportSettings";
import { resolveExportFolder, userDirOf } from "./shared/exportFolder";
import { countEmployers, ExportStatusReporter } from "./shared/exportStatus";
import { InputTracker } from "./shared/inputTracker";
import { RunQueue } from "./shared/runQueue";

type FlaExportDef = NodeDef & ExportNodeSettings & { config: string; folder?: string };
type ExportInput = NodeMessageInFlow & { folder?: unknown; restart?: unknown };
type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;
type Out = NodeMessageInFlow & Record<string, unknown>;

const OPERATION = "export";

/** `<name>@<version>` of this package, for the manifest (dist/src/nodes → the package root). */
function packageId(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as { name: string; version: string };
    return `${pkg.name}@${pkg.version}`;
  } catch {
    return "node-red-contrib-careerpro-fla";
  }
}

/** Anything a run throws, as a FlaError with a stable code (what a Catch node reads in msg.error.code). */
function asFlaError(err: unknown): FlaError {
  if (err instanceof FlaError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FlaError("FLA_HTTP", `The export failed unexpectedly: ${message}`, { cause: err });
}

/** An input with no enterprise number at all (empty text, an empty list) in a role that has no default. */
function emptyInputAnomaly(): Anomaly {
  return {
    code: "LOCAL-EXPORT-NO-EMPLOYER",
    severity: "BLOCKING",
    field: "payload",
    message: "msg.payload holds no enterprise number: send one, an array of them, or text with one per line.",
    description: {
      en: "msg.payload holds no enterprise number: send one, an array of them, or text with one per line.",
      fr: "msg.payload ne contient aucun numéro d'entreprise : envoyez-en un, une liste, ou un texte avec un numéro par ligne.",
      nl: "msg.payload bevat geen ondernemingsnummer: stuur er één, een lijst, of tekst met één nummer per regel.",
    },
    source: "local",
  };
}

export = function registerFlaExport(RED: NodeAPI): void {
  const PACKAGE_ID = packageId();

  function FlaExport(this: Node, def: FlaExportDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const connection = connectionOf(RED, def.config);
    const t = (key: string, substitutions?: Record<string, string | number>): string => RED._(`fla-export.${key}`, substitutions);
    const status = new ExportStatusReporter(this, RED._);
    const tracker = new InputTracker();
    const queue = new RunQueue();
    const userDir = userDirOf((RED.settings as { userDir?: unknown }).userDir);
    const choices = exportChoices(def);
    const nodeFolder = resolveExportFolder(def.folder, userDir);

    const deployProblem = (): string | undefined => {
      if (!connection) return t("errors.noConfig");
      if (connection.problem) return connection.problem.message;
      if ("problem" in choices) return choices.problem;
      if ("problem" in nodeFolder) return nodeFolder.problem;
      return undefined;
    };
    const problemAtDeploy = deployProblem();
    if (problemAtDeploy) status.problem(problemAtDeploy);
    else if ("folder" in nodeFolder) status.clear();

    const fail = (msg: Out, err: unknown, folder?: string): void => {
      const error = asFlaError(err);
      status.failed(error.code);
      if (folder !== undefined) msg.folder = folder;
      msg.fla = { operation: OPERATION, status: "REJECTED", anomalies: [], attempts: 0, durationMs: 0, folder, resumable: folder !== undefined };
      node.error(error, msg);
    };

    const refusedInputMessage = (msg: Out, refused: RefusedInput): NodeMessage => {
      const out = RED.util.cloneMessage(msg) as Out;
      out.payload = refused.input;
      out.fla = { operation: OPERATION, status: "INVALID", anomalies: refused.anomalies, attempts: 0, durationMs: 0 };
      return out;
    };

    const refusedEmployerMessage = (msg: Out, refusal: EmployerRefusal, folder: string): NodeMessage => {
      const out = RED.util.cloneMessage(msg) as Out;
      out.payload = refusal.enterpriseNumber;
      out.folder = folder;
      out.fla = { ...refusal.fla, operation: OPERATION, enterpriseNumber: refusal.enterpriseNumber, collection: refusal.collection };
      return out;
    };

    /** One run, from the message to its outcome. Never throws: every failure becomes node.error with the message. */
    const runFor = async (msg: Out, send: Send, resume?: { manifest: Manifest; folder: string }): Promise<void> => {
      const startedAt = Date.now();
      if (tracker.abort.signal.aborted) {
        return fail(msg, new FlaError("FLA_ABORTED", t("errors.stoppedBeforeStart")));
      }
      if (!connection?.settings || connection.problem) {
        return fail(msg, connection?.problem ?? new FlaError("FLA_CONFIG", t("errors.noConfig")));
      }
      if ("problem" in choices) return fail(msg, new FlaError("FLA_CONFIG", choices.problem));
      const where = resume ? { folder: resume.folder } : resolveExportFolder(msg.folder ?? def.folder, userDir);
      if ("problem" in where) return fail(msg, new FlaError("FLA_CONFIG", where.problem));
      const folder = where.folder;

      let employers: string[];
      let options: Pick<ExportOptions, keyof ExportChoices>;
      try {
        if (resume) {
          employers = Object.keys(resume.manifest.employers);
          options = { ...resume.manifest.options };
        } else {
          const role: Role = connection.settings.role;
          const parsed = parseEmployerList(msg.payload, { role, defaultEnterpriseNumber: connection.settings.enterpriseNumber });
          for (const refused of parsed.refused) send([null, refusedInputMessage(msg, refused)]);
          if (parsed.employers.length === 0) {
            // Nothing usable: the refusals above say why; an input with nothing at all gets a refusal of its own.
            if (parsed.refused.length === 0) send([null, refusedInputMessage(msg, { input: String(msg.payload ?? ""), anomalies: [emptyInputAnomaly()] })]);
            status.clear();
            return;
          }
          employers = parsed.employers;
          options = choices;
        }
      } catch (err) {
        return fail(msg, err);
      }

      status.setWaiting(queue.waiting);
      status.starting(folder, resume !== undefined);
      try {
        const manifest = await runExport(
          { ...options, folder, employers, restart: !resume && msg.restart === true, owner: node.id },
          {
            client: connection.requireClient(),
            signal: tracker.abort.signal,
            packageId: PACKAGE_ID,
            onProgress: (progress) => {
              status.setWaiting(queue.waiting);
              status.progress(progress);
            },
            onRefused: (refusal) => send([null, refusedEmployerMessage(msg, refusal, folder)]),
          },
        );
        status.finished(manifest, folder);
        msg.payload = manifest;
        msg.complete = manifest.complete;
        msg.folder = folder;
        msg.fla = {
          operation: OPERATION,
          status: "OK",
          anomalies: [],
          attempts: 0,
          durationMs: Date.now() - startedAt,
          folder,
          complete: manifest.complete,
          resumed: resume !== undefined,
          employers: countEmployers(manifest),
        };
        send([msg, null]);
      } catch (err) {
        fail(msg, err, folder);
      }
    };

    /** Queues a run; `done` ends the input message once its run is over, whatever happened. */
    const enqueue = (msg: Out, send: Send, done?: (err?: Error) => void, resume?: () => Promise<{ manifest: Manifest; folder: string } | undefined>): void => {
      tracker.begin();
      const job = async (): Promise<void> => {
        if (!resume) return runFor(msg, send);
        const found = await resume();
        if (found) await runFor(msg, send, found);
      };
      const position = queue.waiting + (queue.running ? 1 : 0);
      void queue
        .push(job)
        .then(
          () => done?.(),
          (err: unknown) => {
            // runFor never throws; this is a defect (or a failing send): end the message through Node-RED, never silently.
            const error = err instanceof Error ? err : new Error(String(err));
            if (done) done(error);
            else node.error(error);
          },
        )
        .finally(() => tracker.end());
      if (position > 0) {
        status.setWaiting(position);
      }
    };

    /** The node's own unfinished run in its folder (a restart or redeploy cut it short), if there is one. */
    const ownUnfinishedRun = async (): Promise<{ manifest: Manifest; folder: string } | undefined> => {
      if (!("folder" in nodeFolder) || tracker.abort.signal.aborted) return undefined;
      let manifest: Manifest | undefined;
      try {
        manifest = await readManifest(nodeFolder.folder);
      } catch (err) {
        node.warn(t("errors.manifestUnreadable", { folder: nodeFolder.folder, message: (err as Error).message }));
        return undefined;
      }
      if (!manifest || manifest.owner !== node.id || manifest.complete !== false || manifest.finishedAt !== null) return undefined;
      node.log(t("log.resuming", { folder: nodeFolder.folder, count: Object.keys(manifest.employers).length }));
      return { manifest, folder: nodeFolder.folder };
    };

    // First in the queue, so that messages sent right after a restart wait for the resumed run.
    const resumeMsg: Out = { _msgid: RED.util.generateId(), payload: undefined } as Out;
    enqueue(resumeMsg, (out) => node.send(out), undefined, async () => {
      const found = await ownUnfinishedRun();
      if (found) resumeMsg.payload = Object.keys(found.manifest.employers);
      return found;
    });

    this.on("input", (msg: ExportInput, send, done) => {
      enqueue(msg as Out, send, done);
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      // Aborting stops the run between requests; the core saves its manifest before it rejects, so the archive stays
      // resumable and the next start picks it up. Queued messages end with FLA_ABORTED when their turn comes.
      tracker.close().finally(() => {
        status.close();
        done();
      });
    });
  }

  RED.nodes.registerType("fla-export", FlaExport);
};
