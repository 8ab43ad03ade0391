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
  {
    version: 2,
    name: 'login attempts reserved before the password check, refresh-token families',
    sql: `
      -- per account (email): attempts are reserved before the password is checked, under a row lock, so concurrent
      -- guesses cannot outrun the limit; each lockout in a row lasts longer than the one before
      CREATE TABLE auth.login_account_attempts (
        email text PRIMARY KEY,
        attempts integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz,
        lockouts integer NOT NULL
      );
      CREATE INDEX login_account_attempts_window_started_at_idx ON auth.login_account_attempts (window_started_at);

      -- per client address: a budget of failed logins that refills over time, so an address is slowed down
      CREATE TABLE auth.login_address_budgets (
        address text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL
      );
      CREATE INDEX login_address_budgets_refilled_at_idx ON auth.login_address_budgets (refilled_at);

      -- counters of the old check-then-record throttle; the new tables start empty
      DROP TABLE auth.login_failures;

      -- one row per login: rotation and revocation lock it, so neither can miss a token the other is creating;
      -- expires_at bounds the login however often it is refreshed
      CREATE TABLE auth.refresh_families (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX refresh_families_expires_at_idx ON auth.refresh_families (expires_at);
      INSERT INTO auth.refresh_families (id, user_id, created_at, expires_at, revoked_at)
        SELECT family_id, (array_agg(user_id))[1], min(created_at), max(expires_at), max(revoked_at)
        FROM auth.refresh_tokens GROUP BY family_id;
      ALTER TABLE auth.refresh_tokens
        ADD CONSTRAINT refresh_tokens_family_id_fkey FOREIGN KEY (family_id)
        REFERENCES auth.refresh_families (id) ON DELETE CASCADE;
    `,
  },
  {
    version: 3,
    name: 'login reservations nobody settles are given back',
    sql: `
      -- reservations granted and not yet settled, and when they count as abandoned (a replica that died or lost the
      -- database mid-check never settles its own)
      ALTER TABLE auth.login_account_attempts
        ADD COLUMN unsettled integer NOT NULL DEFAULT 0,
        ADD COLUMN unsettled_until timestamptz;
      ALTER TABLE auth.login_address_budgets
        ADD COLUMN unsettled integer NOT NULL DEFAULT 0,
        ADD COLUMN unsettled_until timestamptz;
    `,
  },
];
