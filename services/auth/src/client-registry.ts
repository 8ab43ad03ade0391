// The OAuth clients that may get service tokens (the platform's own services): who they are, the SHA-256 of each
// one's secret, and which audiences each may ask for. Read from OAUTH_CLIENTS; secrets are only ever compared as
// hashes, in constant time, so the registry itself holds nothing that authenticates.
import { createHash, timingSafeEqual } from 'node:crypto';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

const ClientEntry = Type.Object(
  {
    client_id: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    /** Hex SHA-256 of the client's secret (a random value of at least 128 bits, so a fast hash is enough). */
    client_secret_sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    /** The `aud` values this client may get a token for; the first is the default. */
    audiences: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);
const RegistryDocument = Type.Array(ClientEntry, { maxItems: 100 });

export interface RegisteredClient {
  clientId: string;
  audiences: readonly string[];
}

export interface ClientRegistry {
  /** The client, when `secret` is its secret; undefined for an unknown client or a wrong secret alike. */
  authenticate(clientId: string, secret: string): RegisteredClient | undefined;
  readonly size: number;
}

/** Thrown for a registry that cannot be used; names the variable, never echoes its content. */
export class ClientRegistryError extends Error {
  override readonly name = 'ClientRegistryError';
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
// compared against when the client is unknown, so an unknown client costs what a wrong secret costs
const NO_CLIENT = sha256('no such client');

/** Parses OAUTH_CLIENTS (a JSON array of clients); unset means no client may get a token. */
export function createClientRegistry(document: string | undefined, variable = 'OAUTH_CLIENTS'): ClientRegistry {
  const entries = document === undefined ? [] : parse(document, variable);
  const clients = new Map(
    entries.map((entry) => [
      entry.client_id,
      {
        client: { clientId: entry.client_id, audiences: Object.freeze([...entry.audiences]) },
        secretHash: Buffer.from(entry.client_secret_sha256, 'hex'),
      },
    ]),
  );
  if (clients.size !== entries.length) throw new ClientRegistryError(`${variable} lists a client_id more than once`);

  return {
    size: clients.size,
    authenticate(clientId, secret) {
      const known = clients.get(clientId);
      const matches = timingSafeEqual(sha256(secret), known?.secretHash ?? NO_CLIENT);
      return known && matches ? known.client : undefined;
    },
  };
}

function parse(document: string, variable: string): Static<typeof RegistryDocument> {
  let value: unknown;
  try {
    value = JSON.parse(document);
  } catch {
    throw new ClientRegistryError(
      `${variable} is not JSON (expected [{"client_id", "client_secret_sha256", "audiences"}])`,
    );
  }
  if (!Value.Check(RegistryDocument, value)) {
    const [first] = Value.Errors(RegistryDocument, value);
    throw new ClientRegistryError(
      `${variable} is invalid: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(),
    );
  }
  return value;
}
