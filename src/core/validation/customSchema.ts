/**
 * A user's own JSON schema (e.g. from the official FLA SWAGGER), set on the node as a file path or inline JSON.
 * It replaces the built-in body schema; it is compiled here, at deploy, so that a broken schema is a configuration
 * error shown once, and the compiled validator is cached for the messages.
 *
 * Accepted sources:
 * - inline JSON text starting with "{";
 * - a path to a JSON schema file;
 * - a path to an OpenAPI 3 / SWAGGER 2 JSON file followed by a pointer to the body schema:
 *   `fla-openapi.json#/components/schemas/Training` (its `$ref`s to other schemas of the file keep working).
 */
import { readFileSync } from "node:fs";
import { FlaError } from "../errors";
import { compileSchema } from "./compile";
import { isPlainObject, type Json } from "./normalize";

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FlaError("FLA_CONFIG", `The custom schema ${what} is not valid JSON: ${(err as Error).message}.`);
  }
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : (err as Error).message;
    throw new FlaError(
      "FLA_CONFIG",
      `The custom schema file "${path}" cannot be read (${reason}): give an absolute path, or paste the JSON schema itself.`,
    );
  }
  return parseJson(text, `file "${path}"`);
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const raw of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/** Keeps the definitions of an OpenAPI/SWAGGER document around the chosen schema, so its `#/...` refs resolve. */
function wrapDocumentSchema(document: Json, pointer: string, label: string): object {
  if (!isPlainObject(resolvePointer(document, pointer))) {
    throw new FlaError(
      "FLA_CONFIG",
      `The custom schema ${label} has no schema at "#${pointer}": check the pointer (e.g. #/components/schemas/Training).`,
    );
  }
  const wrapper: Json = { $ref: "#" + pointer };
  if (document.components !== undefined) wrapper.components = document.components;
  if (document.definitions !== undefined) wrapper.definitions = document.definitions;
  if (document.$defs !== undefined) wrapper.$defs = document.$defs;
  if (typeof document.openapi === "string" && document.openapi.startsWith("3.1"))
    wrapper.$schema = "https://json-schema.org/draft/2020-12/schema";
  else if (typeof document.$schema === "string") wrapper.$schema = document.$schema;
  return wrapper;
}

export function loadCustomSchema(source: string): object {
  const text = (source ?? "").trim();
  if (!text)
    throw new FlaError(
      "FLA_CONFIG",
      "The custom schema is empty: give a JSON schema file path or paste the JSON schema.",
    );
  let schema: unknown;
  let label: string;
  if (text.startsWith("{")) {
    label = "(inline JSON)";
    schema = parseJson(text, label);
  } else {
    const hash = text.indexOf("#");
    const path = hash >= 0 ? text.slice(0, hash) : text;
    const pointer = hash >= 0 ? text.slice(hash + 1) : "";
    label = `file "${path}"`;
    const document = readJsonFile(path);
    if (pointer && isPlainObject(document)) schema = wrapDocumentSchema(document, pointer, label);
    else schema = document;
  }
  if (!isPlainObject(schema))
    throw new FlaError("FLA_CONFIG", `The custom schema ${label} must be a JSON object (a JSON schema).`);
  if (schema.openapi !== undefined || schema.swagger !== undefined) {
    throw new FlaError(
      "FLA_CONFIG",
      `The custom schema ${label} is a whole OpenAPI/SWAGGER document: add a pointer to the body schema after the path, e.g. "${label === "(inline JSON)" ? "file.json" : text}#/components/schemas/Training".`,
    );
  }
  try {
    compileSchema(schema);
  } catch (err) {
    const reason = (err as Error).message.replace(/^The JSON schema cannot be compiled: /, "").replace(/\.$/, "");
    throw new FlaError("FLA_CONFIG", `The custom schema ${label} is not a valid JSON schema: ${reason}.`, {
      cause: err,
    });
  }
  return schema;
}

/** True when the schema describes a top-level property (following a top-level $ref and allOf), e.g. `employer`. */
export function schemaKnowsProperty(schema: object, name: string, root: object = schema, depth = 0): boolean {
  if (!isPlainObject(schema) || depth > 10) return false;
  if (isPlainObject(schema.properties) && name in schema.properties) return true;
  if (typeof schema.$ref === "string" && schema.$ref.startsWith("#")) {
    const target = resolvePointer(root, schema.$ref.slice(1));
    if (isPlainObject(target) && schemaKnowsProperty(target, name, root, depth + 1)) return true;
  }
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const list = schema[key];
    if (Array.isArray(list) && list.some((s) => isPlainObject(s) && schemaKnowsProperty(s, name, root, depth + 1)))
      return true;
  }
  return false;
}
