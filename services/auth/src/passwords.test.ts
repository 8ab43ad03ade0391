import { describe, expect, it, vi } from 'vitest';
import { createPasswordHasher, DEFAULT_SCRYPT_PARAMETERS, PasswordHasherBusyError } from './passwords.js';

// every scrypt call the hasher makes, with its cost parameters, so the dummy's work is checked without timing it
const scryptCalls = vi.hoisted(() => [] as { N?: number; r?: number; p?: number }[]);
// while `held` is set, every scrypt call waits for it: a test decides when a derivation in its slot finishes
const scryptGate = vi.hoisted(() => ({ held: undefined as Promise<void> | undefined }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    scrypt: (...args: Parameters<typeof crypto.scrypt>) => {
      scryptCalls.push(args[3] as { N?: number; r?: number; p?: number });
      const run = () => (crypto.scrypt as (...a: unknown[]) => void)(...args);
      if (scryptGate.held) scryptGate.held.then(run);
      else run();
    },
  };
});

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

  it('spends a real scrypt at the current cost on a dummy hash for unknown users, every time', async () => {
    const current = createPasswordHasher({ N: 2 ** 11, r: 8, p: 2 });
    await current.verifyDummy('warm-up'); // the dummy hash is made once (one hash, one verify)
    scryptCalls.length = 0;
    await current.verifyDummy('anything');
    await current.verifyDummy('something else');
    // as much work as verifying a real user's password: one derivation each, at the hasher's parameters
    expect(scryptCalls).toEqual([
      expect.objectContaining({ N: 2 ** 11, r: 8, p: 2 }),
      expect.objectContaining({ N: 2 ** 11, r: 8, p: 2 }),
    ]);
  });

  it("hashes at OWASP's minimum by default: N=2^17, r=8, p=1", async () => {
    expect(DEFAULT_SCRYPT_PARAMETERS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    scryptCalls.length = 0;
    await createPasswordHasher().hash('correct horse');
    expect(scryptCalls).toEqual([expect.objectContaining({ N: 2 ** 17, r: 8, p: 1 })]);
  });

  it('runs at most `concurrency` derivations at once, and refuses at once beyond the queue limit', async () => {
    const hasher = createPasswordHasher(
      { N: 2 ** 10, r: 8, p: 1 },
      {
        concurrency: 2,
        queueLimit: 3,
        maxWaitMs: 60_000,
      },
    );
    const stored = await hasher.hash('correct horse');
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => hasher.verify('correct horse', stored)));
    // 2 running and 3 waiting were taken; the other 3 were refused without hashing
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const outcome of refused)
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PasswordHasherBusyError);
    expect(hasher.stats()).toEqual({ derivations: 6, peakConcurrent: 2 });
  });

  it('refuses a derivation that waited longer than maxWaitMs for its slot, instead of starting it late', async () => {
    const hasher = createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 }, { concurrency: 1, queueLimit: 10, maxWaitMs: 100 });
    const stored = await hasher.hash('correct horse');
    const before = hasher.stats().derivations;
    // the clock the hasher reads moves only when the test says so, and the first derivation ends when it says so
    vi.useFakeTimers({ toFake: ['performance'] });
    let finish = () => {};
    scryptGate.held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    try {
      const verifications = Array.from({ length: 4 }, () => hasher.verify('correct horse', stored));
      // the first has its slot; the other three wait behind it, then find they waited 200 ms
      await vi.waitFor(() => expect(hasher.stats().derivations - before).toBe(1));
      vi.advanceTimersByTime(200);
      finish();
      const outcomes = await Promise.allSettled(verifications);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
      for (const outcome of outcomes.slice(1))
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PasswordHasherBusyError);
      expect(hasher.stats().derivations - before).toBe(1);
    } finally {
      scryptGate.held = undefined;
      finish();
      vi.useRealTimers();
    }
  });
});
