/** Types of the local validation that runs before any call to the FLA API. */
import type { Anomaly } from "../result";
import type { Role } from "../settings";

export type DeclareOperation = "createTraining" | "updateTraining" | "cancelTraining" | "declareTrainingRight";
export type QueryOperation = "training" | "trainings" | "declaration" | "trainingRights" | "trainingCredit";

export const DECLARE_OPERATIONS: readonly DeclareOperation[] = ["createTraining", "updateTraining", "cancelTraining", "declareTrainingRight"];
export const QUERY_OPERATIONS: readonly QueryOperation[] = ["training", "trainings", "declaration", "trainingRights", "trainingCredit"];

export interface ValidationContext {
  role: Role;
  /** The config node's enterprise number, used in the employer role when a message names none. */
  defaultEnterpriseNumber?: string;
  /** YYYY-MM-DD; defaults to today's local date. */
  today?: string;
  /** Replaces the built-in body schema (see loadCustomSchema). */
  customSchema?: object;
}

export interface DeclarationParams {
  trainingId?: string;
  enterpriseNumber?: string;
  ssin?: string;
  year?: number;
}

export interface ValidDeclaration {
  operation: DeclareOperation;
  /** The normalised body to send; absent for cancelTraining. */
  body?: Record<string, unknown>;
  /** Path parameters (and, for trainings, the employer and worker, for logs and status). */
  params: DeclarationParams;
}

export interface QueryParams {
  trainingId?: string;
  declarationId?: string;
  enterpriseNumber?: string;
  ssin?: string;
  year?: number;
  startDate?: string;
  endDate?: string;
  page?: number;
  pageSize?: number;
}

export interface ValidQuery {
  operation: QueryOperation;
  params: QueryParams;
}

export interface Validation<T> {
  /** Present only when no BLOCKING anomaly was found. */
  value?: T;
  anomalies: Anomaly[];
  /**
   * Present when the input cannot be given back as it is (Node-RED could not copy it): what the anomaly output carries
   * instead. The anomalies then include LOCAL-PAYLOAD-REPLACED.
   */
  giveBack?: unknown;
}
