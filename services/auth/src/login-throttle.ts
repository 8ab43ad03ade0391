// Login throttling rules, as pure functions of a stored state and the time. An attempt is reserved before its password
// is checked, so concurrent guesses are counted before any of them is verified: per account, at most
// `maxFailuresPerAccount` attempts per window, then a lockout that doubles with each lockout in a row (up to
// `maxLockoutSeconds`); per client address, a budget of failures that refills over the window, so an address that
// keeps failing is slowed down (429 with a short Retry-After) rather than any account locked for everyone.

export interface LoginThrottleSettings {
  maxFailuresPerAccount: number;
  /** Attempts older than this no longer count; the address budget refills over the same time. */
  windowSeconds: number;
  /** The first lockout; each lockout in a row doubles it. */
  lockoutSeconds: number;
  maxLockoutSeconds: number;
  /** Size of an address's budget of failed logins. */
  maxFailuresPerAddress: number;
}

/** A lockout counts towards the next one's length while it ended less than this ago. */
export const LOCKOUT_MEMORY_SECONDS = 24 * 3600;

/** Per account (lower-cased email); times in seconds since the epoch. */
export interface AccountAttempts {
  /** Attempts reserved in the current window, whether still running or failed. */
  attempts: number;
  windowStartedAt: number;
  lockedUntil: number | null;
  /** Lockouts in a row. */
  lockouts: number;
}

/** Per client address: a token bucket of failed logins. */
export interface AddressBudget {
  tokens: number;
  refilledAt: number;
}

export type Decision<T> = { granted: true; state: T } | { granted: false; retryAfterSeconds: number };

export const newAccountAttempts = (now: number): AccountAttempts => ({
  attempts: 0,
  windowStartedAt: now,
  lockedUntil: null,
  lockouts: 0,
});

export const newAddressBudget = (now: number, settings: LoginThrottleSettings): AddressBudget => ({
  tokens: settings.maxFailuresPerAddress,
  refilledAt: now,
});

const retryAfter = (seconds: number) => Math.max(1, Math.ceil(seconds));

export function reserveAccount(
  state: AccountAttempts,
  now: number,
  settings: LoginThrottleSettings,
): Decision<AccountAttempts> {
  if (state.lockedUntil !== null && state.lockedUntil > now) {
    return { granted: false, retryAfterSeconds: retryAfter(state.lockedUntil - now) };
  }
  const current =
    state.windowStartedAt + settings.windowSeconds <= now ? { ...state, attempts: 0, windowStartedAt: now } : state;
  // every allowed attempt is already running: they decide, within seconds, whether a lockout follows
  if (current.attempts >= settings.maxFailuresPerAccount) return { granted: false, retryAfterSeconds: 1 };
  return { granted: true, state: { ...current, attempts: current.attempts + 1 } };
}

/** A reserved attempt failed: the one that used up the window locks the account. */
export function accountFailed(state: AccountAttempts, now: number, settings: LoginThrottleSettings): AccountAttempts {
  if (state.attempts < settings.maxFailuresPerAccount) return state;
  if (state.lockedUntil !== null && state.lockedUntil > now) return state; // a concurrent failure locked it already
  const remembered = state.lockedUntil !== null && now - state.lockedUntil < LOCKOUT_MEMORY_SECONDS;
  const lockouts = (remembered ? state.lockouts : 0) + 1;
  const seconds = Math.min(settings.lockoutSeconds * 2 ** (lockouts - 1), settings.maxLockoutSeconds);
  return { attempts: 0, windowStartedAt: now, lockedUntil: now + seconds, lockouts };
}

/** The right password: the account's count and lockout history start over. */
export const accountSucceeded = (now: number): AccountAttempts => newAccountAttempts(now);

/** An attempt that ended without an answer about the password (an error): its reservation is given back. */
export const accountReleased = (state: AccountAttempts): AccountAttempts => ({
  ...state,
  attempts: Math.max(0, state.attempts - 1),
});

function refilled(budget: AddressBudget, now: number, settings: LoginThrottleSettings): AddressBudget {
  const rate = settings.maxFailuresPerAddress / settings.windowSeconds;
  const tokens = Math.min(settings.maxFailuresPerAddress, budget.tokens + Math.max(0, now - budget.refilledAt) * rate);
  return { tokens, refilledAt: now };
}

export function reserveAddress(
  budget: AddressBudget,
  now: number,
  settings: LoginThrottleSettings,
): Decision<AddressBudget> {
  const current = refilled(budget, now, settings);
  if (current.tokens < 1) {
    const rate = settings.maxFailuresPerAddress / settings.windowSeconds;
    return { granted: false, retryAfterSeconds: retryAfter((1 - current.tokens) / rate) };
  }
  return { granted: true, state: { ...current, tokens: current.tokens - 1 } };
}

/** Only failures spend an address's budget: a success (or an error) gives its reservation back. */
export function addressRefunded(budget: AddressBudget, now: number, settings: LoginThrottleSettings): AddressBudget {
  const current = refilled(budget, now, settings);
  return { ...current, tokens: Math.min(settings.maxFailuresPerAddress, current.tokens + 1) };
}
