import { FlaApiClient } from "../../src/core/api/httpClient";
/** A scripted HTTP server on 127.0.0.1 for the API client and controller tests, and a counting TokenProvider. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenProvider } from "../../src/core/auth/tokenProvider";
import { FlaError } from "../../src/core/errors";

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
  body: string;
  at: number;
}

export type Responder = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export class ScriptedServer {
  readonly seen: SeenRequest[] = [];
  private readonly script: Responder[] = [];
  private fallback: Responder = json(200, {});
  private server?: http.Server;
  private readonly sockets = new Set<import("node:net").Socket>();
  inFlight = 0;
  maxInFlight = 0;
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        this.seen.push({
          method: req.method ?? "",
          url: req.url ?? "",
          authorization: req.headers.authorization,
          body,
          at: Date.now(),
        });
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const done = (): void => {
          this.inFlight--;
        };
        res.on("close", done);
        const responder = this.script.shift() ?? this.fallback;
        responder(req, res, body);
      });
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/REST/federalLearningAccount/v1`;
    return this;
  }

  /** The next requests are answered by these, in order; then by the fallback. */
  plan(...responders: Responder[]): this {
    this.script.push(...responders);
    return this;
  }

  otherwise(responder: Responder): this {
    this.fallback = responder;
    return this;
  }

  reset(): void {
    this.seen.length = 0;
    this.script.length = 0;
    this.fallback = json(200, {});
    this.maxInFlight = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": status >= 400 ? "application/problem+json" : "application/json",
      ...headers,
    });
    res.end(text);
  };
}

export function empty(status: number, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end();
  };
}

export function raw(status: number, text: string, contentType = "application/json"): Responder {
  return (_req, res) => {
    res.writeHead(status, { "Content-Type": contentType });
    res.end(text);
  };
}

/** Closes the connection without an answer, after the request was read (the API may have recorded it). */
export const reset: Responder = (req) => {
  req.socket.destroy();
};

/** Never answers. */
export const hang: Responder = () => undefined;

/** Answers after `ms`. */
export function later(ms: number, responder: Responder): Responder {
  return (req, res, body) => {
    setTimeout(() => responder(req, res, body), ms);
  };
}

/** Hands out token-1, token-2, ... and counts invalidations; can be told to fail. */
export class CountingTokens implements TokenProvider {
  issued = 0;
  invalidated = 0;
  private current?: string;
  private failures: FlaError[] = [];

  failNext(...errors: FlaError[]): void {
    this.failures.push(...errors);
  }

  async getAccessToken(): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (!this.current) {
      this.issued++;
      this.current = `token-${this.issued}`;
    }
    return this.current;
  }

  invalidateAccessToken(): void {
    this.invalidated++;
    this.current = undefined;
  }
}

/** Rejects with the error a promise rejects with, or fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<FlaError> {
  try {
    await promise;
  } catch (error) {
    return error as FlaError;
  }
  throw new Error("expected a rejection, got a result");
}

/** An API client of `server` with short retries, as the core tests use it (the tokens counted unless given). */
export function clientFor(
  server: ScriptedServer,
  options: { tokens?: TokenProvider; timeoutMs?: number } = {},
): FlaApiClient {
  return new FlaApiClient({
    apiUrl: server.url,
    tokens: options.tokens ?? new CountingTokens(),
    timeoutMs: options.timeoutMs ?? 2000,
    retry: { baseDelayMs: 10, maxDelayMs: 40 },
  });
}
