// The catalog schema, versioned: applied at start by service-kit's migrate() inside the `catalog` schema.
// A released version is never edited; a change is a new version appended to the list.
import type { Migration } from '@platform/service-kit';

export const CATALOG_SCHEMA = 'catalog';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'products and stock reservations',
    sql: `
      CREATE TABLE catalog.products (
        id uuid PRIMARY KEY,
        sku text NOT NULL UNIQUE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        price_cents bigint NOT NULL CHECK (price_cents >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        -- the database, not only the code, refuses an oversell
        stock integer NOT NULL CHECK (stock >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- one row per reservation_id ever used, kept after release so a repeat is answered as the first time
      CREATE TABLE catalog.reservations (
        id text PRIMARY KEY,
        -- the token subject that made (or released) it; another user cannot reuse or release it
        user_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('reserved', 'released')),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz
      );

      CREATE TABLE catalog.reservation_lines (
        reservation_id text NOT NULL REFERENCES catalog.reservations (id),
        -- the line's index in the request, so a repeat answers in the first request's order
        position integer NOT NULL,
        product_id uuid NOT NULL REFERENCES catalog.products (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price_cents bigint NOT NULL,
        currency text NOT NULL,
        PRIMARY KEY (reservation_id, position),
        UNIQUE (reservation_id, product_id)
      );
      CREATE INDEX reservation_lines_product_id ON catalog.reservation_lines (product_id);
    `,
  },
  {
    version: 2,
    name: 'holds that expire unless confirmed; stock callers are services',
    sql: `
      -- before this version the caller was an end user; now it is an OAuth client (the orders service)
      ALTER TABLE catalog.reservations RENAME COLUMN user_id TO created_by;
      ALTER TABLE catalog.reservations DROP CONSTRAINT reservations_status_check;
      -- a reservation from before holds existed stood for good: it is a confirmed one
      UPDATE catalog.reservations SET status = 'confirmed' WHERE status = 'reserved';
      ALTER TABLE catalog.reservations
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN confirmed_at timestamptz,
        ADD CONSTRAINT reservations_status_check CHECK (status IN ('held', 'confirmed', 'released', 'expired')),
        -- the sweeper and ConfirmStock race on a hold's expiry; the row lock decides, and the loser sees the result
        ADD CONSTRAINT reservations_held_until CHECK (status <> 'held' OR expires_at IS NOT NULL);
      -- what the sweeper scans: holds, oldest expiry first
      CREATE INDEX reservations_held_expiry ON catalog.reservations (expires_at) WHERE status = 'held';
    `,
  },
  {
    version: 3,
    name: 'a notification after every change of products, for the product cache of every replica',
    sql: `
      -- pg_notify is sent at commit, and only then: a rolled-back change notifies nobody. Per statement, not per
      -- row: a cache drops everything at once, and PostgreSQL folds equal notifications of one transaction.
      CREATE FUNCTION catalog.notify_products_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('catalog_products_changed', '');
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.products
        FOR EACH STATEMENT EXECUTE FUNCTION catalog.notify_products_changed();
    `,
  },
];
