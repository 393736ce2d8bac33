export { query, type Paging, type QueryRequest, type QueryPage, type QueryDeps } from "./query";
export { mapReadFailure, type ReadFailure } from "./answer";
export { withNodePageSize } from "./nodePageSize";
