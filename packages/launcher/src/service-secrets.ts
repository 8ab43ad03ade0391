// The credentials the services prove themselves to each other with in process mode (`npm start`, the tests):
// generated once into DATA_DIR/secrets, owner-only, never in git. Each client's secret goes to that service, and
// the auth service gets only the registry of clients with each secret's SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An OAuth client of the auth service's client-credentials grant, and the audiences its tokens may have. */
export interface ServiceClient {
  clientId: string;
  audiences: readonly string[];
}

/** Where the secret files live, relative to the data directory. */
export const secretsDirectory = (dataDir: string) => join(dataDir, 'secrets');
/** The file a client's secret is kept in. */
export const clientSecretFile = (clientId: string) => `${clientId}-client-secret`;
/** The auth service's registry of clients (its OAUTH_CLIENTS). */
export const CLIENT_REGISTRY_FILE = 'oauth-clients.json';

/** Creates what is missing: a 256-bit secret per client (kept across starts), and the registry rewritten from them. */
export async function ensureServiceSecrets(dataDir: string, clients: readonly ServiceClient[]): Promise<string> {
  const directory = secretsDirectory(dataDir);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const registry = [];
  for (const { clientId, audiences } of clients) {
    const file = join(directory, clientSecretFile(clientId));
    let secret = await readFile(file, 'utf8').catch(() => undefined);
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      await writeOwnerOnly(file, secret);
    }
    // the service reads the file as service-kit's X_FILE convention does: trailing newlines dropped
    const client_secret_sha256 = createHash('sha256')
      .update(secret.replace(/[\r\n]+$/, ''), 'utf8')
      .digest('hex');
    registry.push({ client_id: clientId, client_secret_sha256, audiences });
  }
  await writeOwnerOnly(join(directory, CLIENT_REGISTRY_FILE), `${JSON.stringify(registry, null, 2)}\n`);
  return directory;
}

async function writeOwnerOnly(file: string, content: string): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
