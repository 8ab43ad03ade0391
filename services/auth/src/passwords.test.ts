import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './passwords.js';

const fast = createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

describe('password hasher', () => {
  it('verifies the right password only, with a salt per hash and the parameters stored with it', async () => {
    const first = await fast.hash('correct horse');
    const second = await fast.hash('correct horse');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(second).not.toBe(first);
    expect(await fast.verify('correct horse', first)).toBe(true);
    expect(await fast.verify('correct horse', second)).toBe(true);
    expect(await fast.verify('correct horsf', first)).toBe(false);
  });

  it('verifies a hash made with other parameters, and says it needs a rehash when they are weaker', async () => {
    const stronger = createPasswordHasher({ N: 2 ** 11, r: 8, p: 1 });
    const old = await fast.hash('correct horse');
    expect(await stronger.verify('correct horse', old)).toBe(true);
    expect(stronger.needsRehash(old)).toBe(true);
    expect(fast.needsRehash(old)).toBe(false);
  });

  it('never matches a stored value it cannot parse or whose cost is out of bounds', async () => {
    for (const stored of ['', 'plain', 'scrypt$1024$8$1$abc', `scrypt$${2 ** 24}$8$1$c2FsdA$aGFzaA`]) {
      expect(await fast.verify('plain', stored)).toBe(false);
    }
  });

  it('spends a real scrypt on a dummy hash for unknown users', async () => {
    const slow = createPasswordHasher({ N: 2 ** 14, r: 8, p: 1 });
    await slow.verifyDummy('warm-up'); // the dummy hash is made once
    const started = performance.now();
    await slow.verifyDummy('anything');
    const dummyMs = performance.now() - started;
    const real = await slow.hash('x');
    const realStarted = performance.now();
    await slow.verify('y', real);
    const realMs = performance.now() - realStarted;
    // same work: within a generous factor either way on a busy machine
    expect(dummyMs).toBeGreaterThan(realMs / 4);
  });
});
