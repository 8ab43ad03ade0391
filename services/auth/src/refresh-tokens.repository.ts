// Storage of refresh tokens in auth.refresh_tokens (by SHA-256 hash only) and of their families (one per login) in
// auth.refresh_families. Rotation and revocation both lock the family row first: a revocation waits for a rotation
// in progress to commit and then revokes its new token too, and a rotation in a revoked or expired family fails.
import { inTransaction, type Pool, type PoolClient } from '@platform/service-kit';

export interface NewFamily {
  /** The first token of the login. */
  hash: Buffer;
  familyId: string;
  userId: string;
  /** Lifetime of each token. */
  ttlSeconds: number;
  /** Absolute lifetime of the login, however often it is refreshed. */
  familyTtlSeconds: number;
}

/** What presenting a refresh token for rotation led to. */
export type RotationOutcome =
  | { status: 'rotated'; userId: string; familyId: string }
  /** The token was already spent: the whole family has now been revoked. */
  | { status: 'reused'; userId: string; familyId: string }
  | { status: 'revoked' | 'expired' | 'unknown' };

interface FamilyRow {
  user_id: string;
  revoked: boolean;
  expired: boolean;
}

interface TokenRow {
  rotated: boolean;
  revoked: boolean;
  expired: boolean;
}

export interface RefreshTokensRepository {
  startFamily(family: NewFamily): Promise<void>;
  /** Spends `presented` and stores `replacement` in its family, or revokes the family when it was spent before. */
  rotate(presented: Buffer, replacement: Buffer, ttlSeconds: number): Promise<RotationOutcome>;
  /** Revokes the family of the presented token; false when the token is unknown. */
  revokeFamilyOf(presented: Buffer): Promise<boolean>;
  /** Deletes tokens and families that expired more than `graceSeconds` ago; returns how many rows. */
  deleteExpired(graceSeconds: number): Promise<number>;
}

export function createRefreshTokensRepository(pool: Pool): RefreshTokensRepository {
  return {
    startFamily({ hash, familyId, userId, ttlSeconds, familyTtlSeconds }) {
      return inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO auth.refresh_families (id, user_id, expires_at)
           VALUES ($1, $2, now() + $3::integer * interval '1 second')`,
          [familyId, userId, familyTtlSeconds],
        );
        await client.query(
          `INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
           VALUES ($1, $2, $3, least(now() + $4::integer * interval '1 second',
                                     (SELECT expires_at FROM auth.refresh_families WHERE id = $2)))`,
          [hash, familyId, userId, ttlSeconds],
        );
      });
    },

    rotate(presented, replacement, ttlSeconds) {
      return inTransaction(pool, async (client): Promise<RotationOutcome> => {
        const familyId = await familyOf(client, presented);
        if (!familyId) return { status: 'unknown' };
        const family = await lockFamily(client, familyId);
        if (!family) return { status: 'unknown' };
        // read after the family lock: a rotation that held it has committed, and its outcome is visible now
        const { rows } = await client.query<TokenRow>(
          `SELECT rotated_at IS NOT NULL AS rotated, revoked_at IS NOT NULL AS revoked,
                  expires_at <= clock_timestamp() AS expired
           FROM auth.refresh_tokens WHERE token_hash = $1`,
          [presented],
        );
        const token = rows[0];
        if (!token) return { status: 'unknown' };
        if (family.revoked || token.revoked) return { status: 'revoked' };
        if (token.rotated) {
          await revokeFamily(client, familyId);
          return { status: 'reused', userId: family.user_id, familyId };
        }
        if (family.expired || token.expired) return { status: 'expired' };
        await client.query('UPDATE auth.refresh_tokens SET rotated_at = now() WHERE token_hash = $1', [presented]);
        await client.query(
          `INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
           VALUES ($1, $2, $3, least(now() + $4::integer * interval '1 second',
                                     (SELECT expires_at FROM auth.refresh_families WHERE id = $2)))`,
          [replacement, familyId, family.user_id, ttlSeconds],
        );
        return { status: 'rotated', userId: family.user_id, familyId };
      });
    },

    revokeFamilyOf(presented) {
      return inTransaction(pool, async (client) => {
        const familyId = await familyOf(client, presented);
        if (!familyId || !(await lockFamily(client, familyId))) return false;
        await revokeFamily(client, familyId);
        return true;
      });
    },

    async deleteExpired(graceSeconds) {
      // a family's tokens go with it (ON DELETE CASCADE)
      const families = await pool.query(
        `DELETE FROM auth.refresh_families WHERE expires_at < now() - $1::integer * interval '1 second'`,
        [graceSeconds],
      );
      const tokens = await pool.query(
        `DELETE FROM auth.refresh_tokens WHERE expires_at < now() - $1::integer * interval '1 second'`,
        [graceSeconds],
      );
      return (families.rowCount ?? 0) + (tokens.rowCount ?? 0);
    },
  };
}

async function familyOf(client: PoolClient, presented: Buffer): Promise<string | undefined> {
  const { rows } = await client.query<{ family_id: string }>(
    'SELECT family_id FROM auth.refresh_tokens WHERE token_hash = $1',
    [presented],
  );
  return rows[0]?.family_id;
}

function lockFamily(client: PoolClient, familyId: string): Promise<FamilyRow | undefined> {
  return client
    .query<FamilyRow>(
      `SELECT user_id, revoked_at IS NOT NULL AS revoked, expires_at <= clock_timestamp() AS expired
       FROM auth.refresh_families WHERE id = $1 FOR UPDATE`,
      [familyId],
    )
    .then(({ rows }) => rows[0]);
}

async function revokeFamily(client: PoolClient, familyId: string): Promise<void> {
  await client.query('UPDATE auth.refresh_families SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [
    familyId,
  ]);
  await client.query('UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
  ]);
}
