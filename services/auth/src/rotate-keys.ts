#!/usr/bin/env node
// `npm run rotate-keys -w @platform/auth [-- --emergency]`: one rotation step of the key ring under DATA_DIR (or
// JWT_KEYS_DIR, when it holds the next key's private half): next becomes current, current becomes previous, a new
// next is made. Refused while the previous key is still published or the next one is too new, unless --emergency,
// which withdraws the current key at once. Restart auth afterwards. For Kubernetes and compose, the same step is
// `scripts/k8s/make-secrets.sh rotate-jwt` and `docker compose run --rm secrets-init rotate-jwt`.
import { MAX_CLOCK_TOLERANCE_SECONDS } from '@platform/auth-kit';
import { readRotateKeysConfig } from './config.js';
import { keysDirectory, rotateKeyRing } from './signing-keys.js';

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--emergency');
if (unknown.length > 0) {
  process.stderr.write(`auth rotate-keys: unknown argument ${unknown[0]} (expected nothing or --emergency)\n`);
  process.exit(2);
}
const emergency = args.includes('--emergency');
const config = readRotateKeysConfig();
const directory = config.JWT_KEYS_DIR ?? keysDirectory(config.DATA_DIR);
try {
  const rotated = await rotateKeyRing(directory, {
    emergency,
    previousPublishedSeconds: config.ACCESS_TOKEN_TTL_SECONDS + MAX_CLOCK_TOLERANCE_SECONDS,
  });
  process.stdout.write(
    `auth: key ring rotated in ${directory}: current ${rotated.current}, next ${rotated.next}, ` +
      `${rotated.previous ? `previous ${rotated.previous}` : 'no previous (withdrawn at once)'}. ` +
      'Restart auth to sign with the new current key.\n',
  );
} catch (error) {
  process.stderr.write(`auth rotate-keys: ${(error as Error).message}\n`);
  process.exit(1);
}
