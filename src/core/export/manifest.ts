/** `<folder>/manifest.json`: read, created, saved atomically, and merged with the options of a resume. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { FlaError } from "../errors";
import { fileError, writeFileAtomic } from "./files";
import { COLLECTIONS, type CollectionName, type EmployerState, type ExportOptions, type Manifest } from "./types";

export const MANIFEST_FILE = "manifest.json";

export function manifestPath(folder: string): string {
  return path.join(folder, MANIFEST_FILE);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The manifest of the archive in `folder`; undefined when there is none; a FlaError (FLA_FILE) when it cannot be read. */
export async function readManifest(folder: string): Promise<Manifest | undefined> {
  const file = manifestPath(folder);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw fileError(error, "reading", file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isRecord(value) || !isRecord(value.employers) || !isRecord(value.files) || !isRecord(value.options)) {
    throw new FlaError(
      "FLA_FILE",
      `The export manifest ${file} is damaged (not the JSON of an export manifest): restore it from a backup, or export into a new folder.`,
    );
  }
  return value as unknown as Manifest;
}

/**
 * Saved with the progress, every PROGRESS_SAVE_MS at most while pages are written (run.ts), and at the end of each
 * collection and employer: compact, since it may describe hundreds of employers; the final save is indented for people.
 * The folder is fsynced after each rename: a power cut must not bring back a manifest older than the data files.
 */
export async function saveManifest(folder: string, manifest: Manifest, final = false, text?: string): Promise<void> {
  await writeFileAtomic(
    manifestPath(folder),
    (final ? JSON.stringify(manifest, null, 2) : (text ?? JSON.stringify(manifest))) + "\n",
    true,
  );
}

/**
 * The compact JSON of the manifest, byte for byte JSON.stringify(manifest), reusing the text of employers that have not
 * changed: during a run only the employer being exported changes, and re-serialising hundreds of unchanged employers
 * at every save was most of a save's cost. `live` is the employer being exported (always serialised again); every
 * other employer is taken from the cache when its state is the same object as when it was cached.
 */
export class ManifestText {
  private readonly employers = new Map<string, { state: EmployerState; text: string }>();

  of(manifest: Manifest, live: string | undefined): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(manifest)) {
      if (value === undefined || typeof value === "function") continue;
      parts.push(
        `${JSON.stringify(key)}:${key === "employers" ? this.employersText(manifest.employers, live) : JSON.stringify(value)}`,
      );
    }
    return `{${parts.join(",")}}`;
  }

  private employersText(employers: Manifest["employers"], live: string | undefined): string {
    const parts: string[] = [];
    for (const [enterpriseNumber, state] of Object.entries(employers)) {
      if (state === undefined) continue;
      let cached = this.employers.get(enterpriseNumber);
      if (!cached || cached.state !== state || enterpriseNumber === live) {
        cached = { state, text: JSON.stringify(state) };
        this.employers.set(enterpriseNumber, cached);
      }
      parts.push(`${JSON.stringify(enterpriseNumber)}:${cached.text}`);
    }
    return `{${parts.join(",")}}`;
  }
}

export function yearsOf(options: { fromYear: number; toYear: number }): number[] {
  const years: number[] = [];
  for (let year = options.fromYear; year <= options.toYear; year++) years.push(year);
  return years;
}

/**
 * The options an archive is exported with. A new archive, or a restart, takes the run's options. A resume with other
 * options keeps what is complete and valid and fetches what is missing: the archive only grows, so the result is the
 * union of the old and new choices (collections of both, the years from the earliest to the latest, CSV and XLSX if
 * either asked for them). Nothing archived is dropped; a run that wants exactly other options uses restart or a new folder.
 */
export function mergedOptions(previous: Manifest["options"] | undefined, options: ExportOptions): Manifest["options"] {
  const wanted: Manifest["options"] = {
    collections: COLLECTIONS.filter((c) => options.collections.includes(c)),
    fromYear: options.fromYear,
    toYear: options.toYear,
    csv: options.csv,
    xlsx: options.xlsx,
  };
  if (!previous || options.restart) return wanted;
  const before = Array.isArray(previous.collections) ? previous.collections : [];
  return {
    collections: COLLECTIONS.filter((c) => wanted.collections.includes(c) || before.includes(c)),
    fromYear: Number.isInteger(previous.fromYear) ? Math.min(previous.fromYear, wanted.fromYear) : wanted.fromYear,
    toYear: Number.isInteger(previous.toYear) ? Math.max(previous.toYear, wanted.toYear) : wanted.toYear,
    csv: wanted.csv || previous.csv === true,
    xlsx: wanted.xlsx || previous.xlsx === true,
  };
}

/** An employer's status from its collections: complete when every chosen one is; a refusal stays until the next try. */
export function employerStatus(state: EmployerState, collections: readonly CollectionName[]): EmployerState["status"] {
  if (state.status === "refused") return "refused";
  const started = collections.some((c) => state[c] !== undefined);
  if (collections.every((c) => state[c]?.complete === true)) return "complete";
  return started ? "partial" : "pending";
}

/** The manifest's employers in input order (`order`, then any employer it does not list, from an older manifest). */
export function employerOrder(manifest: Pick<Manifest, "employers" | "order">): string[] {
  const listed = Array.isArray(manifest.order)
    ? manifest.order.filter(
        (en) => typeof en === "string" && Object.prototype.hasOwnProperty.call(manifest.employers, en),
      )
    : [];
  const seen = new Set(listed);
  return [...listed, ...Object.keys(manifest.employers).filter((en) => !seen.has(en))];
}

/** True when the employer has records on disk (a refused or pending one may have none: it can leave the archive). */
export function holdsData(state: EmployerState): boolean {
  return COLLECTIONS.some((c) => (state[c]?.written ?? 0) > 0 || (state[c]?.resume?.bytes.jsonl ?? 0) > 0);
}
