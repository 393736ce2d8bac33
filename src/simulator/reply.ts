/** What a handler answers, before it is written to the socket (so that an "after" fault can replace it). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { toIssue, type Finding, type ProblemIssue } from "./anomalies";

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Default application/json; problems use application/problem+json. */
  contentType?: string;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

export interface ProblemFields {
  type: string;
  title: string;
  status: number;
  detail: string;
  issues?: ProblemIssue[];
  [extra: string]: unknown;
}

export function problem(fields: ProblemFields, headers?: Record<string, string>): Reply {
  return { status: fields.status, body: fields, headers, contentType: "application/problem+json" };
}

export function badRequest(findings: Finding[], detail?: string): Reply {
  const count = findings.length;
  return problem({
    type: "urn:problem-type:belgif:badRequest",
    title: "Bad Request",
    status: 400,
    detail: detail ?? `The input message is incorrect: ${count} issue${count === 1 ? "" : "s"}.`,
    issues: findings.map(toIssue),
  });
}

export function notFound(detail: string): Reply {
  return problem({
    type: "urn:problem-type:belgif:resourceNotFound",
    title: "Resource Not Found",
    status: 404,
    detail,
  });
}

export function serverProblem(status: number, retryAfter?: number): Reply {
  const known: Record<number, [string, string]> = {
    429: ["urn:problem-type:belgif:tooManyRequests", "Too Many Requests"],
    500: ["urn:problem-type:belgif:internalServerError", "Internal Server Error"],
    502: ["urn:problem-type:belgif:badGateway", "Bad Gateway"],
    503: ["urn:problem-type:belgif:serviceUnavailable", "Service Unavailable"],
    504: ["urn:problem-type:belgif:gatewayTimeout", "Gateway Timeout"],
  };
  const [type, title] = known[status] ?? ["about:blank", `HTTP ${status}`];
  const headers: Record<string, string> = retryAfter !== undefined ? { "Retry-After": String(retryAfter) } : {};
  return problem({ type, title, status, detail: `Simulated answer ${status} (injected fault).` }, headers);
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: string | undefined;
  if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers["Content-Type"] = (reply.contentType ?? "application/json") + "; charset=utf-8";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  } else {
    headers["Content-Length"] = "0";
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export class BodyTooLarge extends Error {}

/** Reads the whole request body as text, at most `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 1_048_576): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge("body too large"));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
