/** GET /declarations/{declarationId}: PENDING until the asynchronous processing delay is over, then the final result. */
import { json, notFound, type Reply } from "../reply";
import type { DeclarationResult } from "../types";
import { authorize, type ApiContext, type ApiRequest } from "./context";

export function readDeclaration(ctx: ApiContext, req: ApiRequest): Reply {
  const declaration = ctx.store.declarations.get(req.params.declarationId);
  if (!declaration) return notFound(`No declaration ${req.params.declarationId}.`);
  const refused = authorize(ctx, req.token, declaration.enterpriseNumber, { in: "path", name: "declarationId" });
  if (refused) return refused;
  if (Date.now() < declaration.readyAt) {
    const pending: DeclarationResult = { declarationId: declaration.declarationId, status: "PENDING", anomalies: [] };
    return json(200, pending, { "Retry-After": "1" });
  }
  const result: DeclarationResult = {
    declarationId: declaration.declarationId,
    status: declaration.status,
    anomalies: declaration.anomalies,
  };
  if (declaration.trainingId !== undefined) result.trainingId = declaration.trainingId;
  return json(
    200,
    result,
    declaration.trainingId !== undefined && declaration.status !== "REJECTED"
      ? { "Content-Location": `${ctx.apiUrl}/trainings/${declaration.trainingId}` }
      : undefined,
  );
}
