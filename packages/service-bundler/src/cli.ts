// `bundle-service [--external <package>[,<package>...]]`, run in a service's folder after tsc (its build script):
// writes bundle/ and says what it holds, or names what stopped it.
import { parseArgs } from 'node:util';
import { BUNDLE_ENTRY, BundleError, bundleService } from './bundle-service.js';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export async function runCli(argv: readonly string[], serviceDir: string, { out, err }: CliOutput): Promise<number> {
  let external: string[];
  try {
    const { values } = parseArgs({ args: [...argv], options: { external: { type: 'string', multiple: true } } });
    external = (values.external ?? [])
      .flatMap((list) => list.split(','))
      .map((name) => name.trim())
      .filter(Boolean);
  } catch (error) {
    err(`bundle-service: ${(error as Error).message}; usage: bundle-service [--external <package>[,<package>...]]`);
    return 2;
  }
  try {
    const result = await bundleService({ serviceDir, external });
    const bytes = result.outputs.filter((o) => !o.file.endsWith('.map')).reduce((sum, o) => sum + o.bytes, 0);
    out(
      `bundle-service: ${BUNDLE_ENTRY} (${Math.round(bytes / 1024)} KiB of code, ${result.inlinedPackages.length} packages inlined)`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    err(`bundle-service: ${error.message}`);
    return 1;
  }
}
