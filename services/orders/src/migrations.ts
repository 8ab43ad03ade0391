// The orders schema, as versioned migrations applied at start (service-kit's migrate). A released version is never
// edited: a change is a new version.
import type { Migration } from '@platform/service-kit';

export const ORDERS_SCHEMA = 'orders';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders and their items',
    sql: `
      CREATE TABLE orders.orders (
        id uuid PRIMARY KEY,
        user_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
        -- NULLs are distinct in a unique constraint, so orders placed without a key never collide
        idempotency_key text,
        -- sha256 of the merged, sorted items: tells a retry from a different order reusing the key
        request_fingerprint text NOT NULL,
        currency text,
        total_cents bigint,
        -- while pending: until when the placing call owns the row; after it, a retry may take the row over
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_user_idempotency_key UNIQUE (user_id, idempotency_key),
        CONSTRAINT orders_priced_unless_pending
          CHECK (status = 'pending' OR (currency IS NOT NULL AND total_cents IS NOT NULL)),
        CONSTRAINT orders_lease_only_while_pending CHECK (status = 'pending' OR lease_expires_at IS NULL)
      );
      CREATE INDEX orders_user_newest_first ON orders.orders (user_id, created_at DESC, id DESC);
      CREATE TABLE orders.order_items (
        order_id uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
        position integer NOT NULL,
        product_id text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        -- set when the catalog priced the reservation (the order turned confirmed)
        unit_price_cents bigint CHECK (unit_price_cents >= 0),
        PRIMARY KEY (order_id, position),
        UNIQUE (order_id, product_id)
      );
    `,
  },
  {
    version: 2,
    name: 'placements and cancels that a recovery loop can finish',
    sql: `
      -- releasing: a placement being undone (its stock released, then the row deleted)
      -- cancelling: a cancel whose stock is being released (then cancelled)
      ALTER TABLE orders.orders
        DROP CONSTRAINT orders_status_check,
        DROP CONSTRAINT orders_priced_unless_pending,
        DROP CONSTRAINT orders_lease_only_while_pending,
        ADD CONSTRAINT orders_status_check
          CHECK (status IN ('pending', 'releasing', 'confirmed', 'cancelling', 'cancelled')),
        ADD CONSTRAINT orders_priced_once_confirmed
          CHECK (status IN ('pending', 'releasing') OR (currency IS NOT NULL AND total_cents IS NOT NULL)),
        -- the lease says until when one process owns an unsettled row; after it, the recovery loop takes it over
        ADD CONSTRAINT orders_lease_while_unsettled
          CHECK (status IN ('pending', 'releasing', 'cancelling') OR lease_expires_at IS NULL),
        ADD CONSTRAINT orders_unsettled_has_lease
          CHECK (status NOT IN ('pending', 'releasing', 'cancelling') OR lease_expires_at IS NOT NULL);
      -- what the recovery loop scans: unsettled rows, oldest lease first
      CREATE INDEX orders_unsettled_by_lease ON orders.orders (lease_expires_at)
        WHERE status IN ('pending', 'releasing', 'cancelling');
    `,
  },
];
