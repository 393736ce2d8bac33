/**
 * One export at a time per folder: `<folder>/.lock`, created exclusively, names the process that holds it. A lock left
 * by a process that no longer runs on this host (kill -9, power cut) is stale and taken over; so is one whose holder
 * stopped refreshing it for STALE_MS (another host on a shared folder, or a Docker container re-created with a new
 * host name: its Node-RED resumes the run and must get the lock within the node's few minutes of retries).
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FlaError } from "../errors";
import { FILE_MODE, fileError } from "./files";

export const LOCK_FILE = ".lock";
/** The holder refreshes the lock's modification time this often... */
const REFRESH_MS = 30_000;
/** ...so one not refreshed for this long (three refreshes missed) has no live holder. */
const STALE_MS = 90_000;
export const LOCK_TIMING = { refreshMs: REFRESH_MS, staleMs: STALE_MS } as const;

/** Locks this process holds: a lock naming our own pid but not in this set was left by an earlier life of the pid (Docker's pid 1). */
const held = new Set<string>();

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface FolderLock {
  release(): Promise<void>;
}

export async function lockFolder(folder: string): Promise<FolderLock> {
  const file = path.join(folder, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(file, owner)) {
      held.add(file);
      const refresh = setInterval(() => {
        const now = new Date();
        fs.utimes(file, now, now).catch(() => undefined);
      }, REFRESH_MS);
      refresh.unref();
      return {
        release: async () => {
          clearInterval(refresh);
          held.delete(file);
          await fs.rm(file, { force: true }).catch(() => undefined);
        },
      };
    }
    const holder = await readOwner(file);
    if (holder === "gone") continue;
    if (holder !== undefined && !isStale(file, holder) && !(await isOld(file))) {
      throw new FlaError(
        "FLA_LOCKED",
        `Another export is writing into ${folder} (process ${holder.pid} on ${holder.host}, since ${holder.startedAt}): wait for it to end, or choose another folder.`,
      );
    }
    if (holder === undefined && !(await isOld(file))) {
      throw new FlaError(
        "FLA_LOCKED",
        `Another export is starting in ${folder}: wait for it to end, or choose another folder.`,
      );
    }
    // Stale: its process is dead. Remove it only if it is still the same file (another run may have taken it meanwhile).
    await fs.rm(file, { force: true }).catch((error: unknown) => {
      throw fileError(error, "removing the stale lock", file);
    });
  }
  throw new FlaError(
    "FLA_LOCKED",
    `Cannot take the lock of ${folder}: other exports keep starting there. Run one export per folder.`,
  );
}

/** Creates the lock with its content in one step: a temporary file hard-linked to the lock name (fails if it exists). */
async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    await fs.writeFile(temp, JSON.stringify(owner), { mode: FILE_MODE, flag: "wx" });
    try {
      await fs.link(temp, file);
      return true;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
      // No hard links on this file system: an exclusive create, then the content.
      try {
        await fs.writeFile(file, JSON.stringify(owner), { mode: FILE_MODE, flag: "wx" });
        return true;
      } catch (inner) {
        if ((inner as { code?: unknown }).code === "EEXIST") return false;
        throw inner;
      }
    }
  } catch (error) {
    throw fileError(error, "creating the lock", file);
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined | "gone"> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return "gone";
    throw fileError(error, "reading the lock", file);
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === "number" && typeof value.host === "string")
      return { pid: value.pid, host: value.host, startedAt: String(value.startedAt ?? "") };
  } catch {
    // torn: judged by its age
  }
  return undefined;
}

/** Only a process on this host can be checked; a lock of another host (a shared folder) is judged by its age. */
function isStale(file: string, owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid) return !held.has(file);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === "ESRCH";
  }
}

/** Not refreshed for STALE_MS (or, without a readable owner, a crash between create and write). */
async function isOld(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    return Date.now() - stat.mtimeMs > STALE_MS;
  } catch {
    return true;
  }
}
