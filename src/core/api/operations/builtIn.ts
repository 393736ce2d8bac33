/**
 * The FLA API operations as we reconstructed them from the channel manual: one descriptor per operation. This list is
 * what the official SWAGGER replaces (see README, "The API contract and the official SWAGGER").
 */
import { TRAINING_RIGHT_SCHEMA, TRAINING_SCHEMA } from "./bodySchemas";
import type { OperationDescriptor, PagingDescriptor } from "./types";

const PAGING = {
  page: "page",
  pageSize: "pageSize",
  maxPageSize: 100,
  next: "nextLinkOrTotal",
} as const satisfies PagingDescriptor;

const PAGE_PARAMS = [
  { name: "page", in: "query", format: "page" },
  { name: "pageSize", in: "query", format: "pageSize" },
] as const;

/** The employer's enterprise number as a query filter (filled from the config node in the employer role). */
const EMPLOYER_FILTER = {
  name: "enterpriseNumber",
  in: "query",
  format: "enterpriseNumber",
  required: true,
  employer: true,
} as const;

/** Employer, worker and year in the path of a training right or credit. */
const RIGHT_PATH = [
  { name: "enterpriseNumber", in: "path", format: "enterpriseNumber", employer: true },
  { name: "ssin", in: "path", format: "ssin" },
  { name: "year", in: "path", format: "year" },
] as const;

const TRAINING_ID = { name: "trainingId", in: "path", format: "id" } as const;

export const BUILT_IN_OPERATIONS = [
  {
    name: "createTraining",
    kind: "declare",
    method: "POST",
    pathTemplate: "/trainings",
    params: [],
    body: { schema: TRAINING_SCHEMA },
    idempotent: false,
    duplicateKey: "externalReference",
    answer: "declaration",
  },
  {
    name: "updateTraining",
    kind: "declare",
    method: "PUT",
    pathTemplate: "/trainings/{trainingId}",
    params: [TRAINING_ID],
    body: { schema: TRAINING_SCHEMA },
    idempotent: true,
    answer: "declaration",
  },
  {
    name: "cancelTraining",
    kind: "declare",
    method: "DELETE",
    pathTemplate: "/trainings/{trainingId}",
    params: [TRAINING_ID],
    idempotent: true,
    answer: "cancellation",
  },
  {
    name: "declareTrainingRight",
    kind: "declare",
    method: "PUT",
    pathTemplate: "/trainingRights/{enterpriseNumber}/{ssin}/{year}",
    params: RIGHT_PATH,
    body: { schema: TRAINING_RIGHT_SCHEMA },
    idempotent: true,
    answer: "declaration",
  },
  {
    name: "training",
    kind: "query",
    method: "GET",
    pathTemplate: "/trainings/{trainingId}",
    params: [TRAINING_ID],
    idempotent: true,
    answer: "resource",
  },
  {
    name: "trainings",
    kind: "query",
    method: "GET",
    pathTemplate: "/trainings",
    params: [
      EMPLOYER_FILTER,
      { name: "ssin", in: "query", format: "ssin" },
      { name: "startDate", in: "query", format: "date" },
      { name: "endDate", in: "query", format: "date", notBefore: "startDate" },
      ...PAGE_PARAMS,
    ],
    paging: PAGING,
    idempotent: true,
    answer: "collection",
  },
  {
    name: "declaration",
    kind: "query",
    method: "GET",
    pathTemplate: "/declarations/{declarationId}",
    params: [{ name: "declarationId", in: "path", format: "id" }],
    idempotent: true,
    answer: "resource",
  },
  {
    name: "trainingRights",
    kind: "query",
    method: "GET",
    pathTemplate: "/trainingRights",
    params: [
      EMPLOYER_FILTER,
      { name: "ssin", in: "query", format: "ssin" },
      { name: "year", in: "query", format: "year" },
      ...PAGE_PARAMS,
    ],
    paging: PAGING,
    idempotent: true,
    answer: "collection",
  },
  {
    name: "trainingCredit",
    kind: "query",
    method: "GET",
    pathTemplate: "/trainingCredits/{enterpriseNumber}/{ssin}/{year}",
    params: RIGHT_PATH,
    idempotent: true,
    answer: "resource",
  },
] as const satisfies readonly OperationDescriptor[];
