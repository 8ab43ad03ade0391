// The rules of identity: registration, login with throttling, refresh-token rotation with reuse detection,
// logout and who-am-i. Transport-free: its refusals are AuthErrors of a kind (auth.errors.ts).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TokenError } from '@platform/auth-kit';
import type { Logger } from '@platform/service-kit';
import { AuthError } from './auth.errors.js';
import type { AuthEvents } from './auth.metrics.js';
import type { LoginAttempt, LoginReservations } from './login-reservations.js';
import { type PasswordHasher, PasswordHasherBusyError } from './passwords.js';
import type { RefreshTokensRepository } from './refresh-tokens.repository.js';
import type { Tokens } from './tokens.js';
import type { User, UsersRepository } from './users.repository.js';

export const DEFAULT_ROLES: readonly string[] = ['user'];

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface AuthServiceOptions {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  logins: LoginReservations;
  passwords: PasswordHasher;
  tokens: Tokens;
  logger: Logger;
  events: AuthEvents;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshFamilyMaxAgeSeconds: number;
}

export interface AuthService {
  register(input: { email: string; password: string; name?: string | undefined }): Promise<User>;
  login(input: { email: string; password: string; clientIp: string }): Promise<TokenPair>;
  refresh(refreshToken: string): Promise<TokenPair>;
  logout(refreshToken: string): Promise<void>;
  me(accessToken: string): Promise<User>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// expired refresh tokens are kept a day, so presenting one answers "expired" in logs rather than "unknown"
const EXPIRED_TOKEN_GRACE_SECONDS = 24 * 3600;
const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

export function createAuthService(options: AuthServiceOptions): AuthService {
  const { users, refreshTokens, logins, passwords, tokens, logger, events } = options;
  let housekeptAt = Number.NEGATIVE_INFINITY;

  const invalidCredentials = () => new AuthError('invalid-credentials', 'The email or password is incorrect');
  const busy = () =>
    new AuthError('busy', 'Too many logins are being checked; retry shortly', { retryAfterSeconds: 1 });
  const invalidRefreshToken = () =>
    new AuthError('invalid-refresh-token', 'The refresh token is invalid, expired or revoked');

  function issue(user: { id: string; roles: readonly string[] }, refreshToken: string): TokenPair {
    return {
      accessToken: tokens.sign({ sub: user.id, roles: user.roles }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: options.accessTokenTtlSeconds,
    };
  }

  // Expired rows are of no use; deleted from the login path at most every few minutes per replica
  async function houseKeep(): Promise<void> {
    if (Date.now() - housekeptAt < HOUSEKEEPING_INTERVAL_MS) return;
    housekeptAt = Date.now();
    const tokensDeleted = await refreshTokens.deleteExpired(EXPIRED_TOKEN_GRACE_SECONDS);
    const countersDeleted = await logins.deleteStale();
    if (tokensDeleted + countersDeleted > 0) logger.info({ tokensDeleted, countersDeleted }, 'expired rows deleted');
  }

  return {
    async register({ email, password, name }) {
      let passwordHash: string;
      try {
        passwordHash = await passwords.hash(password);
      } catch (error) {
        throw error instanceof PasswordHasherBusyError ? busy() : error;
      }
      const user = await users.create({
        id: randomUUID(),
        email: normaliseEmail(email),
        name: name ?? null,
        passwordHash,
        roles: [...DEFAULT_ROLES],
      });
      if (!user) throw new AuthError('email-taken', 'An account with this email already exists');
      return user;
    },

    async login({ email, password, clientIp }) {
      const attempt: LoginAttempt = { email: normaliseEmail(email), clientIp };
      // counted before the password is checked: of any number of concurrent guesses, only the allowed ones get here
      const reservation = await logins.reserve(attempt);
      if (!reservation.granted) {
        events.login('throttled');
        throw new AuthError('login-locked', 'Too many failed logins; try again later', {
          retryAfterSeconds: reservation.retryAfterSeconds,
        });
      }
      let user: Awaited<ReturnType<UsersRepository['findByEmail']>>;
      let valid: boolean;
      try {
        user = await users.findByEmail(attempt.email);
        // an unknown email costs one scrypt too, so timing does not tell which emails have accounts
        valid = user ? await passwords.verify(password, user.passwordHash) : await fail(passwords, password);
        events.passwordChecked();
      } catch (error) {
        // no answer about the password: the attempt is given back rather than counted as a failure
        await logins.release(attempt).catch((releaseError) => {
          logger.warn({ err: releaseError }, 'could not release a login reservation');
        });
        if (error instanceof PasswordHasherBusyError) {
          events.login('busy');
          throw busy();
        }
        throw error;
      }
      if (!user || !valid) {
        await logins.failed(attempt);
        events.login('failure');
        logger.info({ known: Boolean(user) }, 'login failed');
        throw invalidCredentials();
      }
      await logins.succeeded(attempt).catch(async (error) => {
        // the success was not recorded (the database went away): the attempt is given back, not left counted
        await logins.release(attempt).catch(() => {});
        throw error;
      });
      events.login('success');
      if (passwords.needsRehash(user.passwordHash)) {
        // the password is at hand only now: an old hash is upgraded to the current cost on its first login
        try {
          await users.updatePasswordHash(user.id, await passwords.hash(password));
        } catch (error) {
          if (!(error instanceof PasswordHasherBusyError)) throw error; // upgraded on a later login instead
        }
      }
      const refreshToken = newRefreshToken();
      await refreshTokens.startFamily({
        hash: hashRefreshToken(refreshToken),
        familyId: randomUUID(),
        userId: user.id,
        ttlSeconds: options.refreshTokenTtlSeconds,
        familyTtlSeconds: options.refreshFamilyMaxAgeSeconds,
      });
      await houseKeep();
      return issue(user, refreshToken);
    },

    async refresh(presented) {
      const replacement = newRefreshToken();
      const outcome = await refreshTokens.rotate(
        hashRefreshToken(presented),
        hashRefreshToken(replacement),
        options.refreshTokenTtlSeconds,
      );
      if (outcome.status === 'reused') {
        // either the client or someone who stole a token used it twice: neither copy may go on
        logger.warn({ userId: outcome.userId, familyId: outcome.familyId }, 'refresh token reused: login revoked');
      }
      if (outcome.status !== 'rotated') throw invalidRefreshToken();
      const user = await users.findById(outcome.userId);
      if (!user) throw invalidRefreshToken();
      return issue(user, replacement);
    },

    async logout(presented) {
      // unknown tokens are fine: logging out twice, or with a token already revoked, ends in the same state
      await refreshTokens.revokeFamilyOf(hashRefreshToken(presented));
    },

    async me(accessToken) {
      let subject: string;
      try {
        subject = tokens.verify(accessToken).subject;
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        throw new AuthError('invalid-access-token', error.message, { tokenError: error });
      }
      const user = UUID.test(subject) ? await users.findById(subject) : undefined;
      if (!user) {
        throw new AuthError('invalid-access-token', 'The user of this token no longer exists');
      }
      return user;
    },
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function fail(passwords: PasswordHasher, password: string): Promise<false> {
  await passwords.verifyDummy(password);
  return false;
}

/** 32 random bytes, base64url: the opaque token the client holds. */
function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
