import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from './cli.js';
import type { ServiceEntry } from './service-entry.js';
import { services } from './services.js';

describe('platform-topology', () => {
  it('prints the databases and the service clients one record a line, for shell scripts', () => {
    expect(runCommand('databases').out).toMatch(/^auth auth\ncatalog catalog\norders orders\nstorefront storefront\n/);
    expect(runCommand('clients')).toEqual({ out: 'orders catalog\n', ok: true });
    expect(runCommand('names').out.split('\n')).toContain('loadgen');
  });

  it('fails on an unknown command with its usage, and on a list with problems', () => {
    const unknown = runCommand('nope');
    expect(unknown.ok).toBe(false);
    expect(unknown.out).toContain('unknown command nope\nusage: platform-topology');
    const twice = [...services, services[0]] as readonly ServiceEntry[];
    const check = runCommand('check', twice);
    expect(check.ok).toBe(false);
    expect(check.out).toContain('gateway: listed twice\n');
  });

  it('runs as a program', () => {
    const bin = fileURLToPath(new URL('../bin/topology.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'clients'], { encoding: 'utf8' });
    expect(result.stdout).toBe('orders catalog\n');
    expect(result.status).toBe(0);
    expect(spawnSync(process.execPath, [bin], { encoding: 'utf8' }).status).toBe(1);
  });
});
