// The service token source against a real client-credentials endpoint on loopback: one request however many
// callers, kept until shortly before expiry, used until expiry when auth is away, dropped when refused.
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokens, ServiceTokenError } from '../src/service-token.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

describe('service tokens', () => {
  let issuer: TestIssuer;
  let endpoint: TokenEndpoint;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    endpoint = await startTokenEndpoint(issuer);
  });
  afterAll(async () => {
    await endpoint?.close();
    await issuer?.close();
  });

  /** A token source with a clock the test moves. */
  const source = (overrides: { clientSecret?: string; tokenUrl?: string } = {}) => {
    const clock = { now: 1_000_000 };
    const tokens = createServiceTokens({
      tokenUrl: endpoint.url,
      clientId: endpoint.clientId,
      clientSecret: endpoint.clientSecret,
      timeoutMs: 2_000,
      now: () => clock.now,
      ...overrides,
    });
    return { tokens, clock };
  };

  it('asks once for many callers at once and keeps the token until shortly before it expires', async () => {
    const { tokens, clock } = source();
    const before = endpoint.issued;
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(all).size).toBe(1);
    expect(endpoint.issued).toBe(before + 1);
    const claims = JSON.parse(Buffer.from(all[0]!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ client_id: 'orders', aud: 'catalog' });

    // a 300 s token is renewed 60 s before it expires, not earlier
    clock.now += 239_000;
    expect(await tokens.token()).toBe(all[0]);
    expect(endpoint.issued).toBe(before + 1);
    clock.now += 2_000;
    await tokens.token();
    expect(endpoint.issued).toBe(before + 2);
  });

  it('uses the token in hand until it expires while the endpoint cannot be reached, then fails', async () => {
    const away = await startTokenEndpoint(issuer);
    const { tokens, clock } = source({ tokenUrl: away.url });
    const held = await tokens.token();
    await away.close();

    clock.now += 250_000; // past renewal, before expiry
    expect(await tokens.token()).toBe(held);
    clock.now += 60_000; // past expiry
    const failure = await tokens.token().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceTokenError);
    expect((failure as ServiceTokenError).reason).toBe('unavailable');
  });

  it('drops a token the catalog refused, so the next caller gets a new one', async () => {
    const { tokens } = source();
    const first = await tokens.token();
    tokens.invalidate('some other token');
    expect(await tokens.token()).toBe(first);
    tokens.invalidate(first);
    expect(await tokens.token()).not.toBe(first);
  });

  it('reports refused credentials as rejected, not as an outage', async () => {
    const { tokens } = source({ clientSecret: 'wrong' });
    const failure = await tokens.token().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceTokenError);
    expect((failure as ServiceTokenError).reason).toBe('rejected');
    expect((failure as Error).message).not.toContain('wrong');
  });
});
