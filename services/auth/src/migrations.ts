// The auth schema, as versioned migrations applied at start (service-kit's migrate). A released version is never
// edited, only followed by a new one.
import type { Migration } from '@platform/service-kit';

export const SCHEMA = 'auth';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users, refresh tokens and login failures',
    sql: `
      CREATE TABLE auth.users (
        id uuid PRIMARY KEY,
        -- stored lower-cased by the service, so the unique index is case-insensitive in effect
        email text NOT NULL UNIQUE,
        name text,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{user}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- only the SHA-256 of a refresh token is stored: a leaked table does not let anyone refresh
      CREATE TABLE auth.refresh_tokens (
        token_hash bytea PRIMARY KEY,
        -- every token rotated from one login shares the family; reuse of a spent token revokes the family
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX refresh_tokens_family_id_idx ON auth.refresh_tokens (family_id);
      CREATE INDEX refresh_tokens_expires_at_idx ON auth.refresh_tokens (expires_at);

      -- failed logins per email and per client address, shared by every replica and surviving restarts
      CREATE TABLE auth.login_failures (
        scope text NOT NULL CHECK (scope IN ('email', 'ip')),
        key text NOT NULL,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX login_failures_window_started_at_idx ON auth.login_failures (window_started_at);
    `,
  },
];
