/**
 * The contract of the export: what the fla-export node hands to the core, and the archive's manifest.
 * The archive layout and the manifest are read by tools outside this project: fields keep their meaning.
 */
import type { Catalogue } from "../api/catalogue";
import type { FlaApiClient } from "../api/httpClient";
import type { Anomaly, FlaMeta } from "../result";

export type CollectionName = "trainings" | "trainingRights" | "trainingCredits";
export const COLLECTIONS: readonly CollectionName[] = ["trainings", "trainingRights", "trainingCredits"];

/** File stem of each collection inside an employer's folder: `<stem>.jsonl`, `<stem>.csv`. */
export const COLLECTION_FILES: Readonly<Record<CollectionName, string>> = {
  trainings: "trainings",
  trainingRights: "training-rights",
  trainingCredits: "training-credits",
};

export const FIRST_FLA_YEAR = 2024;

/** A year as the export's settings write it. */
export const YEAR_PATTERN = "^\\d{4}$";

/** The last year an export may read, counted from the current year: the FLA holds no rights or credits beyond it. */
export const YEARS_AFTER_CURRENT = 0;

/** The archive folder when none is given, inside Node-RED's user directory. */
export const DEFAULT_EXPORT_FOLDER = "fla-export";

export interface ExportOptions {
  /** Absolute path of the archive folder (the adapter resolves the default inside Node-RED's user directory). */
  folder: string;
  /** Valid, normalised enterprise numbers (10 digits), in the order given, without duplicates. */
  employers: string[];
  collections: CollectionName[];
  /** Years of the rights and credits, inclusive. */
  fromYear: number;
  toYear: number;
  csv: boolean;
  xlsx: boolean;
  /** Download complete employers again (their files are rewritten from the start). */
  restart: boolean;
  /** Page size asked of the API: at most the collection's paging maxPageSize in the catalogue (100 built in), which is the default. */
  pageSize?: number;
  /** Who runs it (the fla-export node's id), written into the manifest so that the node can resume its own run after a restart. */
  owner?: string;
}

export interface ExportProgress {
  /** 1-based. */
  employerIndex: number;
  employerCount: number;
  enterpriseNumber: string;
  collection: CollectionName;
  /** 1-based page just written (for credits: the worker × year just written). */
  page: number;
  pageCount?: number;
  /** Records of this collection on disk so far. */
  written: number;
  total?: number;
}

/** An employer the API refused (403, 404, 400): the run goes on with the others. */
export interface EmployerRefusal {
  enterpriseNumber: string;
  collection: CollectionName;
  /** As the other nodes give it: status FORBIDDEN, NOT_FOUND or REJECTED, anomalies, problem, httpStatus. */
  fla: FlaMeta;
}

export interface ExportDeps {
  client: FlaApiClient;
  /** Aborting stops the run between requests (FLA_ABORTED); the archive stays resumable. */
  signal?: AbortSignal;
  /** `<name>@<version>` of this package, written into the manifest. */
  packageId: string;
  now?: () => Date;
  onProgress?: (progress: ExportProgress) => void;
  /** Awaited, so that the refusal is out before the run goes on. */
  onRefused?: (refusal: EmployerRefusal) => void | Promise<void>;
  /**
   * The group commit of progress: the manifest is saved at most this often while pages are written (default
   * PROGRESS_SAVE_MS, 250 ms; 0 saves after every page and credit batch, as tests that observe each page's save need).
   */
  progressSaveMs?: number;
  /**
   * Pages of one paged read asked for at once (default 1: the next page while the current one is written); the node
   * gives its config node's maxConcurrent. Records are still written strictly in page order.
   */
  readConcurrency?: number;
  /**
   * The operations the export reads (trainings, trainingRights, trainingCredit): their paths, paging parameters and
   * largest page size. Default: the built-in CATALOGUE; a test or another API version gives its own.
   */
  catalogue?: Catalogue;
}

export interface CollectionState {
  written: number;
  /** The API's total (for credits: workers × years). */
  total: number | null;
  complete: boolean;
  /** Credits: worker-years the API has no credit for (404: no right and no employment that year), recorded as `found: false`. */
  notFound?: number;
  /** Credits: worker-years the API refused as invalid (400), recorded as `found: false` with `httpStatus: 400`; not covered. */
  rejected?: number;
  /** Credits: worker-years answered 200 without a credit object, recorded as `found: false` with `httpStatus: 200`; not covered. */
  unreadable?: number;
  /**
   * Paged collections: when the keys on disk were last found equal to the keys the API lists (a second read of every
   * page, keys only). Credits: when every worker × year was last answered.
   */
  verifiedAt?: string;
  /** Why the collection is not complete, when the export knows (the data changed while read, credits the API refused). */
  reason?: string;
  /** What a resume needs; internal to the export core (its shape may change between versions). */
  resume?: CollectionResume;
}

/** One paged read: the trainings (no year) or the training rights of one year. */
export interface SegmentState {
  year?: number;
  /** The page to ask next (1-based). */
  nextPage: number;
  written: number;
  /** The API's total of this read, as last answered. */
  total: number | null;
  /** True once the last page was read. */
  ended: boolean;
  /** True when the API's total moved during the read: its pages may have shifted, so the read is done again. */
  totalChanged?: boolean;
  /** Records that came a second time (the pages shifted while read): the read is done again. */
  duplicates?: number;
}

export interface CollectionResume {
  /** Page size of the reads in progress (a resume must keep it, or page numbers would shift). */
  pageSize?: number;
  segments?: SegmentState[];
  /** Rights and credits: the years the collection covers. */
  years?: number[];
  /** Byte length of each data file after the last complete page (a resume cuts the files back to it). */
  bytes: { jsonl: number; csv?: number };
}

export type EmployerStatus = "pending" | "complete" | "partial" | "refused";

export interface EmployerState {
  status: EmployerStatus;
  trainings?: CollectionState;
  trainingRights?: CollectionState;
  trainingCredits?: CollectionState;
  /** Set when refused: why, as anomalies. */
  anomalies?: Anomaly[];
}

export interface FileEntry {
  bytes: number;
  sha256: string;
}

/** `<folder>/manifest.json`. */
export interface Manifest {
  complete: boolean;
  /** When the archive was started (its first run). */
  startedAt: string;
  /** When the latest run that resumed it started. */
  resumedAt?: string;
  /** When the latest run ended (null while one runs, and after a technical failure). */
  finishedAt: string | null;
  /** The technical failure that stopped the latest run (the archive is resumable), null otherwise. */
  error?: { code: string; message: string } | null;
  package: string;
  /** `ExportOptions.owner` of the run that wrote it. */
  owner?: string;
  options: { collections: CollectionName[]; fromYear: number; toYear: number; csv: boolean; xlsx: boolean };
  /**
   * Every employer of the run; `pending` until its turn, so that a restart knows the whole list. Its key order is not
   * the input order (JavaScript puts keys that look like integers, numbers starting with 1 to 9, first): see `order`.
   */
  employers: Record<string, EmployerState>;
  /** The employers in input order (the run's list, then those kept from earlier runs); a resume follows it. */
  order?: string[];
  /** Relative path (forward slashes) → size and SHA-256 of the finished file. */
  files: Record<string, FileEntry>;
}

/** An input line that is not a usable enterprise number: refused locally, the others go on. */
export interface RefusedInput {
  input: string;
  anomalies: Anomaly[];
}
