/**
 * What of an underlying failure may travel in a FlaError's `cause`. An axios error holds the request's headers (the
 * bearer token), its body (a worker's SSIN), the form of a token request (the client assertion) and the agent (the
 * proxy's credentials); a flow sees `msg.error.cause` in the debug sidebar, in logs and in files. So nothing is passed
 * on: only the fields that help to understand a failure are copied (code, syscall, host, port, HTTP status) and the
 * message only when it is plain words that cannot carry a secret.
 */

export interface SafeCauseFields {
  code?: string;
  syscall?: string;
  host?: string;
  port?: number;
  httpStatus?: number;
}

export class SafeCause extends Error {
  // Declared only: set below when known, so that JSON and inspection show no empty keys.
  declare readonly code?: string;
  declare readonly syscall?: string;
  declare readonly host?: string;
  declare readonly port?: number;
  declare readonly httpStatus?: number;

  constructor(message: string, fields: SafeCauseFields = {}) {
    super(message);
    Object.defineProperty(this, "name", { value: "SafeCause", enumerable: false });
    for (const [key, value] of Object.entries(fields))
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true });
    // The stack would name this module, not the failure: the one line says it all.
    this.stack = `${this.name}: ${message}`;
  }
}

const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const SYSCALL = /^[a-z_]{1,32}$/;
const HOST = /^[\w.:[\]-]{1,255}$/;
/** Plain words: no slash, query, userinfo or equals sign that could hold a URL, a form or a header. */
const PLAIN = /^[\w .,:;()'[\]-]{1,200}$/;
/** Words that never belong in a cause, and numbers long enough to be an SSIN. */
const SUSPICIOUS = /bearer|eyJ|assertion|authori[sz]|password|passphrase|secret|token|\d{9,}/i;

/** Reads a property without ever throwing (a getter may). */
function read(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function text(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === "string" && pattern.test(value) ? value : undefined;
}

/** The error and what it wraps (cause, the first of an AggregateError's errors), outermost first, at most 6. */
function chain(error: unknown): unknown[] {
  const links: unknown[] = [];
  let current: unknown = error;
  while (typeof current === "object" && current !== null && links.length < 6 && !links.includes(current)) {
    links.push(current);
    const errors = read(current, "errors");
    current = read(current, "cause") ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return links;
}

/** A message that is safe to show as it is, or undefined. */
export function plainMessage(value: unknown): string | undefined {
  const message = text(value, PLAIN);
  return message && !SUSPICIOUS.test(message) ? message : undefined;
}

/**
 * The safe copy of any error: the innermost code and syscall (the system error under the library's), the host and
 * port it names, an HTTP status, and its message if plain. `where` gives the host when the error does not.
 */
export function safeCause(error: unknown, where: { host?: string; port?: number } = {}): SafeCause {
  if (error instanceof SafeCause) return error;
  const fields: SafeCauseFields = {};
  let message: string | undefined;
  for (const link of chain(error)) {
    const code = text(read(link, "code"), CODE);
    if (code) fields.code = code;
    fields.syscall = text(read(link, "syscall"), SYSCALL) ?? fields.syscall;
    fields.host = text(read(link, "hostname"), HOST) ?? text(read(link, "address"), HOST) ?? fields.host;
    const port = read(link, "port");
    if (typeof port === "number" && Number.isInteger(port)) fields.port = port;
    const status = read(link, "httpStatus") ?? read(link, "status");
    if (typeof status === "number" && Number.isInteger(status)) fields.httpStatus = status;
    message = plainMessage(read(link, "message")) ?? message;
  }
  fields.host ??= where.host;
  fields.port ??= where.port;
  return new SafeCause(
    message ?? fields.code ?? "The underlying error is not shown: it may hold request data.",
    fields,
  );
}
