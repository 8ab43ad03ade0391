// A role and a database of its own for each service, owned by that role and closed to every other one, as compose
// and Kubernetes make them: no service can read another's tables, in process mode too.
import { createHmac } from 'node:crypto';
import pg from 'pg';

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Each role's password is derived from the superuser's (HMAC), so nothing but the superuser's password is stored
 * and every start sets the same one again.
 */
export function rolePassword(superuserPassword: string, role: string): string {
  return createHmac('sha256', superuserPassword).update(`role:${role}`).digest('base64url');
}

/** Creates the role and the database when missing (idempotent) and returns the URL the service connects with. */
export async function ensureServiceDatabase(superuserUrl: string, name: string, password: string): Promise<string> {
  if (!NAME.test(name)) throw new Error(`not a plain role and database name: ${JSON.stringify(name)}`);
  const client = new pg.Client({ connectionString: superuserUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    const role = client.escapeIdentifier(name);
    const secret = client.escapeLiteral(password);
    const roles = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    await client.query(
      roles.rowCount === 0
        ? `CREATE ROLE ${role} LOGIN PASSWORD ${secret}`
        : `ALTER ROLE ${role} LOGIN PASSWORD ${secret}`,
    );
    const databases = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (databases.rowCount === 0) {
      await client.query(`CREATE DATABASE ${role} OWNER ${role}`);
      await client.query(`REVOKE ALL ON DATABASE ${role} FROM PUBLIC`);
    }
  } finally {
    await client.end();
  }
  const url = new URL(superuserUrl);
  url.username = name;
  url.password = password;
  url.pathname = `/${name}`;
  return url.toString();
}
