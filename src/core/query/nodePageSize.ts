/** The query node's page size setting, applied under the page size parameter its operation's descriptor names. */
import { CATALOGUE, type Catalogue } from "../api/catalogue";

/**
 * `values`: the node's parameters; a parameter of the same name set there wins. An operation that is not paged takes
 * no page size (and one by another name would be dropped when the request is built, so the setting would be lost).
 */
export function withNodePageSize(
  values: Record<string, unknown>,
  pageSize: unknown,
  operation: string,
  catalogue: Catalogue = CATALOGUE,
): Record<string, unknown> {
  const name = catalogue.spec(operation).paging?.pageSize;
  if (name === undefined || values[name] !== undefined || pageSize === undefined || pageSize === "") return values;
  return { ...values, [name]: pageSize };
}
