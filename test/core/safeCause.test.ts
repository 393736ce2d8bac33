/** The pieces of the HTTP policy that need no network: what a cause keeps, which hosts bypass a proxy. */
import assert from "node:assert/strict";
import util from "node:util";
import { FlaError } from "../../src/core/errors";
import { HttpPolicy, bypassesProxy, isLoopback } from "../../src/core/http/policy";
import { SafeCause, safeCause } from "../../src/core/http/safeCause";
import { EnvironmentVariables } from "./transportSupport";

describe("core/http safeCause: a FlaError's cause is safe by construction", () => {
  const axiosLike = Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:443"), {
    name: "AxiosError",
    code: "ECONNREFUSED",
    config: {
      headers: { Authorization: "Bearer abc.def.ghi" },
      data: '{"worker":{"ssin":"85073003328"}}',
      url: "/trainings?ssin=85073003328",
    },
    request: { _header: "POST /trainings HTTP/1.1\r\nAuthorization: Bearer abc.def.ghi" },
    cause: Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:443"), {
      code: "ECONNREFUSED",
      syscall: "connect",
      address: "10.1.2.3",
      port: 443,
    }),
  });

  it("keeps the code, syscall, host and port, and nothing of the request", () => {
    const error = new FlaError("FLA_NETWORK", "The connection failed.", { cause: axiosLike });
    const cause = (error as { cause?: unknown }).cause;
    assert.ok(cause instanceof SafeCause);
    assert.deepEqual({ ...cause }, { code: "ECONNREFUSED", syscall: "connect", host: "10.1.2.3", port: 443 });
    const shown = util.inspect(error, { depth: null, showHidden: true }) + JSON.stringify(cause);
    assert.doesNotMatch(shown, /Bearer|Authorization|85073003328|config|_header/);
  });

  it("drops a message that could hold a URL, a number like an SSIN, or a token", () => {
    for (const message of [
      "Invalid URL /trainings?ssin=85073003328",
      "request for worker 85073003328 failed",
      "Bearer eyJhbGciOi.x.y refused",
      "form client_assertion=abc",
    ]) {
      const cause = safeCause(Object.assign(new Error(message), { code: "ERR_SOMETHING" }));
      assert.equal(cause.message, "ERR_SOMETHING", message);
    }
    assert.equal(
      safeCause(new Error("unable to verify the first certificate")).message,
      "unable to verify the first certificate",
    );
  });

  it("survives getters that throw, circular causes and values that are not errors", () => {
    const hostile = {};
    Object.defineProperty(hostile, "code", {
      get: () => {
        throw new Error("boom");
      },
    });
    Object.defineProperty(hostile, "message", {
      get: () => {
        throw new Error("boom");
      },
    });
    const circular: { code: string; cause?: unknown } = { code: "ECONNRESET" };
    circular.cause = circular;
    assert.ok(safeCause(hostile) instanceof SafeCause);
    assert.equal(safeCause(circular).code, "ECONNRESET");
    assert.ok(safeCause("a string with 85073003328").message.length > 0);
    assert.doesNotMatch(safeCause("a string with 85073003328").message, /85073003328/);
    assert.ok(new FlaError("FLA_CONFIG", "x", { cause: null }));
  });

  it("keeps a FlaError cause as it is (its own cause was made safe when it was built)", () => {
    const inner = new FlaError("FLA_TIMEOUT", "inner", { cause: axiosLike });
    const outer = new FlaError("FLA_UNCERTAIN", "outer", { cause: inner });
    assert.equal((outer as { cause?: unknown }).cause, inner);
  });
});

describe("core/http policy: which calls go through a proxy", () => {
  const env = new EnvironmentVariables();
  beforeEach(() => env.clearProxies());
  afterEach(() => env.restore());

  it("never proxies loopback", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "api.localhost", "[::1]"])
      assert.ok(isLoopback(host), host);
    for (const host of ["128.0.0.1", "localhost.example", "10.0.0.1", "services.socialsecurity.be"])
      assert.ok(!isLoopback(host), host);
    env.set({ HTTP_PROXY: "http://proxy:3128", HTTPS_PROXY: "http://proxy:3128" });
    const policy = new HttpPolicy();
    assert.equal(policy.proxyFor("http://127.0.0.1:3010/REST/oauth/v5/token"), undefined);
    assert.equal(policy.proxyFor("https://services.socialsecurity.be/REST/oauth/v5/token"), "http://proxy:3128");
  });

  it("reads a no-proxy list as proxy-from-env reads NO_PROXY", () => {
    const target = new URL("https://services.socialsecurity.be/REST");
    assert.ok(bypassesProxy(target, ["services.socialsecurity.be"]));
    assert.ok(bypassesProxy(target, [".socialsecurity.be"]));
    assert.ok(bypassesProxy(target, ["*.socialsecurity.be"]));
    assert.ok(bypassesProxy(target, ["example.org, .socialsecurity.be"]));
    assert.ok(!bypassesProxy(target, ["socialsecurity.be"]), "a name without a dot or star matches itself only");
    assert.ok(bypassesProxy(target, ["services.socialsecurity.be:443"]));
    assert.ok(bypassesProxy(target, ["*"]));
    assert.ok(!bypassesProxy(target, ["services.socialsecurity.be:8443"]));
    assert.ok(!bypassesProxy(target, ["other.be", "ecurity.be.example"]));
    assert.ok(!bypassesProxy(target, []));
  });

  it("the config node's proxy replaces the variables; a proxy written without scheme is http://", () => {
    env.set({ https_proxy: "proxy.corp:8080" });
    assert.equal(new HttpPolicy().proxyFor("https://services.socialsecurity.be/"), "http://proxy.corp:8080");
    const chosen = new HttpPolicy({ proxy: { url: "http://chosen:3128", noProxy: [".internal"] } });
    assert.equal(chosen.proxyFor("https://services.socialsecurity.be/"), "http://chosen:3128");
    assert.equal(chosen.proxyFor("https://fla.internal/"), undefined);
  });
});
