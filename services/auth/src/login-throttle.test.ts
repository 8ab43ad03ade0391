import { describe, expect, it } from 'vitest';
import {
  accountFailed,
  accountSucceeded,
  addressFailed,
  addressRefunded,
  type LoginThrottleSettings,
  newAccountAttempts,
  newAddressBudget,
  reserveAccount,
  reserveAddress,
  UNSETTLED_RESERVATION_SECONDS,
} from './login-throttle.js';

const settings: LoginThrottleSettings = {
  maxFailuresPerAccount: 5,
  windowSeconds: 900,
  lockoutSeconds: 60,
  maxLockoutSeconds: 3600,
  maxFailuresPerAddress: 20,
};

/** Guesses one wrong password after another, as fast as the account allows; returns how many were checked. */
function guessesWithin(seconds: number): number {
  let state = newAccountAttempts(0);
  let checked = 0;
  let now = 0;
  while (now < seconds) {
    const decision = reserveAccount(state, now, settings);
    if (!decision.granted) {
      now += decision.retryAfterSeconds;
      continue;
    }
    checked++;
    state = accountFailed(decision.state, now, settings);
  }
  return checked;
}

describe('the account throttle', () => {
  it('grants at most the limit of attempts before any of them is settled', () => {
    let state = newAccountAttempts(0);
    const granted = [];
    for (let i = 0; i < 60; i++) {
      const decision = reserveAccount(state, 0, settings);
      if (decision.granted) {
        state = decision.state;
        granted.push(i);
      }
    }
    expect(granted).toHaveLength(5);
  });

  it('locks after the limit, doubling each lockout in a row up to the cap, and forgets after a success', () => {
    let state = newAccountAttempts(0);
    const lockouts: number[] = [];
    let now = 0;
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < 5; i++) {
        const decision = reserveAccount(state, now, settings);
        if (!decision.granted) throw new Error('refused inside the limit');
        state = accountFailed(decision.state, now, settings);
      }
      lockouts.push(state.lockedUntil! - now);
      now = state.lockedUntil!;
    }
    expect(lockouts).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(reserveAccount(accountSucceeded(now), now, settings).granted).toBe(true);
    expect(accountSucceeded(now).lockouts).toBe(0);
  });

  it('gives back reservations nobody settled (their replica died mid-check), and only those', () => {
    const reserve = (state: ReturnType<typeof newAccountAttempts>, now: number) => {
      const decision = reserveAccount(state, now, settings);
      if (!decision.granted) throw new Error(`refused at ${now}`);
      return decision.state;
    };
    let state = newAccountAttempts(0);
    for (let i = 0; i < 4; i++) state = reserve(state, 0);
    // two of the four answered (wrong passwords), two never will
    state = accountFailed(accountFailed(state, 1, settings), 1, settings);
    state = reserve(state, 10);
    expect(reserveAccount(state, 10 + UNSETTLED_RESERVATION_SECONDS - 1, settings).granted).toBe(false);
    // the latest reservation is as old as the longest check: all three unsettled ones are given back
    state = reserve(state, 10 + UNSETTLED_RESERVATION_SECONDS);
    expect(state.attempts).toBe(3);
    // the two failures still count: two more attempts, then none
    for (let i = 0; i < 2; i++) state = reserve(state, 10 + UNSETTLED_RESERVATION_SECONDS);
    expect(reserveAccount(state, 10 + UNSETTLED_RESERVATION_SECONDS, settings).granted).toBe(false);
  });

  it('lets through about 145 sequential guesses a day instead of 7,200', () => {
    expect(guessesWithin(24 * 3600)).toBeLessThanOrEqual(150);
  });
});

describe('the address budget', () => {
  it('slows an address down to its refill rate instead of locking it, and gives successes back', () => {
    let budget = newAddressBudget(0, settings);
    for (let i = 0; i < 20; i++) {
      const decision = reserveAddress(budget, 0, settings);
      if (!decision.granted) throw new Error('refused inside the budget');
      budget = decision.state;
    }
    const refused = reserveAddress(budget, 0, settings);
    // one failure refills every 900 / 20 = 45 s: a short wait, not a lockout
    expect(refused).toEqual({ granted: false, retryAfterSeconds: 45 });
    expect(reserveAddress(budget, 45, settings).granted).toBe(true);
    expect(reserveAddress(addressRefunded(budget, 0, settings), 0, settings).granted).toBe(true);
  });

  it('gives back the reservations nobody settled, not the failures', () => {
    let budget = newAddressBudget(0, settings);
    for (let i = 0; i < 20; i++) {
      const decision = reserveAddress(budget, 0, settings);
      if (!decision.granted) throw new Error('refused inside the budget');
      budget = decision.state;
    }
    // five failed, fifteen were abandoned by a replica that lost its database
    for (let i = 0; i < 5; i++) budget = addressFailed(budget);
    expect(budget.unsettled).toBe(15);
    const later = reserveAddress(budget, UNSETTLED_RESERVATION_SECONDS, settings);
    if (!later.granted) throw new Error('abandoned reservations were not given back');
    // 15 back, and what refilled meanwhile, less this one: the five failures stay spent
    expect(later.state.tokens).toBeCloseTo(15 + (UNSETTLED_RESERVATION_SECONDS * 20) / 900 - 1, 5);
  });
});
