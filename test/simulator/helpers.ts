/** Test helpers of the simulator's own tests: a self-signed certificate, signed assertions, token and API calls with fetch. */
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { loadJose } from "../../src/core/auth/jose";
import { SCOPES } from "../../src/core/settings";
import type { Simulator } from "../../src/simulator";

export interface TestKeyPair {
  certificatePem: string;
  privateKey: KeyObject;
}

/** A fresh RSA 2048 key and a self-signed certificate valid from yesterday (or as given). */
export function makeCertificate(options: { notBefore?: Date; notAfter?: Date; commonName?: string } = {}): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01" + forge.util.bytesToHex(forge.random.getBytesSync(8));
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: "commonName", value: options.commonName ?? "FLA simulator test" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
    forge.md.sha256.create(),
  );
  return { certificatePem: forge.pki.certificateToPem(cert), privateKey };
}

export interface AssertionOptions {
  clientId: string;
  key: KeyObject;
  audience: string | string[];
  iss?: string;
  sub?: string;
  jti?: string;
  iat?: number;
  exp?: number;
  alg?: string;
}

export async function signAssertion(o: AssertionOptions): Promise<string> {
  const { SignJWT } = await loadJose();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: o.alg ?? "RS256", typ: "JWT" })
    .setIssuer(o.iss ?? o.clientId)
    .setSubject(o.sub ?? o.clientId)
    .setAudience(o.audience)
    .setJti(o.jti ?? randomUUID())
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 300)
    .sign(o.key);
}

/** Builds an unsigned or HMAC-signed JWT by hand (jose refuses to sign RS-less tokens with an RSA key). */
export function handMadeJwt(header: object, claims: object, signature = ""): string {
  const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${b64(header)}.${b64(claims)}.${signature}`;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function requestToken(sim: Simulator, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(sim.tokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function tokenForm(assertion: string, role: "employer" | "provider" = "employer"): Record<string, string> {
  return {
    grant_type: "client_credentials",
    scope: SCOPES[role],
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  };
}

/** A valid access token for a registered client. */
export async function getToken(
  sim: Simulator,
  clientId: string,
  key: KeyObject,
  role: "employer" | "provider" = "employer",
): Promise<string> {
  const assertion = await signAssertion({ clientId, key, audience: sim.tokenUrl });
  const answer = await requestToken(sim, tokenForm(assertion, role));
  if (answer.status !== 200) throw new Error(`token refused: ${JSON.stringify(answer.body)}`);
  return answer.body.access_token as string;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function api(
  sim: Simulator,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(sim.apiUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

let referenceCounter = 0;

/** A valid training for the demo worker of the demo employer, with a fresh externalReference. */
export function training(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  referenceCounter += 1;
  return {
    employer: { enterpriseNumber: "0203430576" },
    worker: { ssin: "85073003328" },
    externalReference: `TEST-${process.pid}-${referenceCounter}`,
    title: `Forklift safety ${referenceCounter}`,
    period: { startDate: "2024-03-04", endDate: "2024-03-05" },
    nature: "FORMAL",
    duration: { value: 14, unit: "HOURS" },
    outcome: "COMPLETED",
    funding: { type: "SECTORAL_FUND" },
    ...overrides,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
