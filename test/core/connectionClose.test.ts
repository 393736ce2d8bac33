/**
 * FlaConnection.close(): once the requests in flight have ended, no keep-alive socket stays open. Real HTTP on
 * 127.0.0.1: the simulator behind a counting TCP relay that keeps the client's side open until the client closes it
 * (the simulator's own idle timeout would otherwise close them and hide a leak).
 */
import assert from "node:assert/strict";
import net, { type AddressInfo } from "node:net";
import { buildRequest } from "../../src/core/api/catalogue";
import { FlaConnection, type ConnectionConfig } from "../../src/core/connection";
import { SEED } from "../../src/simulator";
import { getTestCertificates, type TestCertificates } from "../support/certificates";
import { startTestSimulator, type TestSimulator } from "../support/simulator";

/** Relays TCP to `port` and counts the client sockets still open; `allClosed()` resolves when none is. */
class CountingRelay {
  readonly server: net.Server;
  private readonly open = new Set<net.Socket>();
  private waiters: Array<() => void> = [];
  accepted = 0;

  constructor(port: number) {
    this.server = net.createServer((client) => {
      this.accepted++;
      this.open.add(client);
      const upstream = net.connect(port, "127.0.0.1");
      client.pipe(upstream);
      // The upstream's end is not passed on: only the client closes its socket.
      upstream.pipe(client, { end: false });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      client.on("close", () => {
        upstream.destroy();
        this.open.delete(client);
        if (this.open.size === 0) for (const resolve of this.waiters.splice(0)) resolve();
      });
    });
  }

  get openCount(): number {
    return this.open.size;
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, "127.0.0.1", () => resolve((this.server.address() as AddressInfo).port)),
    );
  }

  allClosed(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe("core/connection close: the keep-alive sockets are closed", function () {
  this.timeout(15_000);
  let certs: TestCertificates;
  let sim: TestSimulator;
  let relay: CountingRelay;
  let relayUrl: string;
  before(async () => {
    certs = await getTestCertificates();
    sim = await startTestSimulator(certs.client.certificatePem);
    relay = new CountingRelay(sim.port);
    relayUrl = `http://127.0.0.1:${await relay.listen()}`;
  });
  after(async () => {
    await relay.stop();
    await sim.stop();
  });

  it("after a token request and API calls, close() leaves no socket open (it fails by timeout if one stays)", async () => {
    const config = {
      environment: "custom",
      tokenUrl: sim.tokenUrl.replace(sim.url, relayUrl),
      audience: sim.tokenUrl,
      apiUrl: sim.apiUrl.replace(sim.url, relayUrl),
      clientId: sim.client.clientId,
      role: "employer",
      enterpriseNumber: sim.client.enterpriseNumber,
      certificateFormat: "pem",
      timeout: 5,
    } as ConnectionConfig;
    const connection = FlaConnection.open(config, {
      certificate: certs.client.certificatePem,
      privateKey: certs.client.privateKeyPem,
    });
    assert.equal(connection.problem, undefined, connection.problem?.message);
    const list = () =>
      connection.requireClient().send(buildRequest("trainings", { enterpriseNumber: SEED.demoEmployer }));
    assert.equal((await list()).httpStatus, 200);
    assert.equal((await list()).httpStatus, 200);
    assert.ok(relay.openCount >= 1, "keep-alive sockets are open before close");

    await connection.close();
    await relay.allClosed();
    assert.equal(relay.openCount, 0);
  });
});
