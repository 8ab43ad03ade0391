// What simulated shoppers do and how often: LOADGEN_MIX as weights (`browse=50,order=20,...`), and the weighted
// draw of the next action.

export const ACTIONS = ['browse', 'order', 'orders', 'cancel', 'login'] as const;
export type Action = (typeof ACTIONS)[number];
export type ActionMix = Record<Action, number>;

export const DEFAULT_MIX = 'browse=50,order=20,orders=15,cancel=10,login=5';

/** Parses `name=weight,...`; throws an Error saying what is wrong (the config names the variable). */
export function parseActionMix(text: string): ActionMix {
  const mix: ActionMix = { browse: 0, order: 0, orders: 0, cancel: 0, login: 0 };
  for (const part of text.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d{1,6})\s*$/.exec(part);
    if (!match) throw new Error(`must be a list like ${DEFAULT_MIX} (got ${JSON.stringify(part.trim())})`);
    const [, name, weight] = match as unknown as [string, string, string];
    if (!(ACTIONS as readonly string[]).includes(name)) {
      throw new Error(`names an unknown action ${JSON.stringify(name)}; known: ${ACTIONS.join(', ')}`);
    }
    mix[name as Action] = Number(weight);
  }
  if (Object.values(mix).every((weight) => weight === 0)) throw new Error('must give at least one action a weight');
  return mix;
}

/** Draws an action with probability proportional to its weight; `random` in [0, 1). */
export function pickAction(mix: ActionMix, random: number = Math.random()): Action {
  const total = ACTIONS.reduce((sum, action) => sum + mix[action], 0);
  let point = random * total;
  for (const action of ACTIONS) {
    point -= mix[action];
    if (point < 0) return action;
  }
  return ACTIONS.findLast((action) => mix[action] > 0) ?? 'browse';
}
