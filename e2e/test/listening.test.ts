// Process mode keeps the platform off the network: every port listens on loopback only, the embedded PostgreSQL's
// too, so nobody on the LAN can call catalog's or orders' gRPC API directly; GATEWAY_HOST opens the gateway, and
// only the gateway, to the network.

import { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { offsetPorts } from '@platform/launcher';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PORT_OFFSET, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ gatewayHost: '0.0.0.0' });
});
afterAll(async () => {
  await platform?.close();
});

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

it('listens on loopback only, but for the gateway that GATEWAY_HOST opened', async () => {
  // an address of this machine that is not loopback: what another machine on the network would connect to
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
  expect(lan, 'this machine has no non-loopback IPv4 address to test with').toBeDefined();

  const seen: Record<string, string> = {};
  // every port of every service the launcher runs by default (the load generator only runs with --with-load)
  const { loadgenOps: _notRunning, ...running } = offsetPorts(PORT_OFFSET);
  const ports = { ...running, postgres: Number(new URL(platform.databaseUrl).port) };
  for (const [name, port] of Object.entries(ports)) {
    seen[name] = `loopback ${await accepts('127.0.0.1', port)}, network ${await accepts(lan!, port)}`;
  }
  const loopbackOnly = Object.fromEntries(Object.keys(ports).map((name) => [name, 'loopback true, network false']));
  expect(seen).toEqual({ ...loopbackOnly, gateway: 'loopback true, network true' });
  expect(Object.keys(seen)).toEqual(expect.arrayContaining(['auth', 'catalogGrpc', 'ordersOps', 'storefront']));
  expect(platform.logs.some((line) => line.includes('(gateway, listening on 0.0.0.0), http://localhost:'))).toBe(true);
});
