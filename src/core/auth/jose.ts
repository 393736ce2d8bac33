/**
 * jose (JWT signing and verification) is an ES module only, from version 6. Our compiled code is CommonJS, and
 * `require()` of an ES module fails on Node 18 and on Node 22 before 22.12: it is loaded with `import()`, which works
 * from CommonJS on every Node we support. The project compiles with `"module": "node16"`, under which TypeScript keeps
 * `import()` as it is (and refuses a static import of jose from a CommonJS file).
 */
import { webcrypto } from "node:crypto";

/** The module's type as `import()` sees it (the ES module), not as `require()` would. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the rule reads the import attributes as a value
export type Jose = typeof import("jose", { with: { "resolution-mode": "import" } });

let loading: Promise<Jose> | undefined;

/**
 * jose 6 reaches the Web Crypto API through the `crypto` global, which Node has from version 19 (Node 18 only with
 * --experimental-global-webcrypto): without it every signature fails with "crypto is not defined". On Node 18 the
 * global is set to node:crypto's `webcrypto`, the very object later versions of Node put there; elsewhere nothing changes.
 */
function ensureWebCryptoGlobal(): void {
  if (typeof globalThis.crypto !== "undefined") return;
  Object.defineProperty(globalThis, "crypto", {
    value: webcrypto,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/** The jose module, loaded once; a failed load is retried on the next call. */
export function loadJose(): Promise<Jose> {
  ensureWebCryptoGlobal();
  loading ??= import("jose").catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
