/** The export: a complete, verified, resumable archive of employers' trainings, rights and credits. */
import { FlaError } from "../errors";
import { isValidEnterpriseNumber } from "../identifiers";
import { lockFolder } from "./lock";
import { readManifest as readManifestFile } from "./manifest";
import { ExportRun, prepareFolder } from "./run";
import { COLLECTIONS, FIRST_FLA_YEAR, type ExportDeps, type ExportOptions, type Manifest } from "./types";

export * from "./types";
export { parseEmployerList } from "./employers";
export { SHEET_NAMES } from "./xlsx";
export { MANIFEST_FILE, employerOrder } from "./manifest";
export { LOCK_FILE } from "./lock";

/**
 * Runs (or resumes) an export into `options.folder`. Resolves with the manifest once every file is written and
 * verified; rejects with a FlaError on a technical failure (network, outage, disk), leaving the archive resumable.
 * Employers the API refuses are reported through `deps.onRefused` and marked `refused`; the run goes on.
 * Only one run at a time per folder: a second one is refused (FLA_LOCKED).
 */
export async function runExport(options: ExportOptions, deps: ExportDeps): Promise<Manifest> {
  checkOptions(options);
  await prepareFolder(options.folder);
  const lock = await lockFolder(options.folder);
  try {
    const run = await ExportRun.open({ ...options, employers: [...new Set(options.employers)] }, deps);
    return await run.execute();
  } finally {
    await lock.release();
  }
}

/** The adapter checks its settings; these are the core's own guards, so that a wrong call never writes a wrong archive. */
function checkOptions(options: ExportOptions): void {
  const bad = (what: string): never => {
    throw new FlaError("FLA_CONFIG", `Export settings: ${what}`);
  };
  if (typeof options.folder !== "string" || options.folder.trim() === "") bad("no folder given.");
  if (
    !Array.isArray(options.employers) ||
    options.employers.some((e) => typeof e !== "string" || !isValidEnterpriseNumber(e))
  ) {
    bad("every employer must be a valid 10-digit enterprise number (use parseEmployerList).");
  }
  if (
    !Array.isArray(options.collections) ||
    options.collections.length === 0 ||
    options.collections.some((c) => !COLLECTIONS.includes(c))
  ) {
    bad(`choose at least one collection among ${COLLECTIONS.join(", ")}.`);
  }
  if (
    !Number.isInteger(options.fromYear) ||
    !Number.isInteger(options.toYear) ||
    options.fromYear < FIRST_FLA_YEAR ||
    options.toYear < options.fromYear ||
    options.toYear > 9999
  ) {
    bad(
      `the years must go from ${FIRST_FLA_YEAR} on, fromYear not after toYear (got ${String(options.fromYear)} to ${String(options.toYear)}).`,
    );
  }
}

/** The manifest of the archive in `folder`, or undefined when there is none; a FlaError (FLA_FILE) when it cannot be read. */
export async function readManifest(folder: string): Promise<Manifest | undefined> {
  return readManifestFile(folder);
}
