/**
 * One run of the export: every employer of the input, every chosen collection, page after page into the archive,
 * the progress saved in the manifest often enough that a crash at any point resumes without a record written twice or
 * missing, and costs at most PROGRESS_SAVE_MS of pages downloaded again.
 *
 * The rules, in one place:
 * - Pages are appended to the data files without a sync each (group commit). At most every PROGRESS_SAVE_MS, and always
 *   at the end of a collection, an employer, a refusal, a failure or an abort, the data files are datasynced, then the
 *   manifest records their lengths and the next page (atomically: temporary file, fsync, rename, folder fsync). A
 *   resume cuts the files back to the recorded lengths (a torn line, pages the manifest never recorded) and asks for
 *   the recorded next page.
 * - Complete: a paged read is complete when its pages ended, its total never moved, no record came twice and
 *   written == total; rights are read year by year so that each year's total is checked; credits are complete when
 *   every worker × year has a record. Anything else is `partial`, and the next run reads what is missing (or reads a
 *   read that cannot be trusted again from its start).
 * - A complete collection whose files still have their recorded size and SHA-256 is not read again (unless restart).
 * - Other options on a resume: the union (see mergedOptions); restart takes the new options.
 * - 400/403/404 of a paged read, and 403 of a credit, refuse the employer (reported, the run goes on); a credit's 404
 *   or 400 is an answer about one worker-year and is recorded (see readCredit); a 404 or 400 of a page asked past the
 *   last `next` link ends the read. These meanings are rows of the one answers table (../api/answers.ts: the
 *   descriptor's answer kind, `credit`, `pastLastPage`). Any other failure rejects the run, after the manifest is saved
 *   with the failure in `error`.
 * - Paths, paging parameter names and the largest page size are the catalogue's descriptors' (ExportDeps.catalogue).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { abortedError } from "../api/backoff";
import {
  CATALOGUE,
  readCollection,
  readProblem,
  type Catalogue,
  type FlaRequest,
  type PagingDescriptor,
} from "../api/catalogue";
import type { FlaResponse } from "../api/httpClient";
import { FlaError, isFlaError } from "../errors";
import { answerMeaning, type AnswerMeaning } from "../api/answers";
import { flaMeta } from "../outcome";
import { mapReadFailure } from "../query/answer";
import type { Anomaly, FlaMeta } from "../result";
import { CollectionFiles, dataFiles, relativePath } from "./collectionFiles";
import { creditKey, readCreditKeys, readCredits, type CreditOutcome } from "./credits";
import {
  ensureFolder,
  fileSize,
  forEachLine,
  onDisk,
  parseLine,
  removeFile,
  sha256Of,
  syncDirectory,
  syncFile,
} from "./files";
import {
  employerOrder,
  employerStatus,
  holdsData,
  ManifestText,
  mergedOptions,
  readManifest,
  saveManifest,
  yearsOf,
} from "./manifest";
import { redactSsins } from "./redact";
import {
  COLLECTIONS,
  type CollectionName,
  type CollectionState,
  type EmployerState,
  type ExportDeps,
  type ExportOptions,
  type Manifest,
  type SegmentState,
} from "./types";
import { workbookPath, writeWorkbook } from "./xlsx";

/** Guards against an API whose pages never end. */
const MAX_PAGES = 1_000_000;
/** Credits are single resources: they are written this many at a time (progress saved as for pages: PROGRESS_SAVE_MS). */
const CREDIT_BATCH = 100;
const CREDIT_CONCURRENCY = 4;
/** Downloads of a paged collection in one run before it is left partial (the data keeps changing while read). */
const VERIFY_ATTEMPTS = 3;
/**
 * Progress (the data files' lengths and the next page) is saved at most this often while pages are written: a save
 * is a datasync of each data file and a rewrite of the whole manifest (hundreds of KB for hundreds of employers), too
 * much per page; a crash costs at most this long of pages, downloaded again and cut back on resume.
 */
export const PROGRESS_SAVE_MS = 250;
/** Pages of one read asked for at once when ExportDeps.readConcurrency is not given: the next one, while writing. */
const DEFAULT_READ_CONCURRENCY = 1;

type PagedCollection = "trainings" | "trainingRights";

/** Why an employer's collection stopped: the API refused it (the run goes on with the next employer). */
class Refused {
  constructor(
    readonly collection: CollectionName,
    readonly fla: FlaMeta,
  ) {}
}

export class ExportRun {
  private readonly now: () => Date;
  /** The operations read: their paths, paging parameters and largest page sizes (ExportDeps.catalogue). */
  private readonly catalogue: Catalogue;
  private readonly years: number[];
  private readonly options: Manifest["options"];
  /** Employers whose trainings or rights were (partly) written in this run: their credits are checked again. */
  private readonly rewritten = new Set<string>();
  /** When the manifest was last saved (monotonic clock), for the group commit of progress. */
  private lastSave = 0;
  /** The employer being exported: the only one whose state changes until it is done (see ManifestText). */
  private live: string | undefined;
  private readonly manifestText = new ManifestText();
  /** Pages of one read asked for at once (see readPages). */
  private readonly readConcurrency: number;

  private constructor(
    private readonly run: ExportOptions,
    private readonly deps: ExportDeps,
    private readonly manifest: Manifest,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.catalogue = deps.catalogue ?? CATALOGUE;
    this.options = manifest.options;
    this.years = yearsOf(this.options);
    this.readConcurrency = Math.max(1, Math.floor(deps.readConcurrency ?? DEFAULT_READ_CONCURRENCY));
  }

  static async open(run: ExportOptions, deps: ExportDeps): Promise<ExportRun> {
    const now = (deps.now ?? (() => new Date()))().toISOString();
    const previous = await readManifest(run.folder);
    const manifest: Manifest = previous ?? {
      complete: false,
      startedAt: now,
      finishedAt: null,
      package: deps.packageId,
      options: mergedOptions(undefined, run),
      employers: {},
      files: {},
    };
    if (previous) {
      manifest.options = mergedOptions(previous.options, run);
      manifest.resumedAt = now;
    }
    manifest.package = deps.packageId;
    if (run.owner !== undefined) manifest.owner = run.owner;
    manifest.complete = false;
    manifest.finishedAt = null;
    manifest.error = null;
    const exportRun = new ExportRun(run, deps, manifest);
    await exportRun.dropEmployersWithoutData();
    const listed = new Set(run.employers);
    manifest.order = [...run.employers, ...employerOrder(manifest).filter((en) => !listed.has(en))];
    for (const enterpriseNumber of run.employers) manifest.employers[enterpriseNumber] ??= { status: "pending" };
    return exportRun;
  }

  /**
   * Employers of earlier runs that are not in this run's list and hold no data (refused, or never reached) leave the
   * archive, with their empty folder: otherwise one refused employer, dropped from the list since, would keep the
   * archive from ever being complete. Employers with data on disk stay. (A resume's list is the whole manifest.)
   */
  private async dropEmployersWithoutData(): Promise<void> {
    const listed = new Set(this.run.employers);
    for (const [enterpriseNumber, state] of Object.entries(this.manifest.employers)) {
      if (
        listed.has(enterpriseNumber) ||
        (state.status !== "refused" && state.status !== "pending") ||
        holdsData(state)
      )
        continue;
      await this.removeEmptyFiles(enterpriseNumber);
      delete this.manifest.employers[enterpriseNumber];
    }
  }

  /** Removes the data files of an employer's collections that hold no record, then its folder if nothing else is in it. */
  private async removeEmptyFiles(enterpriseNumber: string): Promise<void> {
    const state = this.manifest.employers[enterpriseNumber];
    for (const collection of COLLECTIONS) {
      const collectionState = state?.[collection];
      if (collectionState && ((collectionState.resume?.bytes.jsonl ?? 0) > 0 || collectionState.written > 0)) continue;
      const jsonl = dataFiles(this.run.folder, enterpriseNumber, collection).jsonl;
      if (((await fileSize(jsonl)) ?? 0) > 0) continue;
      await this.removeCollectionFiles(enterpriseNumber, collection);
      if (state) delete state[collection];
    }
    await fs.rmdir(path.join(this.run.folder, enterpriseNumber)).catch(() => undefined);
  }

  async execute(): Promise<Manifest> {
    try {
      await this.save();
      for (let index = 0; index < this.run.employers.length; index++) {
        await this.exportEmployer(this.run.employers[index], index);
      }
      for (const state of Object.values(this.manifest.employers))
        state.status = employerStatus(state, this.options.collections);
      // An archive of no employer at all (every input refused locally) is not a complete export of anything.
      const states = Object.values(this.manifest.employers);
      this.manifest.complete = states.length > 0 && states.every((state) => state.status === "complete");
      this.manifest.finishedAt = this.now().toISOString();
      await this.save(true);
      return this.manifest;
    } catch (error) {
      const failure = asFlaError(error);
      this.manifest.error = { code: failure.code, message: failure.message };
      // The archive stays resumable: the manifest records the last complete page (a failing disk may refuse this too).
      await this.save(true).catch(() => undefined);
      throw failure;
    }
  }

  /** Saves the manifest. Open data files must be synced first (files.sync) so that it never counts unsynced bytes. */
  private async save(final = false): Promise<void> {
    await saveManifest(
      this.run.folder,
      this.manifest,
      final,
      final ? undefined : this.manifestText.of(this.manifest, this.live),
    );
    this.lastSave = performance.now();
  }

  /** The group commit of progress: when PROGRESS_SAVE_MS have passed, the data files are synced, then the manifest saved. */
  private async saveProgress(files: CollectionFiles): Promise<void> {
    if (!this.progressDue()) return;
    await files.sync();
    await this.save();
  }

  private progressDue(): boolean {
    return performance.now() - this.lastSave >= (this.deps.progressSaveMs ?? PROGRESS_SAVE_MS);
  }

  private checkAbort(): void {
    if (this.deps.signal?.aborted) throw abortedError();
  }

  /** The page size asked of a paged collection: the run's, within 1 and the descriptor's maxPageSize (its default). */
  private pageSizeOf(collection: PagedCollection): number {
    const max = this.pagingOf(collection).maxPageSize;
    return Math.min(max, Math.max(1, Math.floor(this.run.pageSize ?? max)));
  }

  private pagingOf(collection: PagedCollection): PagingDescriptor {
    const paging = this.catalogue.spec(collection).paging;
    // The catalogue refuses a collection without paging when it is built; this guards a descriptor of another kind.
    if (!paging)
      throw new FlaError(
        "FLA_CONFIG",
        `The ${collection} operation of the catalogue is not a paged collection: the export cannot read it.`,
      );
    return paging;
  }

  /** One page of a paged collection, under the paging parameter names of its descriptor. */
  private pageRequest(
    collection: PagedCollection,
    enterpriseNumber: string,
    year: number | undefined,
    page: number,
    pageSize: number,
  ): FlaRequest {
    const paging = this.pagingOf(collection);
    return this.catalogue.buildRequest(collection, {
      enterpriseNumber,
      year,
      [paging.page]: page,
      [paging.pageSize]: pageSize,
    });
  }

  /** What an answer to a page means: the descriptor's answer row, or the row of a page asked past the last `next` link. */
  private pageMeaning(collection: PagedCollection, httpStatus: number, pastLastLink: boolean): AnswerMeaning["means"] {
    return answerMeaning(pastLastLink ? "pastLastPage" : this.catalogue.spec(collection).answer, httpStatus).means;
  }

  // -------------------------------------------------------------------------------------------------------------
  // One employer

  private async exportEmployer(enterpriseNumber: string, index: number): Promise<void> {
    this.live = enterpriseNumber;
    try {
      await this.exportEmployerNow(enterpriseNumber, index);
    } finally {
      // Its last save (end of employer, refusal) serialised its final state; a failure saves in full (final).
      this.live = undefined;
    }
  }

  private async exportEmployerNow(enterpriseNumber: string, index: number): Promise<void> {
    const folder = path.join(this.run.folder, enterpriseNumber);
    let state = this.manifest.employers[enterpriseNumber];
    if (this.run.restart) {
      await this.forgetEmployer(enterpriseNumber);
      state = this.manifest.employers[enterpriseNumber] = { status: "pending" };
    }
    await ensureFolder(folder, true);
    // A refusal is tried again: the mandate may have been given since.
    delete state.anomalies;
    if (state.status === "refused") state.status = "partial";
    const context = { enterpriseNumber, index };
    for (const collection of this.options.collections) {
      this.checkAbort();
      const outcome =
        collection === "trainingCredits"
          ? await this.exportCredits(context)
          : await this.exportPaged(context, collection);
      if (outcome instanceof Refused) {
        await this.refuse(enterpriseNumber, state, outcome);
        return;
      }
    }
    state.status = employerStatus(state, this.options.collections);
    if (this.options.xlsx && state.status === "complete") await this.ensureWorkbook(enterpriseNumber, state);
    await this.save();
  }

  private async refuse(enterpriseNumber: string, state: EmployerState, refusal: Refused): Promise<void> {
    state.status = "refused";
    state.anomalies = refusal.fla.anomalies;
    // No empty data files for what the API refused (files with records stay: a mandate withdrawn mid-way).
    await this.removeEmptyFiles(enterpriseNumber);
    await this.save();
    await this.deps.onRefused?.({ enterpriseNumber, collection: refusal.collection, fla: refusal.fla });
  }

  /** Restart: the employer's files and entries go; it is downloaded from the start. */
  private async forgetEmployer(enterpriseNumber: string): Promise<void> {
    for (const collection of COLLECTIONS) await this.removeCollectionFiles(enterpriseNumber, collection);
    await this.removeWorkbook(enterpriseNumber);
  }

  private async removeCollectionFiles(enterpriseNumber: string, collection: CollectionName): Promise<void> {
    const files = dataFiles(this.run.folder, enterpriseNumber, collection);
    for (const file of [files.jsonl, files.csv]) {
      delete this.manifest.files[relativePath(this.run.folder, file)];
      await removeFile(file);
    }
  }

  private async removeWorkbook(enterpriseNumber: string): Promise<void> {
    const file = workbookPath(this.run.folder, enterpriseNumber);
    delete this.manifest.files[relativePath(this.run.folder, file)];
    await removeFile(file);
  }

  /** Records size and SHA-256 of finished files, after making them durable. */
  private async recordFiles(files: string[]): Promise<void> {
    for (const file of files) await syncFile(file);
    if (files.length > 0) await syncDirectory(path.dirname(files[0]));
    for (const file of files) this.manifest.files[relativePath(this.run.folder, file)] = await sha256Of(file);
  }

  /** True when every file is recorded in the manifest and still has its recorded size and SHA-256. */
  private async filesIntact(files: string[]): Promise<boolean> {
    for (const file of files) {
      const entry = this.manifest.files[relativePath(this.run.folder, file)];
      if (!entry || (await fileSize(file)) !== entry.bytes) return false;
      const actual = await sha256Of(file);
      if (actual.sha256 !== entry.sha256) return false;
    }
    return true;
  }

  private async ensureWorkbook(enterpriseNumber: string, state: EmployerState): Promise<void> {
    const file = workbookPath(this.run.folder, enterpriseNumber);
    if (await this.filesIntact([file])) return;
    await writeWorkbook(this.run.folder, enterpriseNumber, state, this.options.collections, this.now().toISOString());
    await this.recordFiles([file]);
  }

  // -------------------------------------------------------------------------------------------------------------
  // A collection's files and state

  private collectionFileList(enterpriseNumber: string, collection: CollectionName): string[] {
    const files = dataFiles(this.run.folder, enterpriseNumber, collection);
    return this.options.csv ? [files.jsonl, files.csv] : [files.jsonl];
  }

  /**
   * The state of a collection about to be written: a complete one with intact files is kept (undefined: nothing to
   * do); anything else is continued from its last complete page, or started again when it cannot be trusted.
   */
  private async prepareCollection(
    enterpriseNumber: string,
    collection: CollectionName,
    fresh = false,
  ): Promise<{ state: CollectionState; files: CollectionFiles } | undefined> {
    const employer = this.manifest.employers[enterpriseNumber];
    let state = employer[collection];
    const fileList = this.collectionFileList(enterpriseNumber, collection);
    // A complete collection is kept as long as it covers the years asked and (credits) the workers of the
    // collections that were written in this run; otherwise it is continued: what is on disk stays, the rest is read.
    const yearsCovered = collection === "trainings" || sameYears(state?.resume?.years, this.years);
    const workersKnown = collection !== "trainingCredits" || !this.rewritten.has(enterpriseNumber);
    if (fresh) state = undefined;
    else if (state?.complete) {
      const jsonl = fileList.slice(0, 1);
      if (!(await this.filesIntact(jsonl))) state = undefined;
      else if (yearsCovered && workersKnown) {
        if (await this.filesIntact(fileList)) return undefined;
        // CSV turned on since, or damaged: rebuilt from the JSON lines, which hold the same records.
        const csv = fileList[1];
        delete this.manifest.files[relativePath(this.run.folder, csv)];
        await removeFile(csv);
        const files = await CollectionFiles.open(
          this.run.folder,
          enterpriseNumber,
          collection,
          { jsonl: state.resume?.bytes.jsonl ?? 0 },
          true,
        );
        if (!files) state = undefined;
        else {
          state.resume = { ...(state.resume ?? { bytes: { jsonl: 0 } }), bytes: files.lengths };
          await files.close();
          await this.recordFiles(fileList);
          await this.save();
          return undefined;
        }
      }
    } else if (state?.resume?.segments?.some((segment) => segment.ended && !segmentComplete(segment))) {
      // A read whose pages ended without matching the API's total (the data changed while it was read): again.
      state = undefined;
    }
    if (collection !== "trainingCredits") this.rewritten.add(enterpriseNumber);
    // What follows rewrites the collection's files: their entries and the workbook built from them go.
    for (const file of fileList) delete this.manifest.files[relativePath(this.run.folder, file)];
    await this.removeWorkbook(enterpriseNumber);
    if (!state) {
      await this.removeCollectionFiles(enterpriseNumber, collection);
      state = employer[collection] = freshState();
    }
    const resume = (state.resume ??= { bytes: { jsonl: 0 } });
    let files = await CollectionFiles.open(
      this.run.folder,
      enterpriseNumber,
      collection,
      resume.bytes,
      this.options.csv,
    );
    if (!files) {
      // The file is shorter than the manifest says (lost writes after a power cut): start the collection again.
      await this.removeCollectionFiles(enterpriseNumber, collection);
      state = employer[collection] = freshState();
      // Fresh lengths (0) always open; the cast narrows `files` below.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      files = (await CollectionFiles.open(
        this.run.folder,
        enterpriseNumber,
        collection,
        state.resume!.bytes,
        this.options.csv,
      )) as CollectionFiles;
    }
    state.complete = false;
    state.resume!.bytes = files.lengths;
    if (collection !== "trainings") state.resume!.years = this.years;
    return { state, files };
  }

  private async finishCollection(
    enterpriseNumber: string,
    collection: CollectionName,
    state: CollectionState,
    files: CollectionFiles,
  ): Promise<void> {
    await files.sync();
    await files.close();
    if (state.complete) await this.recordFiles(this.collectionFileList(enterpriseNumber, collection));
    await this.save();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Trainings and training rights: paged collections

  /**
   * Offset paging over data that changes while it is read can skip a record without any sign (one cancelled on an
   * earlier page, another declared: same total, nothing twice). So a collection is verified before it is marked
   * complete: every page is read a second time, keeping only the records' keys, and the keys must be those on disk.
   * That costs a second read of every page (2× the reads of the paged collections); the archive is what users keep once
   * the FLA data is destroyed, so the cost is taken. A collection that differs is downloaded again, at most
   * VERIFY_ATTEMPTS times in one run, then left partial with the reason.
   */
  private async exportPaged(context: EmployerContext, collection: PagedCollection): Promise<Refused | undefined> {
    const stale = await this.checkStillCurrent(context, collection);
    if (stale instanceof Refused) return stale;
    for (let attempt = 1; ; attempt++) {
      const prepared = await this.prepareCollection(context.enterpriseNumber, collection, attempt > 1 || stale);
      if (!prepared) return undefined;
      const { state, files } = prepared;
      const countsMatch = await this.readPagedOnce(context, collection, state, files);
      if (countsMatch instanceof Refused) return countsMatch;
      let difference: string | undefined =
        state.total !== null && state.written !== state.total
          ? `${state.written} record(s) read where the API's total says ${state.total} (the pages changed while they were read, or the API's paging is inconsistent)`
          : "the pages changed while they were read (total moved or a record came twice)";
      if (countsMatch) {
        // A run cut short here resumes with every page read: it verifies again.
        const verified = await this.verifyPaged(context, collection, state);
        if (verified instanceof Refused) return verified;
        difference = verified;
      }
      state.complete = difference === undefined;
      if (state.complete) {
        state.verifiedAt = this.now().toISOString();
        delete state.reason;
      } else {
        state.reason = `Not verified after ${attempt} download(s): ${difference}. The data changed while it was exported; run the export again.`;
      }
      if (state.complete) await this.recordFiles(this.collectionFileList(context.enterpriseNumber, collection));
      await this.save();
      if (state.complete || attempt >= VERIFY_ATTEMPTS) return undefined;
    }
  }

  /**
   * A collection marked complete by an earlier run: page 1 of each read with pageSize 1, its total against what was
   * written (one request per read). A full second read would catch more (a change that keeps the total), but would
   * double the cost of every resume of a long run over the employers already done; the full verification happens
   * whenever a collection is (re)downloaded. True when the collection must be downloaded again.
   */
  private async checkStillCurrent(context: EmployerContext, collection: PagedCollection): Promise<boolean | Refused> {
    const state = this.manifest.employers[context.enterpriseNumber][collection];
    if (!state?.complete) return false;
    for (const segment of state.resume?.segments ?? [
      { nextPage: 1, written: state.written, total: state.total, ended: true },
    ]) {
      this.checkAbort();
      const request = this.pageRequest(collection, context.enterpriseNumber, segment.year, 1, 1);
      const response = await this.send(request, context, collection, pageName(segment, 1));
      if (this.pageMeaning(collection, response.httpStatus, false) !== "data")
        return this.refusal(context, collection, response, "");
      const page = readCollection(response.data);
      if (!page || page.total !== segment.written) {
        state.complete = false;
        state.reason = `The API's total${segment.year === undefined ? "" : ` of ${segment.year}`} (${page?.total ?? "none"}) is no longer the ${segment.written} records written: downloaded again.`;
        return true;
      }
    }
    return false;
  }

  /**
   * The second read: every page again, keys only, against the keys on disk (one Set of the collection's keys).
   * Undefined when they are the same; otherwise what differs.
   */
  private async verifyPaged(
    context: EmployerContext,
    collection: PagedCollection,
    state: CollectionState,
  ): Promise<string | undefined | Refused> {
    const keyOf = collection === "trainings" ? trainingKey : rightKey;
    const jsonl = dataFiles(this.run.folder, context.enterpriseNumber, collection).jsonl;
    const onDiskKeys = new Set<string>();
    let lines = 0;
    await forEachLine(jsonl, state.resume!.bytes.jsonl, (line) => {
      lines += 1;
      onDiskKeys.add(keyOf(parseLine(line, jsonl)) ?? line);
    });
    const twiceOnDisk = lines - onDiskKeys.size;
    let notOnDisk = 0;
    const segments: SegmentState[] = (collection === "trainingRights" ? this.years : [undefined]).map((year) => ({
      ...(year === undefined ? {} : { year }),
      nextPage: 1,
      written: 0,
      total: null,
      ended: false,
    }));
    let read = 0;
    const refusal = await this.readPages(
      context,
      collection,
      segments,
      this.pageSizeOf(collection),
      async (items, advance) => {
        advance();
        for (const item of items) {
          // Each key found is taken out: one the API lists twice, or not on disk, is a difference.
          if (!onDiskKeys.delete(keyOf(item) ?? JSON.stringify(item))) notOnDisk += 1;
        }
        return (read += items.length);
      },
      false,
    );
    if (refusal) return refusal;
    if (notOnDisk === 0 && onDiskKeys.size === 0 && twiceOnDisk === 0) return undefined;
    return `${notOnDisk} record(s) the API lists are not in the file, ${onDiskKeys.size} in the file are no longer listed by the API${twiceOnDisk > 0 ? `, ${twiceOnDisk} are in the file twice` : ""}`;
  }

  /**
   * One download of a paged collection (continued from its last complete page). True when the counts match the API's
   * totals (the collection stays not complete until verified).
   */
  private async readPagedOnce(
    context: EmployerContext,
    collection: PagedCollection,
    state: CollectionState,
    files: CollectionFiles,
  ): Promise<Refused | boolean> {
    try {
      const resume = state.resume!;
      const segments = (resume.segments ??= []);
      // Rights are read year by year (the API filters on year, and each year's total is then checkable); a resume
      // with more years adds their reads at the end.
      for (const year of collection === "trainingRights" ? this.years : [undefined]) {
        if (!segments.some((segment) => segment.year === year))
          segments.push({
            ...(year === undefined ? {} : { year }),
            nextPage: 1,
            written: 0,
            total: null,
            ended: false,
          });
      }
      resume.pageSize ??= this.pageSizeOf(collection);
      // Offset paging over data that changes while it is read shifts the pages: a record inserted before the read's
      // position comes twice (and, the total unchanged when another was removed, one goes missing). The keys seen so far
      // (the employer's records already on disk included) reveal it; such a read is not complete and is done again.
      const keyOf = collection === "trainings" ? trainingKey : rightKey;
      const seen = new Set<string>();
      const jsonl = dataFiles(this.run.folder, context.enterpriseNumber, collection).jsonl;
      await forEachLine(jsonl, resume.bytes.jsonl, (line) => {
        const key = keyOf(parseLine(line, jsonl));
        if (key !== undefined) seen.add(key);
      });
      const refusal = await this.readPages(
        context,
        collection,
        segments,
        resume.pageSize,
        async (items, advance, segment) => {
          let duplicates = 0;
          for (const item of items) {
            const key = keyOf(item);
            if (key === undefined) continue;
            if (seen.has(key)) duplicates += 1;
            else seen.add(key);
          }
          await files.append(items);
          advance();
          if (duplicates > 0) segment.duplicates = (segment.duplicates ?? 0) + duplicates;
          resume.bytes = files.lengths;
          state.written += items.length;
          state.total = totalOf(segments);
          await this.saveProgress(files);
          return state.written;
        },
      );
      state.total = totalOf(segments);
      state.complete = false;
      await files.sync();
      await files.close();
      // The verification follows, then the collection's save (a refusal: the employer's); this one is progress.
      if (refusal || this.progressDue()) await this.save();
      return refusal ?? (segments.every(segmentComplete) && state.written === state.total);
    } catch (error) {
      await files.close();
      throw error;
    }
  }

  /**
   * Reads the pages of each segment not yet ended, from its next page. `onPage` stores the page (then the segment's
   * position is advanced and recorded with it) and returns the records written so far, for the progress.
   * Pages are asked for ahead while the current one is written: the next one always, and once the segment's total is
   * known (page 1 gives it) up to `readConcurrency` pages at once, but never past the last page the total announces.
   * They are handed to `onPage` strictly in page order, so the files are written exactly as one page at a time would
   * write them. Pages asked for but not used (the read ended sooner, a refusal, an abort) are dropped unread; the
   * limiter of the config node bounds the requests in flight whatever this asks.
   */
  private async readPages(
    context: EmployerContext,
    collection: PagedCollection,
    segments: SegmentState[],
    pageSize: number,
    onPage: (items: unknown[], advance: () => void, segment: SegmentState) => Promise<number>,
    report = true,
  ): Promise<Refused | undefined> {
    const ask = (segment: SegmentState, page: number): Promise<Settled<FlaResponse>> => {
      const request = this.pageRequest(collection, context.enterpriseNumber, segment.year, page, pageSize);
      return settle(this.send(request, context, collection, pageName(segment, page)));
    };
    for (const segment of segments) {
      const asked = new Map<number, Promise<Settled<FlaResponse>>>();
      // Asks for `from` and, when the total tells how many pages there are, the following ones up to the concurrency.
      const askAhead = (from: number, total: number | null): void => {
        const last = total === null ? from : Math.min(MAX_PAGES, Math.max(from, Math.ceil(total / pageSize)));
        for (let page = from; page <= last && page < from + this.readConcurrency; page++) {
          if (!asked.has(page)) asked.set(page, ask(segment, page));
        }
      };
      // True while the page asked for was not announced by a `next` link (read on only because the total says more).
      let pastLastLink = false;
      while (!segment.ended) {
        this.checkAbort();
        if (segment.nextPage > MAX_PAGES)
          throw new FlaError(
            "FLA_RESPONSE",
            `The ${collection} read of ${context.enterpriseNumber} was stopped after ${MAX_PAGES} pages.`,
          );
        const where = pageName(segment, segment.nextPage);
        askAhead(segment.nextPage, segment.total);
        const response = unwrap(await asked.get(segment.nextPage)!);
        asked.delete(segment.nextPage);
        const meaning = this.pageMeaning(collection, response.httpStatus, pastLastLink);
        if (meaning === "ended") {
          // The API has no page past its last link after all: the read ends here, short of the total (partial).
          await onPage([], () => Object.assign(segment, { ended: true }), segment);
          continue;
        }
        if (meaning !== "data") return this.refusal(context, collection, response, segment.nextPage > 1 ? where : "");
        const page = readCollection(response.data);
        if (!page) {
          throw new FlaError(
            "FLA_RESPONSE",
            `The FLA API answered the ${collection} read of ${context.enterpriseNumber} (${where}) with something that is not a collection (no items array). The export resumes from this page when run again.`,
          );
        }
        // The segment moves on only once the page is on disk: a failed write leaves it where the files were cut.
        const next: SegmentState = {
          ...segment,
          written: segment.written + page.items.length,
          nextPage: segment.nextPage + 1,
        };
        if (page.total !== undefined) {
          if (segment.total !== null && segment.total !== page.total) next.totalChanged = true;
          next.total = page.total;
        }
        // `next` is the API's word that more pages follow; but a page without it while fewer records than the total
        // were read is read on by number (an API that gives no links, or forgets one), until an empty page.
        const shortOfTotal = next.total !== null && next.written < next.total;
        next.ended = page.items.length === 0 || (page.next === undefined && !shortOfTotal);
        pastLastLink = page.next === undefined;
        if (!next.ended && !this.deps.signal?.aborted && next.nextPage <= MAX_PAGES)
          askAhead(next.nextPage, next.total);
        const written = await onPage(page.items, () => Object.assign(segment, next), segment);
        if (report)
          this.progress(
            context,
            collection,
            segment.nextPage - 1,
            segment.total === null ? undefined : Math.max(1, Math.ceil(segment.total / pageSize)),
            written,
            totalOf(segments) ?? undefined,
          );
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Training credits: one per worker and year

  /**
   * The workers (SSINs) of the employer's trainings and rights. Read from the archive's JSON lines when those
   * collections were exported; otherwise read from the API without writing anything.
   */
  private async workersOf(context: EmployerContext): Promise<Set<string> | Refused> {
    const ssins = new Set<string>();
    const add = (value: unknown): void => {
      if (typeof value === "string" && value !== "") ssins.add(value);
    };
    const fromRecord = (collection: PagedCollection, record: unknown): void => {
      if (typeof record !== "object" || record === null) return;
      const item = record as Record<string, unknown>;
      if (collection === "trainings")
        add(
          typeof item.worker === "object" && item.worker !== null
            ? (item.worker as Record<string, unknown>).ssin
            : undefined,
        );
      else add(item.ssin);
    };
    for (const collection of ["trainings", "trainingRights"] as const) {
      const state = this.manifest.employers[context.enterpriseNumber][collection];
      if (this.options.collections.includes(collection) && state?.complete) {
        const file = dataFiles(this.run.folder, context.enterpriseNumber, collection).jsonl;
        await forEachLine(file, state.resume?.bytes.jsonl ?? 0, (line) =>
          fromRecord(collection, parseLine(line, file)),
        );
        continue;
      }
      const segments: SegmentState[] = (collection === "trainingRights" ? this.years : [undefined]).map((year) => ({
        ...(year === undefined ? {} : { year }),
        nextPage: 1,
        written: 0,
        total: null,
        ended: false,
      }));
      let read = 0;
      const refusal = await this.readPages(
        context,
        collection,
        segments,
        this.pageSizeOf(collection),
        async (items, advance) => {
          advance();
          for (const item of items) fromRecord(collection, item);
          return (read += items.length);
        },
        false,
      );
      if (refusal) return new Refused("trainingCredits", refusal.fla);
    }
    return ssins;
  }

  private async exportCredits(context: EmployerContext): Promise<Refused | undefined> {
    const prepared = await this.prepareCollection(context.enterpriseNumber, "trainingCredits");
    if (!prepared) return undefined;
    const { state, files } = prepared;
    try {
      const workers = await this.workersOf(context);
      if (workers instanceof Refused) {
        await this.finishCollection(context.enterpriseNumber, "trainingCredits", state, files);
        return workers;
      }
      const jsonl = dataFiles(this.run.folder, context.enterpriseNumber, "trainingCredits").jsonl;
      // What is on disk up to the last recorded batch (the files were cut back to it).
      const done = await readCreditKeys(jsonl, state.resume!.bytes.jsonl);
      const ssins = [...workers].sort();
      const total = ssins.length * this.years.length;
      const todo: { ssin: string; year: number }[] = [];
      let asked = 0;
      for (const ssin of ssins) {
        for (const year of this.years) {
          if (done.keys.has(creditKey(ssin, year))) asked += 1;
          else todo.push({ ssin, year });
        }
      }
      state.written = done.lines;
      state.notFound = done.notFound;
      state.rejected = done.rejected;
      state.unreadable = done.unreadable;
      state.total = total;
      let batchNumber = 0;
      for (let start = 0; start < todo.length; start += CREDIT_BATCH) {
        this.checkAbort();
        const batch = todo.slice(start, start + CREDIT_BATCH);
        const outcomes = await readCredits(batch, CREDIT_CONCURRENCY, (item) =>
          this.readCredit(context, item.ssin, item.year),
        );
        const records: unknown[] = [];
        let notFound = 0;
        let rejected = 0;
        let unreadable = 0;
        let refusal: Refused | undefined;
        for (const outcome of outcomes) {
          if (outcome.kind === "refused") {
            refusal = outcome.refusal;
            break;
          }
          records.push(outcome.record);
          if (outcome.kind === "notFound") notFound += 1;
          if (outcome.kind === "rejected") rejected += 1;
          if (outcome.kind === "unreadable") unreadable += 1;
        }
        await files.append(records);
        state.resume!.bytes = files.lengths;
        state.written += records.length;
        state.notFound += notFound;
        state.rejected += rejected;
        state.unreadable += unreadable;
        asked += records.length;
        // A refusal saves at once (finishCollection below).
        if (!refusal) await this.saveProgress(files);
        batchNumber += 1;
        this.progress(
          context,
          "trainingCredits",
          batchNumber,
          Math.ceil(todo.length / CREDIT_BATCH),
          state.written,
          total,
        );
        if (refusal) {
          await this.finishCollection(context.enterpriseNumber, "trainingCredits", state, files);
          return refusal;
        }
      }
      // Covered: a credit object (200) or "none exists" (404). A 400 or an unreadable answer is kept in the file (the
      // archive shows what was asked and answered) but leaves the credits incomplete.
      const uncovered = state.rejected + state.unreadable;
      state.complete = asked === total && uncovered === 0;
      if (state.complete) {
        state.verifiedAt = this.now().toISOString();
        delete state.reason;
      } else if (uncovered > 0) {
        state.reason = `${uncovered} worker-year(s) without a usable answer: ${state.rejected} refused by the API (400), ${state.unreadable} answered without a credit object (200). They are recorded with found: false; run with msg.restart to ask again.`;
      }
      await this.finishCollection(context.enterpriseNumber, "trainingCredits", state, files);
      return undefined;
    } catch (error) {
      await files.close();
      throw error;
    }
  }

  /**
   * One credit. A worker-year the API has no credit for answers 404 (the simulator: no right and no employment with
   * this employer that year). It is recorded explicitly, `{ enterpriseNumber, ssin, year, found: false, httpStatus: 404,
   * detail, problem }`, rather than skipped: the archive shows that the question was asked and what the API answered,
   * and it covers the worker-year. A 400 is about this worker-year (an SSIN the API does not accept, as a training
   * declared by a third party may carry), not about the employer: it is recorded the same way, counted apart
   * (`rejected`) and does not cover it; the other workers go on. A 200 whose body is not a credit object (empty, not an
   * object) is recorded `{ found: false, httpStatus: 200, value }` and counted `unreadable`, not covered either. A 403
   * (mandate, scope) refuses the employer.
   */
  private async readCredit(context: EmployerContext, ssin: string, year: number): Promise<CreditOutcome> {
    this.checkAbort();
    const request = this.catalogue.buildRequest("trainingCredit", {
      enterpriseNumber: context.enterpriseNumber,
      ssin,
      year,
    });
    const response = await this.send(request, context, "trainingCredits", `a credit of ${year}`);
    const { enterpriseNumber } = context;
    const meaning = answerMeaning("credit", response.httpStatus).means;
    if (meaning === "data") {
      const data = response.data;
      if (typeof data === "object" && data !== null && !Array.isArray(data) && Object.keys(data).length > 0) {
        return { kind: "found", record: { enterpriseNumber, ssin, year, ...data } };
      }
      return {
        kind: "unreadable",
        record: {
          enterpriseNumber,
          ssin,
          year,
          found: false,
          httpStatus: 200,
          detail: "The API answered 200 without a credit object.",
          value: data ?? null,
        },
      };
    }
    if (meaning === "none" || meaning === "refusedItem") {
      const problem = readProblem(response.data);
      const detail = problem.detail || problem.issues.map((issue) => issue.message).join("; ") || problem.title || "";
      return {
        kind: meaning === "none" ? "notFound" : "rejected",
        record: {
          enterpriseNumber,
          ssin,
          year,
          found: false,
          httpStatus: response.httpStatus,
          detail,
          problem: response.data,
        },
      };
    }
    return { kind: "refused", refusal: this.refusal(context, "trainingCredits", response, "", true) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Requests

  private async send(
    request: FlaRequest,
    context: EmployerContext,
    collection: CollectionName,
    where: string,
  ): Promise<FlaResponse> {
    try {
      return await this.deps.client.send(request, { signal: this.deps.signal });
    } catch (error) {
      const failure = asFlaError(error);
      if (failure.code === "FLA_ABORTED") throw failure;
      // A credit's request names the worker's SSIN in its path, which the HTTP library's error (the cause) holds.
      const cause = collection === "trainingCredits" ? undefined : failure;
      throw new FlaError(
        failure.code,
        `The export of ${collection} of ${context.enterpriseNumber} stopped at ${where}: ${redactSsins(failure.message)} The export resumes from there when run again.`,
        {
          httpStatus: failure.httpStatus,
          reason: failure.reason,
          retryable: failure.retryable,
          attempts: failure.attempts,
          cause,
        },
      );
    }
  }

  /** A 400/403/404 becomes a refusal as the other nodes give it; any other status is a technical failure (thrown). */
  private refusal(
    context: EmployerContext,
    collection: CollectionName,
    response: FlaResponse,
    position: string,
    personal = false,
  ): Refused {
    const operation = collection === "trainingCredits" ? "trainingCredit" : collection;
    const mapped = mapReadFailure(operation, response, position, this.catalogue);
    if (mapped.output === "error") {
      throw new FlaError(
        mapped.error.code,
        `The export of ${collection} of ${context.enterpriseNumber} stopped: ${redactSsins(mapped.error.message)} The export resumes from there when run again.`,
        {
          httpStatus: mapped.error.httpStatus,
          reason: mapped.error.reason,
          retryable: mapped.error.retryable,
          attempts: response.attempts,
        },
      );
    }
    // A credit's answer may quote the worker's SSIN: it stays out of messages (and the problem is not passed on).
    const anomalies: Anomaly[] = personal ? mapped.anomalies.map(redactAnomaly) : mapped.anomalies;
    return new Refused(
      collection,
      flaMeta({
        operation,
        httpStatus: response.httpStatus,
        status: mapped.status,
        anomalies,
        ...(personal ? {} : { problem: response.data }),
        attempts: response.attempts,
        durationMs: response.durationMs,
      }),
    );
  }

  private progress(
    context: EmployerContext,
    collection: CollectionName,
    page: number,
    pageCount: number | undefined,
    written: number,
    total: number | undefined,
  ): void {
    try {
      this.deps.onProgress?.({
        employerIndex: context.index + 1,
        employerCount: this.run.employers.length,
        enterpriseNumber: context.enterpriseNumber,
        collection,
        page,
        ...(pageCount === undefined ? {} : { pageCount }),
        written,
        ...(total === undefined ? {} : { total }),
      });
    } catch {
      // A failing progress listener must not stop the export.
    }
  }
}

interface EmployerContext {
  enterpriseNumber: string;
  index: number;
}

function freshState(): CollectionState {
  return { written: 0, total: null, complete: false, resume: { bytes: { jsonl: 0 } } };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (a page asked for ahead may fail while the current one is written). */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

function pageName(segment: SegmentState, page: number): string {
  return `page ${page}${segment.year === undefined ? "" : ` of ${segment.year}`}`;
}

function sameYears(a: number[] | undefined, b: number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((year, i) => year === b[i]);
}

function segmentComplete(segment: SegmentState): boolean {
  return (
    segment.ended &&
    !segment.totalChanged &&
    !segment.duplicates &&
    segment.total !== null &&
    segment.written === segment.total
  );
}

function field(record: unknown, key: string): unknown {
  return typeof record === "object" && record !== null ? (record as Record<string, unknown>)[key] : undefined;
}

/** A training's identity; undefined when the record has none (then it is not checked). */
function trainingKey(record: unknown): string | undefined {
  const id = field(record, "trainingId");
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

/** A right's identity: one per worker and year of the employer. */
function rightKey(record: unknown): string | undefined {
  const ssin = field(record, "ssin");
  const year = field(record, "year");
  return typeof ssin === "string" && year !== undefined ? `${ssin}/${String(year)}` : undefined;
}

function totalOf(segments: SegmentState[]): number | null {
  let total = 0;
  for (const segment of segments) {
    if (segment.total === null) return null;
    total += segment.total;
  }
  return total;
}

function redactAnomaly(anomaly: Anomaly): Anomaly {
  const copy: Anomaly = { ...anomaly, message: redactSsins(anomaly.message) };
  if (anomaly.description)
    copy.description = {
      fr: redactSsins(anomaly.description.fr),
      nl: redactSsins(anomaly.description.nl),
      en: redactSsins(anomaly.description.en),
    };
  return copy;
}

function asFlaError(error: unknown): FlaError {
  if (isFlaError(error)) return error;
  return new FlaError(
    "FLA_FILE",
    `The export stopped on an unexpected failure: ${redactSsins(error instanceof Error ? error.message : String(error))}. It resumes where it stopped when run again.`,
    {
      cause: error,
    },
  );
}

/** Export's folder: created when missing (owner-only); an existing one keeps its mode (the user chose it). */
export async function prepareFolder(folder: string): Promise<void> {
  if (!path.isAbsolute(folder)) {
    throw new FlaError(
      "FLA_CONFIG",
      `The export folder must be an absolute path (got ${JSON.stringify(folder)}): the node resolves a relative one inside Node-RED's user directory.`,
    );
  }
  await ensureFolder(folder, false);
  const entries = await onDisk("checking", folder, async () => {
    const stat = await fs.stat(folder);
    if (!stat.isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
    return fs.readdir(folder);
  });
  // An existing folder is written into only when it is an archive (its manifest) or empty, so that a folder typed by
  // mistake (/etc, a home folder) is never filled, nor its files taken for employers. A first run cut short before its
  // first manifest may have left its lock and temporary manifest.
  const leftByExport = (name: string): boolean =>
    name === ".lock" || name.startsWith(".lock.") || name === "manifest.json.tmp";
  if (!entries.includes("manifest.json") && !entries.every(leftByExport)) {
    throw new FlaError(
      "FLA_CONFIG",
      `The folder ${folder} is not an export folder (it holds other files and no manifest.json): choose an empty or new folder, or an existing export archive.`,
    );
  }
}
