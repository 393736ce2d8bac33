/**
 * The data files of one collection of one employer: `<stem>.jsonl` (one record per line, as the API returned it) and,
 * when CSV is on, `<stem>.csv`. Opened at the byte lengths the manifest recorded after the last complete page: what lies
 * beyond (a torn last line, records of a page the manifest never recorded) is cut off, so that a resume writes no
 * record twice.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { csvHeader, csvLine } from "./csv";
import { FILE_MODE, forEachLine, onDisk, parseLine } from "./files";
import { COLLECTION_FILES, type CollectionName } from "./types";

export interface FileLengths {
  jsonl: number;
  csv?: number;
}

export function dataFiles(
  folder: string,
  enterpriseNumber: string,
  collection: CollectionName,
): { jsonl: string; csv: string } {
  const stem = path.join(folder, enterpriseNumber, COLLECTION_FILES[collection]);
  return { jsonl: `${stem}.jsonl`, csv: `${stem}.csv` };
}

/** The archive's relative path of a file (forward slashes on every platform). */
export function relativePath(folder: string, file: string): string {
  return path.relative(folder, file).split(path.sep).join("/");
}

class AppendFile {
  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
    public length: number,
  ) {}

  /** Bytes appended since the last datasync. */
  private dirty = false;

  /** Opens (creating it owner-only) and cuts it back to `length`; undefined when it is shorter than that (data lost). */
  static async open(file: string, length: number): Promise<AppendFile | undefined> {
    return onDisk("opening", file, async () => {
      const handle = await fs.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT, FILE_MODE);
      try {
        await handle.chmod(FILE_MODE);
        const size = (await handle.stat()).size;
        if (size < length) {
          await handle.close();
          return undefined;
        }
        if (size > length) await handle.truncate(length);
        return new AppendFile(file, handle, length);
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
    });
  }

  async append(text: string): Promise<void> {
    if (text === "") return;
    const buffer = Buffer.from(text, "utf8");
    await onDisk("writing", this.file, async () => {
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesWritten } = await this.handle.write(buffer, offset, buffer.length - offset, this.length + offset);
        offset += bytesWritten;
      }
    });
    this.length += buffer.length;
    this.dirty = true;
  }

  async sync(): Promise<void> {
    if (!this.dirty) return;
    await onDisk("syncing", this.file, () => this.handle.datasync());
    this.dirty = false;
  }

  /** Closes, after a last datasync (best effort: a run that fails saves the manifest after this). */
  async close(): Promise<void> {
    await this.sync().catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }
}

export class CollectionFiles {
  private constructor(
    private readonly collection: CollectionName,
    private readonly jsonl: AppendFile,
    private readonly csv: AppendFile | undefined,
  ) {}

  /**
   * Opens the files at the recorded lengths. Undefined when the JSON lines file is shorter than recorded (then the
   * collection starts again). A CSV file that is missing, shorter than recorded or new (CSV turned on later) is rebuilt
   * from the JSON lines on disk, which hold the same records.
   */
  static async open(
    folder: string,
    enterpriseNumber: string,
    collection: CollectionName,
    lengths: FileLengths,
    withCsv: boolean,
  ): Promise<CollectionFiles | undefined> {
    const files = dataFiles(folder, enterpriseNumber, collection);
    const jsonl = await AppendFile.open(files.jsonl, lengths.jsonl);
    if (!jsonl) return undefined;
    if (!withCsv) return new CollectionFiles(collection, jsonl, undefined);
    try {
      let csv =
        lengths.csv !== undefined && lengths.csv > 0 ? await AppendFile.open(files.csv, lengths.csv) : undefined;
      if (!csv) {
        // A length of 0 always opens (undefined only when a file is shorter than asked); the cast narrows `csv` below.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        csv = (await AppendFile.open(files.csv, 0)) as AppendFile;
        await csv.append(csvHeader(collection));
        let batch = "";
        await forEachLine(files.jsonl, lengths.jsonl, async (line) => {
          batch += csvLine(collection, parseLine(line, files.jsonl));
          if (batch.length > 1 << 20) {
            await csv?.append(batch);
            batch = "";
          }
        });
        await csv.append(batch);
      }
      return new CollectionFiles(collection, jsonl, csv);
    } catch (error) {
      await jsonl.close();
      throw error;
    }
  }

  get lengths(): FileLengths {
    return this.csv ? { jsonl: this.jsonl.length, csv: this.csv.length } : { jsonl: this.jsonl.length };
  }

  /** Appends the records of one page to every file (not synced: see sync). */
  async append(records: readonly unknown[]): Promise<void> {
    let lines = "";
    let rows = "";
    for (const record of records) {
      lines += JSON.stringify(record) + "\n";
      if (this.csv) rows += csvLine(this.collection, record);
    }
    await Promise.all([this.jsonl.append(lines), this.csv?.append(rows)]);
  }

  /**
   * Makes the appended records durable; called before every manifest save that records their length (the order
   * data sync, then manifest, keeps a power cut from leaving a manifest that counts bytes the disk never got).
   */
  async sync(): Promise<void> {
    await Promise.all([this.jsonl.sync(), this.csv?.sync()]);
  }

  async close(): Promise<void> {
    await this.jsonl.close();
    await this.csv?.close();
  }
}
