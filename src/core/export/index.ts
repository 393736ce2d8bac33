/** The export: a complete, verified, resumable archive of employers' trainings, rights and credits. */
import type { Role } from "../settings";
import type { ExportDeps, ExportOptions, Manifest, RefusedInput } from "./types";


export * from "./types";

/**
 * Runs (or resumes) an export into `options.folder`. Resolves with the manifest once every file is written and
 * verified; rejects with a FlaError on a technical failure (network, outage, disk), leaving the archive resumable.
 * Employers the API refuses are reported through `deps.onRefused` and marked `refused`; the run goes on.
 */
export async function runExport(options: ExportOptions, deps: ExportDeps): Promise<Manifest> {
  void options;
  void deps;
  throw new Error("runExport: not implemented yet");
}

/**
 * Reads the employers of an input: one enterprise number, an array of them, or text with one per line (a CSV column:
 * a header line, quotes and a `;`/`,` separated first column are accepted). Normalised and checked (mod 97);
 * duplicates dropped. In the employer role an empty input means `defaultEnterpriseNumber`.
 */
export function parseEmployerList(
  payload: unknown,
  context: { role: Role; defaultEnterpriseNumber?: string },
): { employers: string[]; refused: RefusedInput[] } {
  void payload;
  void context;
  throw new Error("parseEmployerList: not implemented yet");
}

/** The manifest of the archive in `folder`, or undefined when there is none (a torn or unreadable one throws FLA_EXPORT... see implementation). */
export async function readManifest(folder: string): Promise<Manifest | undefined> {
  void folder;
  throw new Error("readManifest: not implemented yet");
}
