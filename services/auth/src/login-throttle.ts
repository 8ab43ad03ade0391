// Login throttling rules, as pure functions of a stored state and the time. An attempt is reserved before its password
// is checked, so concurrent guesses are counted before any of them is verified: per account, at most
// `maxFailuresPerAccount` attempts per window, then a lockout that doubles with each lockout in a row (up to
// `maxLockoutSeconds`); per client address, a budget of failures that refills over the window, so an address that
// keeps failing is slowed down (429 with a short Retry-After) rather than any account locked for everyone. A
// reservation nobody settles (its replica died, or lost the database mid-check) is given back after
// UNSETTLED_RESERVATION_SECONDS, so a fault never leaves an honest user locked out.

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

/**
 * Longer than any check can take (a password derivation waits at most a few seconds for its slot, then takes well
 * under one): reservations still unsettled this long after the latest one were abandoned, and are given back.
 */
export const UNSETTLED_RESERVATION_SECONDS = 15;

/** Reservations not settled yet (granted, password not yet decided), and when they count as abandoned. */
export interface Unsettled {
  unsettled: number;
  /** Seconds since the epoch; null when nothing is unsettled. */
  unsettledUntil: number | null;
}

/** Per account (lower-cased email); times in seconds since the epoch. */
export interface AccountAttempts extends Unsettled {
  /** Attempts reserved in the current window, whether still running or failed. */
  attempts: number;
  windowStartedAt: number;
  lockedUntil: number | null;
  /** Lockouts in a row. */
  lockouts: number;
}

/** Per client address: a token bucket of failed logins. */
export interface AddressBudget extends Unsettled {
  /** What is left to spend, the unsettled reservations already taken out. */
  tokens: number;
  refilledAt: number;
}

export type Decision<T> = { granted: true; state: T } | { granted: false; retryAfterSeconds: number };

export const newAccountAttempts = (now: number): AccountAttempts => ({
  attempts: 0,
  windowStartedAt: now,
  lockedUntil: null,
  lockouts: 0,
  unsettled: 0,
  unsettledUntil: null,
});

export const newAddressBudget = (now: number, settings: LoginThrottleSettings): AddressBudget => ({
  tokens: settings.maxFailuresPerAddress,
  refilledAt: now,
  unsettled: 0,
  unsettledUntil: null,
});

const abandoned = (state: Unsettled, now: number) =>
  state.unsettled > 0 && state.unsettledUntil !== null && state.unsettledUntil <= now;

/** One more reservation running: the abandonment clock starts again with it. */
const oneMoreUnsettled =
  (now: number) =>
  (state: Unsettled): Unsettled => ({
    unsettled: state.unsettled + 1,
    unsettledUntil: now + UNSETTLED_RESERVATION_SECONDS,
  });

/** One reservation settled (its answer came, whatever it was). */
const oneLessUnsettled = (state: Unsettled): Unsettled => {
  const unsettled = Math.max(0, state.unsettled - 1);
  return { unsettled, unsettledUntil: unsettled === 0 ? null : state.unsettledUntil };
};

const retryAfter = (seconds: number) => Math.max(1, Math.ceil(seconds));

export function reserveAccount(
  state: AccountAttempts,
  now: number,
  settings: LoginThrottleSettings,
): Decision<AccountAttempts> {
  if (state.lockedUntil !== null && state.lockedUntil > now) {
    return { granted: false, retryAfterSeconds: retryAfter(state.lockedUntil - now) };
  }
  let current = state;
  if (abandoned(current, now)) {
    current = {
      ...current,
      attempts: Math.max(0, current.attempts - current.unsettled),
      unsettled: 0,
      unsettledUntil: null,
    };
  }
  if (current.windowStartedAt + settings.windowSeconds <= now) {
    current = { ...current, attempts: 0, windowStartedAt: now, unsettled: 0, unsettledUntil: null };
  }
  // every allowed attempt is already running: they decide, within seconds, whether a lockout follows
  if (current.attempts >= settings.maxFailuresPerAccount) return { granted: false, retryAfterSeconds: 1 };
  return { granted: true, state: { ...current, attempts: current.attempts + 1, ...oneMoreUnsettled(now)(current) } };
}

/** A reserved attempt failed: the one that used up the window locks the account. */
export function accountFailed(state: AccountAttempts, now: number, settings: LoginThrottleSettings): AccountAttempts {
  const settled = { ...state, ...oneLessUnsettled(state) };
  if (settled.attempts < settings.maxFailuresPerAccount) return settled;
  if (settled.lockedUntil !== null && settled.lockedUntil > now) return settled; // a concurrent failure locked it
  const remembered = settled.lockedUntil !== null && now - settled.lockedUntil < LOCKOUT_MEMORY_SECONDS;
  const lockouts = (remembered ? settled.lockouts : 0) + 1;
  const seconds = Math.min(settings.lockoutSeconds * 2 ** (lockouts - 1), settings.maxLockoutSeconds);
  return { ...settled, attempts: 0, windowStartedAt: now, lockedUntil: now + seconds, lockouts };
}

/** The right password: the account's count and lockout history start over. */
export const accountSucceeded = (now: number): AccountAttempts => newAccountAttempts(now);

/** An attempt that ended without an answer about the password (an error): its reservation is given back. */
export const accountReleased = (state: AccountAttempts): AccountAttempts => ({
  ...state,
  attempts: Math.max(0, state.attempts - 1),
  ...oneLessUnsettled(state),
});

function refilled(budget: AddressBudget, now: number, settings: LoginThrottleSettings): AddressBudget {
  const rate = settings.maxFailuresPerAddress / settings.windowSeconds;
  const tokens = Math.min(settings.maxFailuresPerAddress, budget.tokens + Math.max(0, now - budget.refilledAt) * rate);
  return { ...budget, tokens, refilledAt: now };
}

export function reserveAddress(
  budget: AddressBudget,
  now: number,
  settings: LoginThrottleSettings,
): Decision<AddressBudget> {
  let current = refilled(budget, now, settings);
  if (abandoned(current, now)) {
    const tokens = Math.min(settings.maxFailuresPerAddress, current.tokens + current.unsettled);
    current = { ...current, tokens, unsettled: 0, unsettledUntil: null };
  }
  if (current.tokens < 1) {
    const rate = settings.maxFailuresPerAddress / settings.windowSeconds;
    return { granted: false, retryAfterSeconds: retryAfter((1 - current.tokens) / rate) };
  }
  return { granted: true, state: { ...current, tokens: current.tokens - 1, ...oneMoreUnsettled(now)(current) } };
}

/** Only failures spend an address's budget: a success (or an error) gives its reservation back. */
export function addressRefunded(budget: AddressBudget, now: number, settings: LoginThrottleSettings): AddressBudget {
  const current = refilled(budget, now, settings);
  return {
    ...current,
    tokens: Math.min(settings.maxFailuresPerAddress, current.tokens + 1),
    ...oneLessUnsettled(current),
  };
}

/** A failure keeps the address's reservation spent; it is only no longer unsettled. */
export const addressFailed = (budget: AddressBudget): AddressBudget => ({ ...budget, ...oneLessUnsettled(budget) });
