/**
 * The fla-export node: every training, right and credit of a list of employers into a verified, resumable archive
 * (src/core/export). The adapter only resolves the folder, runs one export at a time, reports progress and sends the
 * outcome; after a restart it resumes its own unfinished run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { sleep } from "../core/api/backoff";
import { EXPORT_CONTRACT_SETTING, exportEditorContract } from "../core/editorContract";
import { FlaError } from "../core/errors";
import { asFlaError, errorOutcome, flaMeta } from "../core/outcome";
import {
  employerOrder,
  parseEmployerList,
  readManifest,
  runExport,
  type EmployerRefusal,
  type ExportOptions,
  type Manifest,
  type RefusedInput,
} from "../core/export";
import type { Role } from "../core/settings";
import { closeAfter } from "./shared/closeAfter";
import { connectionOf } from "./shared/configLookup";
import { logConnectionAtDeploy } from "./shared/connectionLog";
import { exportChoices, type ExportChoices, type ExportNodeSettings } from "./shared/exportSettings";
import { resolveExportFolder, userDirOf } from "./shared/exportFolder";
import { UnfinishedRuns } from "./shared/exportRuns";
import { countEmployers, ExportStatusReporter } from "./shared/exportStatus";
import { InputTracker } from "./shared/inputTracker";
import { RunQueue } from "./shared/runQueue";

type FlaExportDef = NodeDef & ExportNodeSettings & { config: string; folder?: string };
type ExportInput = NodeMessageInFlow & { folder?: unknown; restart?: unknown };
type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;
type Out = NodeMessageInFlow & Record<string, unknown>;
type ResumeFound = { manifest: Manifest; folder: string };

const OPERATION = "export";

/** `<name>@<version>` of this package, for the manifest (dist/src/nodes → the package root). */
function packageId(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
      name: string;
      version: string;
    };
    return `${pkg.name}@${pkg.version}`;
  } catch {
    return "node-red-contrib-careerpro-fla";
  }
}

/**
 * A redeploy whose close timed out (a request on the wire ends or times out, up to the config node's timeout, longer
 * than Node-RED waits) leaves the previous run finishing into the folder: the resume waits for its lock to go.
 */
const LOCK_RETRY_MS = 1_000;
const LOCK_RETRIES = 180;

async function whenFolderFree<T>(run: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof FlaError) || err.code !== "FLA_LOCKED" || tries >= LOCK_RETRIES) throw err;
      await sleep(LOCK_RETRY_MS, signal);
    }
  }
}

export = function registerFlaExport(RED: NodeAPI): void {
  const PACKAGE_ID = packageId();

  function FlaExport(this: Node, def: FlaExportDef): void {
    RED.nodes.createNode(this, def);
    const connection = connectionOf(RED, def.config);
    const t = (key: string, substitutions?: Record<string, string | number>): string =>
      RED._(`fla-export.${key}`, substitutions);
    const status = new ExportStatusReporter(this, RED._);
    const tracker = new InputTracker();
    const queue = new RunQueue();
    const userDir = userDirOf((RED.settings as { userDir?: unknown }).userDir);
    const choices = exportChoices(def);
    const nodeFolder = resolveExportFolder(def.folder, userDir);
    const unfinished = new UnfinishedRuns(userDir, this.id);
    const noteRun = (action: Promise<void>): Promise<void> =>
      action.catch((err: unknown) => this.warn((err as Error).message));

    const deployProblem = (): string | undefined => {
      if (!connection) return t("errors.noConfig");
      if (connection.problem) return connection.problem.message;
      if ("problem" in choices) return choices.problem;
      if ("problem" in nodeFolder) return nodeFolder.problem;
      return undefined;
    };
    logConnectionAtDeploy(this, connection);
    const problemAtDeploy = deployProblem();
    if (problemAtDeploy) status.problem(problemAtDeploy);
    else if (connection?.warnings[0]) status.warning(connection.warnings[0]);
    else status.clear();

    const fail = (msg: Out, err: unknown, folder?: string, startedAt?: number): void => {
      // Anything a run throws, as a FlaError with a stable code (what a Catch node reads in msg.error.code).
      const { error, fla } = errorOutcome(OPERATION, asFlaError(err, "The export failed unexpectedly"), { startedAt });
      status.failed(error.code);
      if (folder !== undefined) msg.folder = folder;
      msg.fla = { ...fla, folder, resumable: folder !== undefined };
      this.error(error, msg);
    };

    const refusedInputMessage = (msg: Out, refused: RefusedInput): NodeMessage => {
      const out = RED.util.cloneMessage<Out>(msg);
      out.payload = refused.input;
      out.fla = flaMeta({ operation: OPERATION, status: "INVALID", anomalies: refused.anomalies });
      return out;
    };

    const refusedEmployerMessage = (msg: Out, refusal: EmployerRefusal, folder: string): NodeMessage => {
      const out = RED.util.cloneMessage<Out>(msg);
      out.payload = refusal.enterpriseNumber;
      out.folder = folder;
      out.fla = {
        ...refusal.fla,
        operation: OPERATION,
        enterpriseNumber: refusal.enterpriseNumber,
        collection: refusal.collection,
      };
      return out;
    };

    /** One run, from the message to its outcome. Never throws: every failure becomes node.error with the message. */
    const runFor = async (msg: Out, send: Send, resume?: ResumeFound): Promise<void> => {
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
          employers = employerOrder(resume.manifest);
          options = { ...resume.manifest.options };
        } else {
          const role: Role = connection.settings.role;
          const parsed = parseEmployerList(msg.payload, {
            role,
            defaultEnterpriseNumber: connection.settings.enterpriseNumber,
          });
          for (const refused of parsed.refused) send([null, refusedInputMessage(msg, refused)]);
          // Nothing usable: the refusals above say why (an empty input in the provider role is one of them).
          if (parsed.employers.length === 0) {
            status.clear();
            return;
          }
          employers = parsed.employers;
          options = choices;
        }
      } catch (err) {
        return fail(msg, err);
      }

      // Recorded before it starts, so that a restart in the middle resumes it (whatever its folder).
      await noteRun(unfinished.add(folder));
      status.setWaiting(queue.waiting);
      status.starting(folder, resume !== undefined);
      const run = (): Promise<Manifest> =>
        runExport(
          { ...options, folder, employers, restart: !resume && msg.restart === true, owner: this.id },
          {
            client: connection.requireClient(),
            // Pages read ahead at once: as many as the config node lets run (its limiter bounds them anyway).
            readConcurrency: connection.limiter.maxConcurrent,
            signal: tracker.abort.signal,
            packageId: PACKAGE_ID,
            onProgress: (progress) => {
              status.setWaiting(queue.waiting);
              status.progress(progress);
            },
            onRefused: (refusal) => send([null, refusedEmployerMessage(msg, refusal, folder)]),
          },
        );
      try {
        const manifest = resume ? await whenFolderFree(run, tracker.abort.signal) : await run();
        await noteRun(unfinished.remove(folder));
        status.finished(manifest, folder);
        msg.payload = manifest;
        msg.complete = manifest.complete;
        msg.folder = folder;
        msg.fla = flaMeta(
          { operation: OPERATION, status: "OK", startedAt, resumed: resume !== undefined },
          { folder, complete: manifest.complete, employers: countEmployers(manifest) },
        );
        send([msg, null]);
      } catch (err) {
        fail(msg, err, folder, startedAt);
      }
    };

    /** Queues a run; `done` ends the input message once its run is over, whatever happened. `resume`: the runs to resume instead. */
    const enqueue = (
      msg: Out,
      send: Send,
      done?: (err?: Error) => void,
      resume?: () => Promise<ResumeFound[]>,
    ): void => {
      tracker.begin();
      const job = async (): Promise<void> => {
        if (!resume) return runFor(msg, send);
        for (const found of await resume()) {
          const resumeMsg: Out = { ...msg, _msgid: RED.util.generateId(), payload: employerOrder(found.manifest) };
          await runFor(resumeMsg, send, found);
        }
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
            else this.error(error);
          },
        )
        .finally(() => tracker.end());
      if (position > 0) {
        status.setWaiting(position);
      }
    };

    /** The node's own unfinished run in `folder` (a restart or redeploy cut it short), if there is one. */
    const ownUnfinishedRun = async (folder: string): Promise<ResumeFound | undefined> => {
      if (tracker.abort.signal.aborted) return undefined;
      let manifest: Manifest | undefined;
      try {
        manifest = await readManifest(folder);
      } catch (err) {
        this.warn(t("errors.manifestUnreadable", { folder, message: (err as Error).message }));
        return undefined;
      }
      if (!manifest || manifest.owner !== this.id || manifest.complete !== false || manifest.finishedAt !== null) {
        // Finished, or not this node's: nothing to resume there.
        await noteRun(unfinished.remove(folder));
        return undefined;
      }
      this.log(t("log.resuming", { folder, count: Object.keys(manifest.employers).length }));
      return { manifest, folder };
    };

    // First in the queue, so that messages sent right after a restart wait for the resumed runs: the node's folder,
    // then every other folder this node was running into when it stopped (msg.folder), one after the other.
    const startMsg: Out = { _msgid: RED.util.generateId(), payload: undefined };
    enqueue(
      startMsg,
      (out) => this.send(out),
      undefined,
      async () => {
        const folders = [...("folder" in nodeFolder ? [nodeFolder.folder] : []), ...(await unfinished.list())];
        const found: ResumeFound[] = [];
        for (const folder of new Set(folders)) {
          const run = await ownUnfinishedRun(folder);
          if (run) found.push(run);
        }
        return found;
      },
    );

    this.on("input", (msg: ExportInput, send, done) => {
      enqueue(msg, send, done);
    });

    // Requests wait while the platform is unavailable (circuit breaker of the config node): say so.
    const unsubscribe = connection?.breaker.onChange((breaker) => {
      if (breaker.state !== "closed" && breaker.openedAt !== undefined) status.paused(breaker.openedAt);
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      unsubscribe?.();
      // Aborting stops the run between requests; the core saves its manifest before it rejects, so the archive stays
      // resumable and the next start picks it up. Queued messages end with FLA_ABORTED when their turn comes.
      closeAfter(this, tracker.close(), () => status.close(), done);
    });
  }

  // The dialog's lists and limits, from the runtime's constants (RED.settings in the editor).
  RED.nodes.registerType("fla-export", FlaExport, {
    settings: { [EXPORT_CONTRACT_SETTING]: { value: exportEditorContract(), exportable: true } },
  });
};
