// /openapi.json, as the gateway serves it, passes Redocly's recommended rules and Spectral's OWASP API Security
// ruleset with the exceptions of openapi-lint.ruleset.ts (each with its reason) and nothing else; and the limits it
// states are the ones the gateway enforces, since both come from the route schemas.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Document, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../src/app.js';
import { buildTestGateway } from './gateway.js';
import { exceptions, type LintException, redoclyRuleset, spectralRuleset } from './openapi-lint.ruleset.js';

interface Finding {
  tool: string;
  rule: string;
  where: string;
  severity: string;
  message: string;
}

let gateway: GatewayApp;
let document: Record<string, any>;
beforeAll(async () => {
  // no downstream is called: only the document is read; its server is the public URL a deployment sets (TLS ends
  // at its edge), which is what the rules judge, not the http://localhost:8080 of a laptop
  gateway = await buildTestGateway(
    {
      authUrl: 'http://127.0.0.1:9',
      catalogAddress: '127.0.0.1:9',
      ordersAddress: '127.0.0.1:9',
      jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
    },
    { PUBLIC_URL: 'https://api.shop.test' },
  );
  document = (await gateway.http.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(() => gateway.close());

async function redoclyFindings(): Promise<Finding[]> {
  const config = await createConfig(redoclyRuleset);
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems.map((problem) => ({
    tool: 'redocly',
    rule: problem.ruleId,
    // '#/paths/~1api~1orders/get/security' -> 'paths./api/orders.get.security'
    where: (problem.location[0]?.pointer ?? '#/')
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .join('.'),
    severity: problem.severity,
    message: problem.message,
  }));
}

async function spectralFindings(): Promise<Finding[]> {
  const spectral = new Spectral();
  spectral.setRuleset(spectralRuleset as never);
  const results = await spectral.run(new Document(JSON.stringify(document, null, 2), Json, 'openapi.json'));
  return results.map((result) => ({
    tool: 'spectral',
    rule: String(result.code),
    where: result.path.join('.'),
    severity: ['error', 'warn', 'info', 'hint'][result.severity] ?? String(result.severity),
    message: result.message,
  }));
}

const excused = (finding: Finding, exception: LintException) =>
  exception.rule === finding.rule && exception.where.test(finding.where);

describe('the OpenAPI document', () => {
  let findings: Finding[];
  beforeAll(async () => {
    findings = [...(await redoclyFindings()), ...(await spectralFindings())];
  });

  it('passes Redocly recommended and Spectral OWASP, but for the committed exceptions', () => {
    const unexcused = findings.filter((finding) => !exceptions.some((exception) => excused(finding, exception)));
    expect(unexcused.map((f) => `${f.tool} ${f.severity} ${f.rule} at ${f.where}: ${f.message}`)).toEqual([]);
  });

  it('holds no stale exception: each one still excuses a finding, and says why', () => {
    for (const exception of exceptions) expect(exception.reason.length).toBeGreaterThan(20);
    const stale = exceptions.filter((exception) => !findings.some((finding) => excused(finding, exception)));
    expect(stale.map((e) => `${e.rule} ${e.where}`)).toEqual([]);
  });

  it('the linters do report what they should: a document without limits fails', async () => {
    const saved = document;
    document = structuredClone(saved);
    document.paths['/api/orders'].post.requestBody.content['application/json'].schema.properties.items.maxItems =
      undefined;
    try {
      const found = await spectralFindings();
      expect(found.map((f) => f.rule)).toContain('owasp:api4:2023-array-limit');
    } finally {
      document = saved;
    }
  });
});

describe('the limits the document states are the ones enforced', () => {
  const orderBody = () =>
    document.paths['/api/orders'].post.requestBody.content['application/json'].schema.properties.items;

  it('an order of more lines than maxItems, or a quantity over the maximum, is a 400 before any downstream call', async () => {
    const { maxItems } = orderBody();
    const quantityMax = orderBody().items.properties.quantity.maximum;
    expect(maxItems).toBeGreaterThan(0);
    const line = (quantity: number) => ({ productId: 'p-1', quantity });
    for (const items of [Array.from({ length: maxItems + 1 }, () => line(1)), [line(quantityMax + 1)]]) {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/api/orders',
        headers: { authorization: 'Bearer not-checked-before-the-body' },
        payload: { items },
      });
      // the token is checked first (401) or the body (400): never accepted
      expect([400, 401]).toContain(response.statusCode);
    }
  });

  it('every operation states the rate-limit headers the gateway sends', async () => {
    const response = await gateway.http.inject({ method: 'GET', url: '/api/orders' });
    const documented = Object.keys(document.paths['/api/orders'].get.responses['401'].headers).map((h) =>
      h.toLowerCase(),
    );
    for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      expect(documented).toContain(header);
      expect(response.headers[header]).toBeDefined();
    }
  });
});
