/**
 * File helpers of the export: owner-only modes, durable writes, file errors turned into FlaErrors a person can act on.
 * The archive holds SSINs: folders are 0700 and files 0600 whatever the umask.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { FlaError, isFlaError } from "../errors";

export const FILE_MODE = 0o600;
export const FOLDER_MODE = 0o700;

/** Turns a failure of the file system into a FlaError that says what to do; a FlaError passes through. */
export function fileError(error: unknown, action: string, file: string): FlaError {
  if (isFlaError(error)) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const where = `${action} ${file}`;
  const resume = "The export resumes where it stopped when it is run again.";
  let message: string;
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      message = `The disk is full (${where}): free some space or choose another folder. ${resume}`;
      break;
    case "EACCES":
    case "EPERM":
      message = `No permission (${where}): let the user that runs Node-RED write into the export folder, or choose another folder. ${resume}`;
      break;
    case "EROFS":
      message = `The file system is read-only (${where}): choose a writable folder (in Docker, a folder inside the /data volume). ${resume}`;
      break;
    case "ENOTDIR":
    case "EISDIR":
    case "EEXIST":
      message = `A file or folder is in the way (${where}): choose an empty folder for the export, or remove what is in the way.`;
      break;
    case "EMFILE":
    case "ENFILE":
      message = `Too many open files (${where}): retry later. ${resume}`;
      break;
    default:
      message = `Cannot complete the export's file work (${where}): ${error instanceof Error ? error.message : String(error)}. ${resume}`;
  }
  return new FlaError("FLA_FILE", message, {
    reason: typeof code === "string" ? code : undefined,
    retryable: code === "EMFILE" || code === "ENFILE",
    cause: error,
  });
}

/** Runs a file operation; its failure becomes a FlaError naming the action and the file. */
export async function onDisk<T>(action: string, file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fileError(error, action, file);
  }
}

/** Creates the folder (and parents) owner-only; an existing folder keeps its mode unless `forceMode`. */
export async function ensureFolder(folder: string, forceMode: boolean): Promise<void> {
  await onDisk("creating the folder", folder, async () => {
    const created = await fs.mkdir(folder, { recursive: true, mode: FOLDER_MODE });
    if (created !== undefined || forceMode) await fs.chmod(folder, FOLDER_MODE);
  });
}

export async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw fileError(error, "reading the size of", file);
  }
}

/**
 * Writes `text` to `file` atomically: a temporary file, written and fsynced, then renamed over the old one. A failed
 * write (a full disk) removes its temporary file rather than leave a torn one behind.
 */
export async function writeFileAtomic(file: string, text: string, syncFolder: boolean): Promise<void> {
  const temp = `${file}.tmp`;
  await onDisk("writing", temp, async () => {
    const handle = await fs.open(temp, "w", FILE_MODE);
    try {
      await handle.chmod(FILE_MODE);
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await handle.close();
  });
  await onDisk("renaming", temp, () => fs.rename(temp, file));
  if (syncFolder) await syncDirectory(path.dirname(file));
}

/** Makes a rename or a creation in the folder durable (not supported everywhere: then it is skipped). */
export async function syncDirectory(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, "r");
    await handle.sync();
  } catch {
    // Windows and some network file systems cannot fsync a folder; the rename itself is still atomic.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Fsyncs a finished file (it may have been written by an earlier run). */
export async function syncFile(file: string): Promise<void> {
  await onDisk("syncing", file, async () => {
    const handle = await fs.open(file, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

export async function sha256Of(file: string): Promise<{ bytes: number; sha256: string }> {
  return onDisk("reading", file, async () => {
    const hash = createHash("sha256");
    let bytes = 0;
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return { bytes, sha256: hash.digest("hex") };
  });
}

/** Calls `onLine` for each line of the first `bytes` bytes of a JSON lines file, streaming (memory stays flat). */
export async function forEachLine(
  file: string,
  bytes: number,
  onLine: (line: string) => void | Promise<void>,
): Promise<void> {
  if (bytes <= 0) return;
  await onDisk("reading", file, async () => {
    const lines = createInterface({
      input: createReadStream(file, { start: 0, end: bytes - 1, encoding: "utf8" }),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (line !== "") await onLine(line);
    }
  });
}

export async function removeFile(file: string): Promise<void> {
  await onDisk("removing", file, () => fs.rm(file, { force: true }));
}

/** Parses one line of a data file; a damaged line gives an error that quotes nothing of it (it may hold an SSIN). */
export function parseLine(line: string, file: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new FlaError(
      "FLA_FILE",
      `A line of ${file} is not valid JSON: the file was changed outside the export. Run the export again with restart to download this employer again.`,
    );
  }
}
