// Generates what is missing of the compose stack's secrets, one directory (a named volume) per consumer, and exits.
// Runs as `secrets-init` before everything else at each `docker compose up`; existing keys and passwords are kept,
// because the database volume took the passwords on its first start.
//
//   generate.mjs              create what is missing (and rewrite each database-url from its role's password)
//   generate.mjs rotate-jwt   the current signing key becomes the previous one and a new one signs
//
// /secrets/postgres/  postgres-password (superuser), auth-password, catalog-password, orders-password (their roles)
// /secrets/auth/      jwt-signing-key.pem, jwt-previous-key.pem (ES256, PKCS#8), database-url,
//                     oauth-clients.json (the service clients with the SHA-256 of each secret, never the secret)
// /secrets/catalog/   database-url         /secrets/orders/  database-url, oauth-client-secret
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = '/secrets';
const databaseServices = ['auth', 'catalog', 'orders'];
const consumers = ['postgres', ...databaseServices];
const log = (message) => process.stdout.write(`secrets-init: ${message}\n`);

function fail(message) {
  process.stderr.write(`secrets-init: ${message}\n`);
  process.exit(1);
}

/** Writes atomically (a reader never sees half a key), readable by its owner only. */
function writeSecret(path, content) {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path);
}

const newSigningKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
// hex: nothing to escape in a URL, in SQL or in a shell
const newPassword = () => randomBytes(24).toString('hex');

function ensure(path, create) {
  if (existsSync(path)) return;
  writeSecret(path, create());
  log(`created ${path}`);
}

for (const consumer of consumers) {
  const dir = join(root, consumer);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    const owner = existsSync(dir) ? `owned by uid ${statSync(dir).uid}` : 'missing';
    fail(
      `cannot write ${dir} (${owner}, running as uid ${process.getuid()}). Its volume was probably created by another ` +
        'container before secrets-init first ran; remove the stack with its volumes (docker compose down -v) and start again.',
    );
  }
}

const signingKey = join(root, 'auth/jwt-signing-key.pem');
const previousKey = join(root, 'auth/jwt-previous-key.pem');

if (process.argv[2] === 'rotate-jwt') {
  if (!existsSync(signingKey)) fail(`no signing key at ${signingKey} to rotate`);
  writeSecret(`${signingKey}.new`, newSigningKey());
  renameSync(signingKey, previousKey);
  renameSync(`${signingKey}.new`, signingKey);
  log('rotated the JWT signing key; now recreate auth: docker compose up -d --force-recreate auth');
  process.exit(0);
} else if (process.argv[2] !== undefined) {
  fail(`unknown command ${process.argv[2]} (expected nothing or rotate-jwt)`);
}

ensure(signingKey, newSigningKey);
// The JWKS always lists two keys; before the first rotation the previous one has simply never signed anything.
ensure(previousKey, newSigningKey);
ensure(join(root, 'postgres/postgres-password'), newPassword);
for (const service of databaseServices) {
  const passwordFile = join(root, `postgres/${service}-password`);
  ensure(passwordFile, newPassword);
  const password = readFileSync(passwordFile, 'utf8').trim();
  const url = `postgres://${service}:${password}@postgres:5432/${service}`;
  const urlFile = join(root, service, 'database-url');
  if (!existsSync(urlFile) || readFileSync(urlFile, 'utf8') !== url) {
    writeSecret(urlFile, url);
    log(`wrote ${urlFile}`);
  }
}
// Service identity: orders proves itself to catalog with a client-credentials token from auth. Its secret stays in
// its own volume; auth's registry, rewritten from it, holds only the hash.
const serviceClients = [{ client_id: 'orders', audiences: ['catalog'] }];
const registry = serviceClients.map(({ client_id, audiences }) => {
  const secretFile = join(root, client_id, 'oauth-client-secret');
  ensure(secretFile, () => randomBytes(32).toString('base64url'));
  const secret = readFileSync(secretFile, 'utf8').replace(/[\r\n]+$/, '');
  return { client_id, client_secret_sha256: createHash('sha256').update(secret).digest('hex'), audiences };
});
const registryFile = join(root, 'auth/oauth-clients.json');
const registryJson = `${JSON.stringify(registry, null, 2)}\n`;
if (!existsSync(registryFile) || readFileSync(registryFile, 'utf8') !== registryJson) {
  writeSecret(registryFile, registryJson);
  log(`wrote ${registryFile}`);
}
log('ready');
