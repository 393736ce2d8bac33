/** The HTTP pipeline: routing, body, fault injection (before/after), bearer token check, handler, answer. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ApiContext } from "./api/context";
import { FaultInjector, type FaultTarget } from "./faults";
import { BodyTooLarge, notFound, problem, readBody, serverProblem, writeReply, type Reply } from "./reply";
import { API_BASE_PATH, matchRoute } from "./routes";
import { count } from "./stats";
import { TOKEN_PATH, type TokenEndpoint } from "./tokenEndpoint";
import type { TokenStore } from "./tokens";
import type { ActiveFault, SimulatorStats } from "./types";

export interface PipelineDeps {
  ctx: ApiContext;
  tokenEndpoint: TokenEndpoint;
  tokens: TokenStore;
  faults: FaultInjector;
  stats: SimulatorStats;
  /** The URLs, for the index page and the assertion audience. */
  urls: () => { url: string; tokenUrl: string; apiUrl: string };
  /** Sockets left hanging on purpose, destroyed by stop(). */
  hanging: Set<Socket>;
}

const PROBLEM_401 = {
  noAccessToken: ["No Access Token", "No bearer access token was sent: ask one at the token endpoint."],
  invalidAccessToken: ["Invalid Access Token", "The bearer access token is unknown or was revoked: ask a new one."],
  expiredAccessToken: ["Expired Access Token", "The bearer access token has expired: ask a new one."],
} as const;

function unauthorized(reason: keyof typeof PROBLEM_401): Reply {
  const [title, detail] = PROBLEM_401[reason];
  return problem(
    { type: `urn:problem-type:belgif:${reason}`, title, status: 401, detail },
    { "WWW-Authenticate": `Bearer realm="FLA", error="invalid_token"` },
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { stats } = deps;

  const send = (res: ServerResponse, reply: Reply): void => {
    count(stats.byStatus, String(reply.status));
    if (reply.status === 401 && !res.req.url?.startsWith(TOKEN_PATH)) stats.unauthorized += 1;
    writeReply(res, reply);
  };

  /** Applies a fault in place of an answer. Returns true when the answer is handled (or withheld) by the fault. */
  const applyFault = async (
    fault: ActiveFault,
    req: IncomingMessage,
    res: ServerResponse,
    original?: Reply,
  ): Promise<boolean> => {
    stats.faultsInjected += 1;
    count(stats.faultsByKind, fault.kind);
    switch (fault.kind) {
      case "status":
        send(res, serverProblem(fault.status ?? 503, fault.retryAfter));
        return true;
      case "reset": {
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
        else socket.destroy();
        return true;
      }
      case "hang":
        deps.hanging.add(req.socket);
        req.socket.once("close", () => deps.hanging.delete(req.socket));
        return true;
      case "malformed": {
        const body = '{"trainingId":"T-0000';
        count(stats.byStatus, String(fault.status ?? 200));
        res.writeHead(fault.status ?? 200, {
          "Content-Type": "application/json; charset=utf-8",
          "Content-Length": String(Buffer.byteLength(body)),
        });
        res.end(body);
        return true;
      }
      case "slow":
        await delay(fault.delayMs ?? 1000);
        if (original) send(res, original);
        return original !== undefined;
      case "expireToken":
        deps.tokens.expire(req.headers.authorization);
        if (original) send(res, unauthorized("expiredAccessToken"));
        return original !== undefined;
    }
  };

  const process = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://simulator");
    const path = url.pathname;
    const isToken = path === TOKEN_PATH;
    const inApi = path === API_BASE_PATH || path.startsWith(API_BASE_PATH + "/");
    if (!isToken && !inApi) {
      if (method === "GET" && path === "/")
        return send(res, { status: 200, body: { name: "FLA simulator", ...deps.urls() } });
      return send(
        res,
        notFound(`Nothing at ${path}: the API is under ${API_BASE_PATH}, the token endpoint at ${TOKEN_PATH}.`),
      );
    }
    const apiPath = isToken ? path : path.slice(API_BASE_PATH.length) || "/";
    const match = isToken ? undefined : matchRoute(method, apiPath);
    const routeKey = isToken ? "token" : match?.kind === "found" ? match.key : `${method} ${apiPath}`;
    if (isToken) stats.tokenRequests += 1;
    else stats.requests += 1;
    count(stats.byRoute, routeKey);

    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge)
        return send(
          res,
          problem({
            type: "urn:problem-type:belgif:payloadTooLarge",
            title: "Payload Too Large",
            status: 413,
            detail: "The body is larger than 1 MB.",
          }),
        );
      return;
    }

    const target: FaultTarget = { routeKey, method, path: apiPath, isToken };
    const fault = deps.faults.pick(target);
    if (fault && fault.phase !== "after") {
      // "slow" and "expireToken" before: they change the conditions, then the request goes on.
      if (await applyFault(fault, req, res)) return;
    }

    let reply: Reply;
    if (isToken) {
      if (method !== "POST")
        reply = {
          status: 405,
          headers: { Allow: "POST" },
          body: { error: "invalid_request", error_description: "Use POST." },
        };
      else {
        const { tokenUrl } = deps.urls();
        const scheme = (req.socket as Socket & { encrypted?: boolean }).encrypted ? "https" : "http";
        const hostUrl = `${scheme}://${req.headers.host ?? ""}${TOKEN_PATH}`;
        reply = await deps.tokenEndpoint.handle({
          contentType: req.headers["content-type"],
          body,
          audiences: [...new Set([tokenUrl, hostUrl])],
        });
      }
    } else if (!match || match.kind === "notFound") {
      reply = notFound(`No route ${method} ${apiPath}.`);
    } else if (match.kind === "methodNotAllowed") {
      reply = problem(
        {
          type: "urn:problem-type:belgif:methodNotAllowed",
          title: "Method Not Allowed",
          status: 405,
          detail: `Use ${match.allowed.join(" or ")}.`,
        },
        { Allow: match.allowed.join(", ") },
      );
    } else {
      const check = deps.tokens.check(req.headers.authorization);
      reply = check.ok
        ? match.handler(deps.ctx, { method, params: match.params, query: url.searchParams, body, token: check.token })
        : unauthorized(check.reason);
    }

    if (fault && fault.phase === "after") {
      if (await applyFault(fault, req, res, reply)) return;
    }
    send(res, reply);
  };

  return (req, res) => {
    process(req, res).catch(() => {
      send(
        res,
        problem({
          type: "urn:problem-type:belgif:internalServerError",
          title: "Internal Server Error",
          status: 500,
          detail: "The simulator failed to handle the request.",
        }),
      );
    });
  };
}
