import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  AuthorizationServerMetadata,
  authorizationServerMetadata,
  METADATA_PATHS,
} from './authorization-server-metadata.js';

describe('the issuer metadata (RFC 8414)', () => {
  it('names the public URL as the issuer, exactly, and the JWKS under it as an absolute URL', () => {
    for (const issuer of ['http://localhost:8080', 'https://api.example.com', 'https://shop.example.com:8443']) {
      const metadata = authorizationServerMetadata(issuer);
      expect(metadata.issuer).toBe(issuer);
      expect(metadata.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
      expect(new URL(metadata.jwks_uri).origin).toBe(issuer);
    }
  });

  it('is published where a client looks for it: the issuer plus the well-known suffix, nothing in between', () => {
    const issuer = 'https://api.example.com';
    for (const path of METADATA_PATHS) {
      const location = new URL(path, issuer).href;
      // RFC 8414 section 3.3 and OIDC Discovery section 4.3: the issuer is the location minus the well-known part
      expect(location.slice(0, location.indexOf('/.well-known/'))).toBe(authorizationServerMetadata(issuer).issuer);
    }
    expect(METADATA_PATHS).toEqual(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);
  });

  it('claims nothing the platform does not do: no OpenID members, no endpoints, and no grant by default', () => {
    const metadata = authorizationServerMetadata('http://localhost:8080');
    expect(Object.keys(metadata).sort()).toEqual([
      'grant_types_supported',
      'issuer',
      'jwks_uri',
      'response_types_supported',
    ]);
    // required by RFC 8414; empty, since there is no authorization endpoint
    expect(metadata.response_types_supported).toEqual([]);
    // published empty: left out, RFC 8414 reads it as ["authorization_code", "implicit"]
    expect(metadata.grant_types_supported).toEqual([]);
    expect(Value.Check(AuthorizationServerMetadata, metadata)).toBe(true);
    expect(Value.Check(AuthorizationServerMetadata, { ...metadata, id_token_signing_alg_values_supported: [] })).toBe(
      false,
    );
  });
});
