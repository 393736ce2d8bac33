/**
 * ajv compilation (slow: done once per schema and cached) and the translation of ajv errors into local anomalies.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { FlaError } from "../errors";
import { anomaly, AnomalyList, show } from "./anomalies";

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

function newAjv(schema: object): AnyAjv {
  const dialect = String((schema as { $schema?: unknown }).$schema ?? "");
  // strict: false so that schemas exported from an OpenAPI/SWAGGER file (example, nullable, x-...) still compile.
  const options = { allErrors: true, verbose: true, strict: false };
  const ajv = dialect.includes("2020-12")
    ? new Ajv2020(options)
    : dialect.includes("2019-09")
      ? new Ajv2019(options)
      : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a schema once per schema object. Each schema gets its own ajv instance, so that two custom schemas with the
 * same $id (a redeploy) never collide.
 */
export function compileSchema(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = newAjv(schema).compile(schema);
    } catch (err) {
      throw new FlaError("FLA_CONFIG", `The JSON schema cannot be compiled: ${(err as Error).message}.`, {
        cause: err,
      });
    }
    compiled.set(schema, validate);
  }
  return validate;
}

/** "/period/endDate" → "period.endDate", "/items/0" → "items[0]". */
export function pointerToField(pointer: string, child?: string): string {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) parts.push(child);
  return parts.reduce(
    (path, part) => (/^\d+$/.test(part) && path ? `${path}[${part}]` : path ? `${path}.${part}` : part),
    "",
  );
}

const COMPARISON: Record<string, string> = {
  minimum: ">=",
  exclusiveMinimum: ">",
  maximum: "<=",
  exclusiveMaximum: "<",
};

function toAnomaly(error: ErrorObject): { field: string; make: () => ReturnType<typeof anomaly> } {
  const params = error.params as Record<string, unknown>;
  const here = pointerToField(error.instancePath);
  const v = show(error.data);
  switch (error.keyword) {
    case "required": {
      const field = pointerToField(error.instancePath, String(params.missingProperty));
      return { field, make: () => anomaly("LOCAL-REQUIRED", field) };
    }
    case "additionalProperties": {
      const field = pointerToField(error.instancePath, String(params.additionalProperty));
      return { field, make: () => anomaly("LOCAL-UNKNOWN-FIELD", field) };
    }
    case "type":
      return { field: here, make: () => anomaly("LOCAL-TYPE", here, { v, expected: String(params.type) }) };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ");
      return { field: here, make: () => anomaly("LOCAL-ENUM", here, { v, allowed }) };
    }
    case "const":
      return {
        field: here,
        make: () => anomaly("LOCAL-ENUM", here, { v, allowed: JSON.stringify(params.allowedValue) }),
      };
    case "minLength":
    case "maxLength": {
      const length = typeof error.data === "string" ? [...error.data].length : 0;
      const side = error.keyword === "minLength" ? { min: 1 } : { max: 1 };
      return {
        field: here,
        make: () => anomaly("LOCAL-LENGTH", here, { v, limit: Number(params.limit), length, ...side }),
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return {
        field: here,
        make: () =>
          anomaly("LOCAL-RANGE", here, { v, comparison: COMPARISON[error.keyword], limit: Number(params.limit) }),
      };
    case "pattern":
      return {
        field: here,
        make: () => anomaly("LOCAL-FORMAT", here, { v, expected: `pattern ${String(params.pattern)}` }),
      };
    case "format":
      return { field: here, make: () => anomaly("LOCAL-FORMAT", here, { v, expected: String(params.format) }) };
    default:
      return { field: here, make: () => anomaly("LOCAL-SCHEMA", here, { v, rule: error.keyword }) };
  }
}

/** Runs a compiled schema and adds one friendly anomaly per failing field (a field that already failed is skipped). */
export function checkSchema(validate: ValidateFunction, data: unknown, list: AnomalyList): void {
  if (validate(data)) return;
  for (const error of validate.errors ?? []) {
    // anyOf/oneOf/if report their own summary on top of their branches' errors: the branches say more.
    if (error.keyword === "if") continue;
    const { field, make } = toAnomaly(error);
    if (field === "" ? list.blocking : list.touched(field)) continue;
    list.add(make());
  }
}
