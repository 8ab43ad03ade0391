// The monorepo root, found from this file's place (packages/launcher/{src,dist}/), so `npm start` works from any cwd.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
