// A server left behind on a cluster by a run that could not stop it (its launcher was killed with SIGKILL on a
// system where the server does not die with its parent): found through the cluster's postmaster.pid and stopped,
// so the next start needs no manual step. Only called while holding the data directory's lock, so the leftover
// cannot belong to a live run.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // an exited process nobody reaped yet (a zombie) still answers kill(pid, 0)
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

/** The command line of a process: /proc on Linux, ps elsewhere; undefined when it cannot be read. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    // no /proc (macOS): ask ps
  }
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a live postgres serving `clusterDir` (SIGINT: fast shutdown, a clean checkpoint; SIGKILL after
 * `timeoutMs`), and removes a postmaster.pid whose process id now belongs to some other program, which PostgreSQL
 * would otherwise take for a running server. Returns what it did, for the log.
 */
export async function clearLeftoverServer(clusterDir: string, timeoutMs = 30_000): Promise<string | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return undefined;
  }
  // a dead pid is a stale file PostgreSQL itself ignores
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const command = commandLine(pid);
  if (command === undefined) return undefined; // cannot tell: leave the decision to PostgreSQL
  if (!/postgres/.test(command) || !command.includes(clusterDir)) {
    rmSync(pidFile, { force: true });
    return `removed a stale postmaster.pid (its pid ${pid} is now another program)`;
  }
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await sleep(200);
      return `killed the server left running by an earlier run (pid ${pid}); it did not stop within ${timeoutMs} ms`;
    }
    await sleep(50);
  }
  return `stopped the server left running by an earlier run (pid ${pid})`;
}
