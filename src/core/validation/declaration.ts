/** Validation of a declaration (trainings and training rights) before any call. */
import type { LocalizedText } from "../result";
import { anomaly, AnomalyList, show } from "./anomalies";
import { checkSchema, compileSchema } from "./compile";
import { schemaKnowsProperty } from "./customSchema";
import {
  copyTrimmed,
  isAbsent,
  isPlainObject,
  mapField,
  toBoolean,
  toDate,
  toEnterpriseNumber,
  toEnum,
  toNumber,
  toSsin,
  wrapIdentifier,
  type Json,
} from "./normalize";
import { givenBack, inspectPayload } from "./inspect";
import {
  checkDate,
  checkDeclaredPeriod,
  checkDuration,
  checkEnterpriseNumber,
  checkFreeText,
  checkId,
  checkOrder,
  checkSsin,
  checkYear,
  localToday,
} from "./rules";
import { BODY_SCHEMAS } from "./schemas";
import {
  DECLARE_OPERATIONS,
  type DeclarationParams,
  type DeclareOperation,
  type ValidDeclaration,
  type Validation,
  type ValidationContext,
} from "./types";

function trainingIdHint(operation: string): LocalizedText {
  return {
    en: `${operation} needs it: set msg.trainingId or payload.trainingId to the id the API gave when the training was declared.`,
    fr: `${operation} en a besoin : renseignez msg.trainingId ou payload.trainingId avec l'identifiant donné par l'API lors de la déclaration de la formation.`,
    nl: `${operation} heeft het nodig: vul msg.trainingId of payload.trainingId in met de identificatie die de API gaf bij de aangifte van de opleiding.`,
  };
}

function payloadKind(payload: unknown): string {
  if (payload === null) return "null";
  if (Array.isArray(payload)) return "array";
  const kind = typeof payload;
  return ["string", "number", "boolean", "undefined"].includes(kind) ? kind : "other";
}

function idText(value: unknown): unknown {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" ? value.trim() : value;
}

function getIn(obj: unknown, key: string): unknown {
  return isPlainObject(obj) ? obj[key] : undefined;
}

/** The training id of update/cancel, from msg.trainingId or payload.trainingId (then removed from the body). */
function takeTrainingId(
  operation: DeclareOperation,
  input: { trainingId?: unknown },
  body: Json,
  list: AnomalyList,
): string | undefined {
  const fromMsg = idText(input.trainingId);
  const fromPayload = idText(body.trainingId);
  delete body.trainingId;
  if (!isAbsent(fromMsg) && !isAbsent(fromPayload) && fromMsg !== fromPayload) {
    list.add(
      anomaly("LOCAL-CONFLICT", "trainingId", {
        v: show(fromPayload),
        other: "msg.trainingId",
        otherValue: show(fromMsg),
      }),
    );
    return undefined;
  }
  const id = isAbsent(fromMsg) ? fromPayload : fromMsg;
  if (isAbsent(id)) {
    list.add(anomaly("LOCAL-REQUIRED", "trainingId", {}, { suffix: trainingIdHint(operation) }));
    return undefined;
  }
  checkId(id, "trainingId", list);
  return typeof id === "string" ? id : undefined;
}

/** Role rule: an employer's own number fills the gap; a provider must always name the employer. */
function employerNumber(current: unknown, field: string, ctx: ValidationContext, list: AnomalyList): unknown {
  if (!isAbsent(current)) return current;
  if (ctx.role === "provider") {
    list.add(anomaly("LOCAL-EMPLOYER-REQUIRED", field));
    return undefined;
  }
  const fallback = isAbsent(ctx.defaultEnterpriseNumber)
    ? undefined
    : toEnterpriseNumber(String(ctx.defaultEnterpriseNumber).trim());
  if (fallback === undefined) list.add(anomaly("LOCAL-EMPLOYER-MISSING", field));
  return fallback;
}

function normalizeTraining(body: Json): void {
  wrapIdentifier(body, "employer", "enterpriseNumber");
  wrapIdentifier(body, "worker", "ssin");
  wrapIdentifier(body, "funding", "type");
  mapField(body.employer, "enterpriseNumber", toEnterpriseNumber);
  mapField(body.worker, "ssin", toSsin);
  mapField(body.trainingProvider, "enterpriseNumber", toEnterpriseNumber);
  mapField(body.period, "startDate", toDate);
  mapField(body.period, "endDate", toDate);
  mapField(body, "nature", toEnum);
  mapField(body.duration, "value", toNumber);
  mapField(body.duration, "unit", toEnum);
  mapField(body, "outcome", toEnum);
  mapField(body.funding, "type", toEnum);
  mapField(body, "countsForSectoralRight", toBoolean);
}

function validateTraining(body: Json, ctx: ValidationContext, today: string, list: AnomalyList): DeclarationParams {
  normalizeTraining(body);
  const schema = ctx.customSchema ?? BODY_SCHEMAS.createTraining;
  // An employer that is neither an object nor an identifier is left to the schema, which reports its type.
  if (schemaKnowsProperty(schema, "employer") && (isAbsent(body.employer) || isPlainObject(body.employer))) {
    const employer = isPlainObject(body.employer) ? body.employer : {};
    if (isAbsent(employer.enterpriseNumber)) {
      const filled = employerNumber(undefined, "employer.enterpriseNumber", ctx, list);
      if (filled !== undefined) body.employer = { ...employer, enterpriseNumber: filled };
    }
  }
  checkSchema(compileSchema(schema), body, list);

  const employerNo = getIn(body.employer, "enterpriseNumber");
  const ssin = getIn(body.worker, "ssin");
  checkEnterpriseNumber(employerNo, "employer.enterpriseNumber", list);
  checkSsin(ssin, "worker.ssin", list);
  checkEnterpriseNumber(getIn(body.trainingProvider, "enterpriseNumber"), "trainingProvider.enterpriseNumber", list);
  checkFreeText(body.title, "title", list);
  checkFreeText(body.externalReference, "externalReference", list);
  checkFreeText(getIn(body.trainingProvider, "name"), "trainingProvider.name", list);

  const start = checkDate(getIn(body.period, "startDate"), "period.startDate", list);
  const end = checkDate(getIn(body.period, "endDate"), "period.endDate", list);
  if (start && end && checkOrder(start, end, "period.endDate", list)) {
    checkDeclaredPeriod(start, end, "period.", today, list);
    checkDuration(getIn(body.duration, "value"), getIn(body.duration, "unit"), start, end, "duration.value", list);
  }
  return {
    ...(typeof employerNo === "string" ? { enterpriseNumber: employerNo } : {}),
    ...(typeof ssin === "string" ? { ssin } : {}),
  };
}

/**
 * One identifier of a training right, given flat (`ssin`) or nested (`worker.ssin`); removed from the body since it
 * goes to the path. Returns the value and the field path the user used, for the anomalies.
 */
function takeNested(
  body: Json,
  flat: string,
  parent: string,
  list: AnomalyList,
  normalize: (v: unknown) => unknown,
): { value: unknown; field: string } {
  wrapIdentifier(body, parent, flat);
  const nestedField = `${parent}.${flat}`;
  const flatValue = isAbsent(body[flat]) ? undefined : normalize(body[flat]);
  const holder = isPlainObject(body[parent]) ? body[parent] : undefined;
  const nestedValue = holder && !isAbsent(holder[flat]) ? normalize(holder[flat]) : undefined;
  delete body[flat];
  if (holder) {
    delete holder[flat];
    if (Object.keys(holder).length === 0) delete body[parent];
  }
  if (flatValue !== undefined && nestedValue !== undefined && flatValue !== nestedValue) {
    list.add(
      anomaly("LOCAL-CONFLICT", flat, { v: show(flatValue), other: nestedField, otherValue: show(nestedValue) }),
    );
  }
  return flatValue === undefined && nestedValue !== undefined
    ? { value: nestedValue, field: nestedField }
    : { value: flatValue, field: flat };
}

function validateTrainingRight(
  body: Json,
  ctx: ValidationContext,
  today: string,
  list: AnomalyList,
): DeclarationParams {
  const employer = takeNested(body, "enterpriseNumber", "employer", list, toEnterpriseNumber);
  const worker = takeNested(body, "ssin", "worker", list, toSsin);
  const enterpriseNumber = employerNumber(employer.value, employer.field, ctx, list);
  const year = toNumber(body.year);
  delete body.year;

  if (isAbsent(worker.value)) list.add(anomaly("LOCAL-REQUIRED", worker.field));
  if (isAbsent(year)) list.add(anomaly("LOCAL-REQUIRED", "year"));
  else if (typeof year !== "number" || !Number.isInteger(year))
    list.add(anomaly("LOCAL-TYPE", "year", { v: show(year), expected: "integer" }));

  for (const key of ["individualDays", "sectoralDays", "carriedOverDays"]) mapField(body, key, toNumber);
  mapField(body, "unit", toEnum);
  const schema = ctx.customSchema ?? BODY_SCHEMAS.declareTrainingRight;
  if (isAbsent(body.unit) && schemaKnowsProperty(schema, "unit")) body.unit = "DAYS";
  checkSchema(compileSchema(schema), body, list);

  checkEnterpriseNumber(enterpriseNumber, employer.field, list);
  checkSsin(worker.value, worker.field, list);
  checkYear(year, "year", today, list);
  return {
    ...(typeof enterpriseNumber === "string" ? { enterpriseNumber } : {}),
    ...(typeof worker.value === "string" ? { ssin: worker.value } : {}),
    ...(typeof year === "number" ? { year } : {}),
  };
}

export function validateDeclaration(
  operation: DeclareOperation,
  input: { payload: unknown; trainingId?: unknown },
  ctx: ValidationContext,
): Validation<ValidDeclaration> {
  const list = new AnomalyList();
  if (!DECLARE_OPERATIONS.includes(operation)) {
    list.add(
      anomaly("LOCAL-OPERATION-UNKNOWN", "operation", { v: show(operation), allowed: DECLARE_OPERATIONS.join(", ") }),
    );
    return { anomalies: list.items };
  }
  // Before anything copies or reads it field by field: a payload too deep, cyclic, unreadable or not JSON stops here.
  const inspection = inspectPayload(input.payload);
  if (inspection.anomalies.length > 0) {
    const back = givenBack(input.payload, inspection);
    return {
      anomalies: back.warning ? [...inspection.anomalies, back.warning] : inspection.anomalies,
      ...(back.warning ? { giveBack: back.payload } : {}),
    };
  }
  const today = ctx.today ?? localToday();
  const payload = operation === "cancelTraining" && isAbsent(input.payload) ? {} : input.payload;
  if (!isPlainObject(payload)) {
    list.add(anomaly("LOCAL-PAYLOAD-NOT-OBJECT", undefined, { v: show(payload), kind: payloadKind(payload) }));
    return { anomalies: list.items };
  }
  const body = copyTrimmed(payload) as Json;
  let params: DeclarationParams;
  let sentBody: Json | undefined = body;

  switch (operation) {
    case "createTraining":
      params = validateTraining(body, ctx, today, list);
      break;
    case "updateTraining": {
      const trainingId = takeTrainingId(operation, input, body, list);
      params = { trainingId, ...validateTraining(body, ctx, today, list) };
      break;
    }
    case "cancelTraining": {
      params = { trainingId: takeTrainingId(operation, input, body, list) };
      const ignored = Object.keys(body).filter((key) => !isAbsent(body[key]));
      if (ignored.length > 0)
        list.add(anomaly("LOCAL-BODY-IGNORED", undefined, { fields: ignored.join(", ") }, { severity: "WARNING" }));
      sentBody = undefined;
      break;
    }
    case "declareTrainingRight":
      params = validateTrainingRight(body, ctx, today, list);
      break;
  }
  if (params.trainingId === undefined) delete params.trainingId;
  if (list.blocking) return { anomalies: list.items };
  return { value: { operation, ...(sentBody ? { body: sentBody } : {}), params }, anomalies: list.items };
}
