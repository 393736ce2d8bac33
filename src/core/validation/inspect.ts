/**
 * A bounded look at a payload before anything copies it. Node-RED's own message copy and JSON.stringify recurse, so a
 * payload nested a few thousand levels deep overflows the stack; a getter that throws breaks every copy; a cycle never
 * ends a recursive copy; a Buffer, function, Symbol or BigInt becomes something else (or nothing) in JSON. This walk is
 * iterative (an explicit stack, no recursion), reads each value once inside a try, and stops early when it has seen
 * enough, so that whatever the payload, the answer is a list of anomalies, never an exception.
 *
 * Limits (per declaration, i.e. per element of an array payload):
 * - depth: objects and lists nested deeper than 64 levels are refused (a declaration has 3);
 * - size: a declaration whose JSON text would exceed 1,000,000 characters is refused (one is a few hundred);
 * - copy: deeper than 256 levels, or when a value cannot be read, Node-RED's copy of the message could throw: such a
 *   payload is never given back as it is, a summary takes its place (see `givenBack`).
 */
import type { Anomaly } from "../result";
import { anomaly } from "./anomalies";

export const PAYLOAD_LIMITS = Object.freeze({
  maxDepth: 64,
  maxJsonLength: 1_000_000,
  /** Beyond this depth Node-RED's recursive copy (and the next node's JSON.stringify) may overflow the stack. */
  maxCopyDepth: 256,
  /** Values looked at before giving up: the same object referenced many times would otherwise be walked exponentially. */
  maxVisits: 2_000_000,
});

/** Keys that reshape an object instead of naming a field: `__proto__` replaces the prototype of a copy. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * "declaration": everything (a body goes to the API as JSON). "structure": only what makes the message impossible to
 * handle or copy (depth, unreadable values); for a query, whose payload is only read for a few parameters.
 */
export type InspectionMode = "declaration" | "structure";

export interface PayloadInspection {
  /** Blocking anomalies, at most one per code, in the order found. */
  anomalies: Anomaly[];
  /** False when Node-RED could not copy the payload: it must not be given back as it is. */
  copyable: boolean;
  /** Why it is not copyable (the code of the anomaly that says so). */
  uncopyableBecause?: string;
}

interface Frame {
  value: Record<string | number, unknown>;
  keys?: string[];
  length: number;
  index: number;
  depth: number;
  parent?: Frame;
  key?: string | number;
}

const MAX_FIELD_LENGTH = 200;

function fieldOf(parent: Frame | undefined, key: string | number | undefined): string | undefined {
  const parts: string[] = [];
  let frameKey = key;
  for (let frame = parent; ; frame = frame.parent) {
    if (frameKey !== undefined) parts.push(typeof frameKey === "number" ? `[${frameKey}]` : `.${frameKey}`);
    if (!frame) break;
    frameKey = frame.key;
  }
  const path = parts.reverse().join("").replace(/^\./, "");
  if (path === "") return undefined;
  return path.length > MAX_FIELD_LENGTH ? path.slice(0, MAX_FIELD_LENGTH - 3) + "..." : path;
}

function isBinary(value: object): boolean {
  return Buffer.isBuffer(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function typeName(proto: object): string {
  try {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name.slice(0, 40) : "unknown";
  } catch {
    return "unknown";
  }
}

class Walk {
  readonly found = new Map<string, Anomaly>();
  copyable = true;
  uncopyableBecause?: string;
  private stopped = false;
  private size = 0;
  private visits = 0;
  private readonly stack: Frame[] = [];
  private readonly ancestors = new Set<object>();
  private readonly content: boolean;

  constructor(mode: InspectionMode) {
    this.content = mode === "declaration";
  }

  run(root: unknown): void {
    this.visit(root, undefined, undefined, 0);
    while (this.stack.length > 0 && !this.stopped) {
      const frame = this.stack[this.stack.length - 1];
      if (frame.index >= frame.length) {
        this.ancestors.delete(frame.value);
        this.stack.pop();
        continue;
      }
      const index = frame.index++;
      const key: string | number = frame.keys ? frame.keys[index] : index;
      if (typeof key === "string") {
        this.size += key.length + 4;
        if (this.content && FORBIDDEN_KEYS.has(key)) this.report("LOCAL-KEY-FORBIDDEN", fieldOf(frame, key), { key });
      } else this.size += 1;
      let child: unknown;
      try {
        child = frame.value[key];
      } catch {
        this.unreadable(frame, key);
        return;
      }
      this.visit(child, frame, key, frame.depth + 1);
    }
  }

  private visit(value: unknown, parent: Frame | undefined, key: string | number | undefined, depth: number): void {
    if (++this.visits > PAYLOAD_LIMITS.maxVisits) {
      this.report("LOCAL-PAYLOAD-TOO-LARGE", undefined, { limit: PAYLOAD_LIMITS.maxJsonLength });
      this.uncopyable("LOCAL-PAYLOAD-TOO-LARGE");
      return;
    }
    switch (typeof value) {
      case "string":
        this.size += value.length + 2;
        break;
      case "number":
        if (!Number.isFinite(value) && this.content)
          this.report("LOCAL-NUMBER-NOT-FINITE", fieldOf(parent, key), { v: String(value) });
        this.size += 8;
        break;
      case "boolean":
        this.size += 5;
        break;
      case "undefined":
        break;
      case "bigint":
      case "symbol":
      case "function":
        if (this.content) this.report("LOCAL-PAYLOAD-UNSUPPORTED", fieldOf(parent, key), { kind: typeof value });
        break;
      default:
        if (value === null) this.size += 4;
        else this.container(value as object, parent, key, depth);
    }
    if (this.content && this.size > PAYLOAD_LIMITS.maxJsonLength)
      this.report("LOCAL-PAYLOAD-TOO-LARGE", undefined, { limit: PAYLOAD_LIMITS.maxJsonLength });
  }

  private container(value: object, parent: Frame | undefined, key: string | number | undefined, depth: number): void {
    try {
      if (this.ancestors.has(value)) {
        if (this.content) this.report("LOCAL-PAYLOAD-CIRCULAR", fieldOf(parent, key));
        return;
      }
      if (depth > PAYLOAD_LIMITS.maxDepth)
        this.report("LOCAL-PAYLOAD-TOO-DEEP", fieldOf(parent, key), { limit: PAYLOAD_LIMITS.maxDepth });
      if (depth > PAYLOAD_LIMITS.maxCopyDepth) {
        this.uncopyable("LOCAL-PAYLOAD-TOO-DEEP");
        return;
      }
      if (Array.isArray(value)) {
        this.size += 2;
        this.push(value as unknown as Frame["value"], undefined, value.length, depth, parent, key);
        return;
      }
      const proto = Object.getPrototypeOf(value) as object | null;
      if (value instanceof Date) {
        this.size += 26;
        return;
      }
      const plain = proto === null || Object.getPrototypeOf(proto) === null;
      if (!plain) {
        const binary = isBinary(value);
        if (this.content)
          this.report(
            "LOCAL-PAYLOAD-UNSUPPORTED",
            fieldOf(parent, key),
            binary ? { kind: "buffer" } : { kind: "object", type: typeName(proto) },
          );
        // Binary data has no nested values; any other object is still walked, for what its copy would meet.
        if (binary) return;
      }
      this.size += 2;
      const keys = Object.keys(value);
      this.push(value as Frame["value"], keys, keys.length, depth, parent, key);
    } catch {
      // A revoked Proxy, or a trap that throws (getPrototypeOf, ownKeys...).
      this.unreadable(parent, key);
    }
  }

  private push(
    value: Frame["value"],
    keys: string[] | undefined,
    length: number,
    depth: number,
    parent: Frame | undefined,
    key: string | number | undefined,
  ): void {
    this.ancestors.add(value);
    this.stack.push({ value, keys, length, index: 0, depth, parent, key });
  }

  private unreadable(parent: Frame | undefined, key: string | number | undefined): void {
    this.report("LOCAL-PAYLOAD-UNREADABLE", fieldOf(parent, key));
    this.uncopyable("LOCAL-PAYLOAD-UNREADABLE");
  }

  private uncopyable(code: string): void {
    this.copyable = false;
    this.uncopyableBecause ??= code;
    this.stopped = true;
  }

  private report(code: string, field: string | undefined, params: Record<string, string | number> = {}): void {
    if (!this.found.has(code)) this.found.set(code, anomaly(code, field, params));
  }
}

/** Looks at a payload (or one element of an array payload) without copying it; never throws. */
export function inspectPayload(payload: unknown, mode: InspectionMode = "declaration"): PayloadInspection {
  const walk = new Walk(mode);
  try {
    walk.run(payload);
  } catch {
    // Nothing above should throw; if it does, the payload is treated as unreadable rather than crashing the caller.
    walk.found.set("LOCAL-PAYLOAD-UNREADABLE", anomaly("LOCAL-PAYLOAD-UNREADABLE", undefined));
    walk.copyable = false;
    walk.uncopyableBecause ??= "LOCAL-PAYLOAD-UNREADABLE";
  }
  return {
    anomalies: [...walk.found.values()],
    copyable: walk.copyable,
    ...(walk.uncopyableBecause ? { uncopyableBecause: walk.uncopyableBecause } : {}),
  };
}

/** What stands for a payload that cannot be given back: its kind and its first top-level keys, nothing nested. */
export function payloadSummary(payload: unknown, because: string): Record<string, unknown> {
  const summary: Record<string, unknown> = { replaced: true, reason: because };
  try {
    if (Array.isArray(payload)) {
      summary.kind = "array";
      summary.length = payload.length;
    } else if (typeof payload === "object" && payload !== null) {
      summary.kind = "object";
      summary.keys = Object.keys(payload)
        .slice(0, 50)
        .map((key) => key.slice(0, 100));
    } else summary.kind = typeof payload;
  } catch {
    summary.kind = "unreadable";
  }
  return summary;
}

/**
 * What the anomaly output gives back: the payload untouched when Node-RED can copy it; otherwise a summary, and a
 * warning saying so.
 */
export function givenBack(payload: unknown, inspection: PayloadInspection): { payload: unknown; warning?: Anomaly } {
  if (inspection.copyable) return { payload };
  const because = inspection.uncopyableBecause ?? "LOCAL-PAYLOAD-UNREADABLE";
  return {
    payload: payloadSummary(payload, because),
    warning: anomaly("LOCAL-PAYLOAD-REPLACED", "payload", { reason: because }, { severity: "WARNING" }),
  };
}
