#!/usr/bin/env node
// `npm run rotate-keys -w @platform/auth`: rotates the generated signing keys under DATA_DIR (current becomes
// previous, a new current is written). Restart the service afterwards; with key files, rotate the files instead.
import { readRotateKeysConfig } from './config.js';
import { rotateKeys } from './signing-keys.js';

const config = readRotateKeysConfig();
if (config.JWT_SIGNING_KEY_FILE) {
  process.stderr.write(
    'auth rotate-keys: JWT_SIGNING_KEY_FILE is set, so keys come from files: put the new key in that file and the ' +
      'old one in JWT_PREVIOUS_KEY_FILE (see the README), then restart\n',
  );
  process.exit(1);
}
const { current, previous } = await rotateKeys(config.DATA_DIR);
process.stdout.write(
  `auth: signing keys rotated in ${config.DATA_DIR}: current ${current}, previous ${previous}. ` +
    'Restart auth to sign with the new key; tokens of the previous key stay valid until they expire.\n',
);
