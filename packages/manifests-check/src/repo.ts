// Where the manifests live: this package checks files of the repository it sits in.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
