// Storage of users in auth.users.
import type { Pool } from '@platform/service-kit';

export interface User {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

export interface NewUser {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  roles: string[];
}

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  password_hash: string;
}

const UNIQUE_VIOLATION = '23505';

export interface UsersRepository {
  /** The new user, or undefined when the email is taken. */
  create(user: NewUser): Promise<User | undefined>;
  findByEmail(email: string): Promise<UserWithPassword | undefined>;
  findById(id: string): Promise<User | undefined>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
}

export function createUsersRepository(pool: Pool): UsersRepository {
  return {
    async create({ id, email, name, passwordHash, roles }) {
      try {
        const { rows } = await pool.query<UserRow>(
          `INSERT INTO auth.users (id, email, name, password_hash, roles)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING id, email, name, roles`,
          [id, email, name, passwordHash, roles],
        );
        return toUser(rows[0]!);
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
        throw error;
      }
    },

    async findByEmail(email) {
      const { rows } = await pool.query<UserRow>(
        'SELECT id, email, name, roles, password_hash FROM auth.users WHERE email = $1',
        [email],
      );
      const row = rows[0];
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },

    async findById(id) {
      const { rows } = await pool.query<UserRow>('SELECT id, email, name, roles FROM auth.users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    },

    async updatePasswordHash(id, passwordHash) {
      await pool.query('UPDATE auth.users SET password_hash = $2, updated_at = now() WHERE id = $1', [
        id,
        passwordHash,
      ]);
    },
  };
}

function toUser(row: Pick<UserRow, 'id' | 'email' | 'name' | 'roles'>): User {
  return { id: row.id, email: row.email, name: row.name, roles: row.roles };
}
