// Token discovery as other people's clients do it, through the gateway of the processes `npm start` runs: openid-client
// (the most used OpenID client for Node) discovers the issuer from the platform's public URL, and jose verifies an
// access token from login against the JWKS that metadata names, as RFC 9068 asks of a resource server.
import { offsetPorts } from '@platform/launcher';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import * as openid from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { PORT_OFFSET, preferredDatabase, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ database: preferredDatabase() });
});
afterAll(async () => {
  await platform?.close();
});

/** openid-client's discovery of an issuer; the platform runs on plain http here, which it must be told to allow. */
const discover = (issuer: string, algorithm: 'oidc' | 'oauth2' = 'oidc') =>
  openid.discovery(new URL(issuer), 'e2e-client', undefined, openid.None(), {
    algorithm,
    execute: [openid.allowInsecureRequests],
  });

describe('token discovery through the gateway', () => {
  it('openid-client discovers the public URL as the issuer, at the OpenID and at the RFC 8414 location', async () => {
    expect(platform.publicUrl).toBe(`http://localhost:${offsetPorts(PORT_OFFSET).gateway}`);
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const metadata = (await discover(platform.publicUrl, algorithm)).serverMetadata();
      expect(metadata.issuer).toBe(platform.publicUrl);
      expect(metadata.jwks_uri).toBe(`${platform.publicUrl}/.well-known/jwks.json`);
      // RFC 8414 metadata, not an OpenID provider's: nothing is claimed that the platform does not do
      expect(metadata.response_types_supported).toEqual([]);
      expect(metadata.grant_types_supported).toEqual([]);
      expect(metadata).not.toHaveProperty('authorization_endpoint');
      expect(metadata).not.toHaveProperty('id_token_signing_alg_values_supported');
    }
  });

  it("openid-client refuses auth's own address: the issuer is public, never the internal port", async () => {
    const auth = `http://127.0.0.1:${offsetPorts(PORT_OFFSET).auth}`;
    await expect(discover(auth)).rejects.toThrow('discovered metadata issuer does not match the expected issuer');
  });

  it('jose verifies an access token from login against the JWKS the metadata names (typ at+jwt, iss, aud)', async () => {
    const user = await newUser(
      createApiClient(() => platform.gatewayUrl),
      'discovery',
    );
    const metadata = (await discover(platform.publicUrl)).serverMetadata();
    const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri ?? ''));
    const expected = {
      issuer: metadata.issuer,
      audience: 'platform-api',
      typ: 'at+jwt',
      algorithms: ['ES256', 'RS256'],
    };

    const { payload, protectedHeader } = await jwtVerify(user.accessToken, jwks, expected);
    expect(payload).toMatchObject({ iss: platform.publicUrl, sub: user.id, aud: 'platform-api' });
    expect(protectedHeader).toMatchObject({ typ: 'at+jwt', kid: expect.any(String) });

    // the same token against the old issuer, another audience or another token type: refused
    for (const other of [{ issuer: 'http://localhost:8081' }, { audience: 'catalog' }, { typ: 'JWT' }]) {
      await expect(jwtVerify(user.accessToken, jwks, { ...expected, ...other })).rejects.toBeInstanceOf(
        errors.JWTClaimValidationFailed,
      );
    }
  });
});
