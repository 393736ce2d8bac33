/**
 * The folders of a fla-export node's unfinished runs, so that a restart or redeploy resumes each of them, not only
 * the node's configured folder (a run into msg.folder would otherwise stay cut short). Kept in
 * `<userDir>/.fla-export-runs/<nodeId>.json` (outside every export folder, which must hold only an archive), owner-only:
 * folder names may say whose data they hold.
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";

export class UnfinishedRuns {
  private readonly file: string;

  constructor(userDir: string, nodeId: string) {
    this.file = join(userDir, ".fla-export-runs", `${nodeId.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
  }

  /** The folders recorded; none when the file is missing or unreadable (a resume is a convenience, never a failure). */
  async list(): Promise<string[]> {
    try {
      const value = JSON.parse(await fs.readFile(this.file, "utf8")) as unknown;
      return Array.isArray(value) ? value.filter((folder): folder is string => typeof folder === "string") : [];
    } catch {
      return [];
    }
  }

  async add(folder: string): Promise<void> {
    const folders = await this.list();
    if (!folders.includes(folder)) await this.save([...folders, folder]);
  }

  async remove(folder: string): Promise<void> {
    const folders = await this.list();
    if (folders.includes(folder)) await this.save(folders.filter((f) => f !== folder));
  }

  private async save(folders: string[]): Promise<void> {
    await fs.mkdir(join(this.file, ".."), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    await fs.writeFile(temp, JSON.stringify(folders), { mode: 0o600 });
    await fs.rename(temp, this.file);
  }
}
