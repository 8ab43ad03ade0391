// The storefront's schema, versioned: applied at start by service-kit's `migrate`; a released version is never
// edited, only followed by a new one.
import type { Migration } from '@platform/service-kit';

export const STOREFRONT_SCHEMA = 'storefront';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions',
    sql: `
      CREATE TABLE storefront.sessions (
        -- derived from the session id, which only the browser's cookie holds
        lookup bytea PRIMARY KEY,
        -- the session's JSON sealed with another key derived from the id
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- slides forward with use, never past absolute_expires_at
        expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        -- set while one request refreshes the session's tokens, so replicas never spend a refresh token twice
        refresh_lease_until timestamptz,
        CHECK (expires_at <= absolute_expires_at)
      );
      CREATE INDEX sessions_expires_at ON storefront.sessions (expires_at);
    `,
  },
];
