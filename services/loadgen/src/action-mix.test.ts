import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX, parseActionMix, pickAction } from './action-mix.js';

describe('parseActionMix', () => {
  it('reads weights, leaving unnamed actions at 0', () => {
    expect(parseActionMix(DEFAULT_MIX)).toEqual({ browse: 50, order: 20, orders: 15, cancel: 10, login: 5 });
    expect(parseActionMix(' browse = 3 ')).toEqual({ browse: 3, order: 0, orders: 0, cancel: 0, login: 0 });
  });

  it('says what is wrong', () => {
    expect(() => parseActionMix('browse=1,shoplift=2')).toThrow(/unknown action "shoplift"/);
    expect(() => parseActionMix('browse')).toThrow(/must be a list like/);
    expect(() => parseActionMix('browse=-1')).toThrow(/must be a list like/);
    expect(() => parseActionMix('browse=0,order=0')).toThrow(/at least one action/);
  });
});

describe('pickAction', () => {
  it('draws in proportion to the weights and never a weight of 0', () => {
    const mix = parseActionMix('browse=3,order=1');
    const draws = Array.from({ length: 400 }, (_, n) => pickAction(mix, n / 400));
    expect(draws.filter((a) => a === 'browse')).toHaveLength(300);
    expect(draws.filter((a) => a === 'order')).toHaveLength(100);
    expect(pickAction(parseActionMix('cancel=1'), 0.999)).toBe('cancel');
  });
});
