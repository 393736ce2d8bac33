/** Helpers of the credits collection: keys of worker-years, what is already on disk, and a bounded parallel read. */
import type { FlaMeta } from "../result";
import { forEachLine, parseLine } from "./files";
import type { CollectionName } from "./types";

export type CreditOutcome =
  | { kind: "found"; record: Record<string, unknown> }
  | { kind: "notFound"; record: Record<string, unknown> }
  | { kind: "rejected"; record: Record<string, unknown> }
  | { kind: "unreadable"; record: Record<string, unknown> }
  | { kind: "refused"; refusal: { collection: CollectionName; fla: FlaMeta } };

export function creditKey(ssin: string, year: number): string {
  return `${ssin}/${year}`;
}

/**
 * The worker-years already in the credits file (its first `bytes`), its record count, and its `found: false` records:
 * 404 (no credit exists: covered), 400 (refused by the API) and 200 with no credit object (unreadable); the last two
 * do not cover their worker-year.
 */
export async function readCreditKeys(
  file: string,
  bytes: number,
): Promise<{ keys: Set<string>; lines: number; notFound: number; rejected: number; unreadable: number }> {
  const keys = new Set<string>();
  let lines = 0;
  let notFound = 0;
  let rejected = 0;
  let unreadable = 0;
  await forEachLine(file, bytes, (line) => {
    const record = parseLine(line, file) as Record<string, unknown> | null;
    lines += 1;
    if (typeof record !== "object" || record === null) return;
    if (record.found === false && record.httpStatus === 400) rejected += 1;
    else if (record.found === false && record.httpStatus === 200) unreadable += 1;
    else if (record.found === false) notFound += 1;
    if (typeof record.ssin === "string" && (typeof record.year === "number" || typeof record.year === "string"))
      keys.add(creditKey(record.ssin, Number(record.year)));
  });
  return { keys, lines, notFound, rejected, unreadable };
}

/**
 * Reads every item with at most `concurrency` reads at once; the outcomes come back in the items' order. A read
 * that throws stops the others from starting, and its error is thrown once the reads in flight have ended.
 */
export async function readCredits<T, R>(
  items: readonly T[],
  concurrency: number,
  read: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await read(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
