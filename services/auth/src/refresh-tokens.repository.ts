// Storage of refresh tokens in auth.refresh_tokens, by SHA-256 hash only. Rotation and reuse detection happen in
// one transaction with the presented token's row locked, so two concurrent uses of one token cannot both succeed.
import { inTransaction, type Pool } from '@platform/service-kit';

export interface NewRefreshToken {
  hash: Buffer;
  familyId: string;
  userId: string;
  ttlSeconds: number;
}

/** What presenting a refresh token for rotation led to. */
export type RotationOutcome =
  | { status: 'rotated'; userId: string; familyId: string }
  /** The token was already spent: the whole family has now been revoked. */
  | { status: 'reused'; userId: string; familyId: string }
  | { status: 'revoked' | 'expired' | 'unknown' };

interface TokenRow {
  family_id: string;
  user_id: string;
  rotated_at: Date | null;
  revoked_at: Date | null;
  expired: boolean;
}

export interface RefreshTokensRepository {
  insert(token: NewRefreshToken): Promise<void>;
  /** Spends `presented` and stores `replacement` in its family, or revokes the family when it was spent before. */
  rotate(presented: Buffer, replacement: Buffer, ttlSeconds: number): Promise<RotationOutcome>;
  /** Revokes every token of the presented token's family; false when the token is unknown. */
  revokeFamilyOf(presented: Buffer): Promise<boolean>;
  /** Deletes tokens that expired more than `graceSeconds` ago; returns how many. */
  deleteExpired(graceSeconds: number): Promise<number>;
}

export function createRefreshTokensRepository(pool: Pool): RefreshTokensRepository {
  return {
    async insert({ hash, familyId, userId, ttlSeconds }) {
      await pool.query(
        `INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
         VALUES ($1, $2, $3, now() + $4::integer * interval '1 second')`,
        [hash, familyId, userId, ttlSeconds],
      );
    },

    rotate(presented, replacement, ttlSeconds) {
      return inTransaction(pool, async (client): Promise<RotationOutcome> => {
        const { rows } = await client.query<TokenRow>(
          `SELECT family_id, user_id, rotated_at, revoked_at, expires_at <= now() AS expired
           FROM auth.refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
          [presented],
        );
        const row = rows[0];
        if (!row) return { status: 'unknown' };
        if (row.revoked_at) return { status: 'revoked' };
        if (row.rotated_at) {
          await client.query(
            'UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
            [row.family_id],
          );
          return { status: 'reused', userId: row.user_id, familyId: row.family_id };
        }
        if (row.expired) return { status: 'expired' };
        await client.query('UPDATE auth.refresh_tokens SET rotated_at = now() WHERE token_hash = $1', [presented]);
        await client.query(
          `INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, expires_at)
           VALUES ($1, $2, $3, now() + $4::integer * interval '1 second')`,
          [replacement, row.family_id, row.user_id, ttlSeconds],
        );
        return { status: 'rotated', userId: row.user_id, familyId: row.family_id };
      });
    },

    async revokeFamilyOf(presented) {
      const { rowCount } = await pool.query(
        `UPDATE auth.refresh_tokens SET revoked_at = now()
         WHERE family_id = (SELECT family_id FROM auth.refresh_tokens WHERE token_hash = $1)
           AND revoked_at IS NULL`,
        [presented],
      );
      return (rowCount ?? 0) > 0;
    },

    async deleteExpired(graceSeconds) {
      const { rowCount } = await pool.query(
        `DELETE FROM auth.refresh_tokens WHERE expires_at < now() - $1::integer * interval '1 second'`,
        [graceSeconds],
      );
      return rowCount ?? 0;
    },
  };
}
