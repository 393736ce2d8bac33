/**
 * Where an export writes: the node's folder setting or msg.folder, resolved against Node-RED's user directory (the
 * `/data` volume in the official Docker image), never against the process's working directory, which a container
 * throws away.
 */
import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { DEFAULT_EXPORT_FOLDER } from "../../core/export/types";

export { DEFAULT_EXPORT_FOLDER };

export type FolderResolution = { folder: string } | { problem: string };

/** Node-RED's own default when settings.userDir is not set (test runtimes, embedded use). */
export function userDirOf(settingsUserDir: unknown): string {
  return typeof settingsUserDir === "string" && settingsUserDir.trim() !== ""
    ? resolve(settingsUserDir)
    : join(homedir(), ".node-red");
}

/**
 * An absolute path is used as it is; a relative one must stay inside the user directory, so that a path typed or sent
 * in a message cannot write personal data anywhere on the disk with `..`.
 */
export function resolveExportFolder(value: unknown, userDir: string): FolderResolution {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === ""))
    return { folder: join(userDir, DEFAULT_EXPORT_FOLDER) };
  if (typeof value !== "string")
    return {
      problem: `The export folder must be a path (text), not ${Array.isArray(value) ? "an array" : typeof value}.`,
    };
  const text = value.trim();
  if (text.includes("\0")) return { problem: "The export folder contains a NUL character." };
  if (isAbsolute(text)) return { folder: resolve(text) };
  const folder = resolve(userDir, text);
  const inside = relative(userDir, folder);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    return {
      problem: `The export folder "${text}" leaves Node-RED's user directory (${userDir}): give a folder inside it, or an absolute path.`,
    };
  }
  return { folder };
}
