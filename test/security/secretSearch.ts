/** Searches what a reader of an error or a message could see for secrets and personal data. */
import util from "node:util";

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

/** Everything a reader of the error could see: its JSON and its full inspection (hidden properties, whole chain). */
export function exposedText(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause } : v,
    );
  } catch (err) {
    json = `unserialisable: ${(err as Error).message}`;
  }
  return `${json}\n${util.inspect(value, { depth: null, showHidden: true, getters: false })}`;
}

export interface Secrets {
  token?: string;
  assertion?: string;
  passphrase: string;
  ssin: string;
}

/** The secrets found in `text`, by name. */
export function leaksIn(text: string, secrets: Secrets): string[] {
  const found: string[] = [];
  if (secrets.token && text.includes(secrets.token)) found.push("access token");
  if (secrets.assertion && text.includes(secrets.assertion)) found.push("client assertion");
  if (JWT.test(text)) found.push(`a JWT (${JWT.exec(text)![0].slice(0, 16)}…)`);
  if (text.includes(secrets.passphrase)) found.push("passphrase");
  if (text.includes(secrets.ssin)) found.push("SSIN");
  if (/Authorization/i.test(text)) found.push("Authorization");
  if (/Bearer /i.test(text)) found.push("Bearer");
  if (/client_assertion=/.test(text)) found.push("form body");
  if (/-----BEGIN/.test(text)) found.push("PEM");
  return found;
}
