/** Types of the local validation that runs before any call to the FLA API. */
import type { Anomaly } from "../result";
import type { Role } from "../settings";
import {
  DECLARE_OPERATION_NAMES,
  QUERY_OPERATION_NAMES,
  type DeclareOperationName,
  type OperationParams,
  type QueryOperationName,
} from "../api/catalogue";

/** The operation names come from the catalogue's descriptors (api/operations/builtIn.ts). */
export type DeclareOperation = DeclareOperationName;
export type QueryOperation = QueryOperationName;

export const DECLARE_OPERATIONS: readonly DeclareOperation[] = DECLARE_OPERATION_NAMES;
export const QUERY_OPERATIONS: readonly QueryOperation[] = QUERY_OPERATION_NAMES;

export interface ValidationContext {
  role: Role;
  /** The config node's enterprise number, used in the employer role when a message names none. */
  defaultEnterpriseNumber?: string;
  /** YYYY-MM-DD; defaults to today's local date. */
  today?: string;
  /** Replaces the built-in body schema (see loadCustomSchema). */
  customSchema?: object;
}

/** A type rather than an interface, so that it is a catalogue's OperationParams (which has an index signature). */
export type DeclarationParams = {
  trainingId?: string;
  enterpriseNumber?: string;
  ssin?: string;
  year?: number;
};

export interface ValidDeclaration {
  operation: DeclareOperation;
  /** The normalised body to send; absent for cancelTraining. */
  body?: Record<string, unknown>;
  /** Path parameters (and, for trainings, the employer and worker, for logs and status). */
  params: DeclarationParams;
}

/** A query's parameters, normalised: those of the built-in queries by name, and any other a descriptor declares. */
export type QueryParams = OperationParams;

export interface ValidQuery {
  /** A query of the catalogue it was validated against (the built-in one unless told otherwise). */
  operation: string;
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
