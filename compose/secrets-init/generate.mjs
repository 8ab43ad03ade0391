// Generates what is missing of the compose stack's secrets, one directory (a named volume) per consumer, and exits.
// Runs as `secrets-init` before everything else at each `docker compose up`; existing keys and passwords are kept,
// because the database volume took the passwords on its first start.
//
//   generate.mjs                          create what is missing (and rewrite each database-url from its password)
//   generate.mjs rotate-jwt [--emergency] one rotation step of auth's JWT key ring, then recreate auth
//
// /secrets/postgres/      postgres-password (superuser), auth-password, catalog-password, orders-password,
//                         storefront-password
// /secrets/auth/          auth's key ring (JWT_KEYS_DIR): current.pem (private), next.pem and previous.pem (public
//                         halves; previous.pem starts with "Retired-At:", empty when there is none), and database-url
// /secrets/auth-keyring/  next.pem, the next key's private half: only secrets-init mounts it, so an emergency
//                         rotation promotes a key that cannot have leaked with auth's
//                         and oauth-clients.json (the service clients with the SHA-256 of each secret, never the secret)
// /secrets/catalog/       database-url         /secrets/orders/  database-url, oauth-client-secret
// /secrets/storefront/    database-url (its sessions)
//
// A rotation (services/auth/README.md, "Key rotation"): next becomes current, current becomes previous, a new next.
// Refused while the previous key is still published (ACCESS_TOKEN_TTL_SECONDS + 60 s after it retired: auth withdraws
// it by itself then) or the next key is younger than the 5 minutes verifiers keep a JWKS; --emergency withdraws the
// current key at once. SECRETS_ROOT moves /secrets (for tests).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the secrets-init container, not by a turbo task
const root = process.env.SECRETS_ROOT || '/secrets';
const databaseServices = ['auth', 'catalog', 'orders', 'storefront'];
const consumers = ['postgres', ...databaseServices, 'auth-keyring'];
const JWKS_CACHE_SECONDS = 300;
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the secrets-init container, not by a turbo task
const previousPublishedSeconds = Number(process.env.ACCESS_TOKEN_TTL_SECONDS || 900) + 60;
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

const current = join(root, 'auth/current.pem');
const nextPublic = join(root, 'auth/next.pem');
const previous = join(root, 'auth/previous.pem');
const next = join(root, 'auth-keyring/next.pem');
const publicHalf = (pem) => createPublicKey(pem).export({ type: 'spki', format: 'pem' });
const retired = (pem) => `Retired-At: ${new Date().toISOString()}\n${publicHalf(pem)}`;

// the layout before the key ring: a signing key and a private "previous" key
const legacySigning = join(root, 'auth/jwt-signing-key.pem');
const legacyPrevious = join(root, 'auth/jwt-previous-key.pem');
if (existsSync(legacySigning) && !existsSync(current)) {
  renameSync(legacySigning, current);
  if (existsSync(legacyPrevious)) writeSecret(previous, retired(readFileSync(legacyPrevious, 'utf8')));
  rmSync(legacyPrevious, { force: true });
  log('moved the JWT keys to the key ring layout');
}

if (process.argv[2] === 'rotate-jwt') {
  const emergency = process.argv[3] === '--emergency';
  if (process.argv[3] !== undefined && !emergency) fail(`unknown option ${process.argv[3]} (expected --emergency)`);
  if (!existsSync(current) || !existsSync(next)) fail('no key ring to rotate: run secrets-init once first');
  const now = Date.now();
  if (!emergency) {
    const previousPem = existsSync(previous) ? readFileSync(previous, 'utf8') : '';
    const retiredAt = /^Retired-At:\s*(\S+)/m.exec(previousPem)?.[1];
    const withdrawnAt = retiredAt ? Date.parse(retiredAt) + previousPublishedSeconds * 1000 : 0;
    if (withdrawnAt > now) {
      fail(
        `the previous key is published until ${new Date(withdrawnAt).toISOString()} for the tokens it signed; ` +
          'rotate after that, or use --emergency',
      );
    }
    const ready = statSync(next).mtimeMs + JWKS_CACHE_SECONDS * 1000;
    if (ready > now) {
      fail(
        `the next key was made less than ${JWKS_CACHE_SECONDS} s ago; rotate after ${new Date(ready).toISOString()}, ` +
          'so every verifier has it',
      );
    }
    writeSecret(previous, retired(readFileSync(current, 'utf8')));
  } else {
    writeSecret(previous, '');
  }
  writeSecret(current, readFileSync(next, 'utf8'));
  const newNext = newSigningKey();
  writeSecret(next, newNext);
  writeSecret(nextPublic, publicHalf(newNext));
  log(
    `rotated the JWT key ring${emergency ? ' (emergency: the old key is withdrawn)' : ''}; now recreate auth: ` +
      'docker compose up -d --force-recreate auth',
  );
  process.exit(0);
} else if (process.argv[2] !== undefined) {
  fail(`unknown command ${process.argv[2]} (expected nothing or rotate-jwt)`);
}

ensure(current, newSigningKey);
ensure(next, newSigningKey);
ensure(nextPublic, () => publicHalf(readFileSync(next, 'utf8')));
// auth reads an empty previous.pem as "no previous key" (before the first rotation)
ensure(previous, () => '');
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
