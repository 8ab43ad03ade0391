// Guards the embedded server's directory against a second owner (another launcher on the same DATA_DIR), and takes
// over the lock of a run that crashed or was killed, whose server is then stopped if it still runs.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'embedded-postgres.lock';

export interface DataDirLock {
  /** Set when the previous holder died without releasing the lock (crash, kill -9). */
  readonly tookOverFromPid: number | undefined;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`data directory ${dataDir} is in use by process ${pid}; stop it first or use another DATA_DIR`);
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so it still holds the directory
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE_NAME);
  let tookOverFromPid: number | undefined;
  // Two attempts: the second follows the removal of a stale lock; losing a race to another starter fails the second
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dataDir, holder);
      }
      if (holder === process.pid) throw new DataDirLockedError(dataDir, holder);
      tookOverFromPid = holder;
      rmSync(lockPath, { force: true });
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return {
      tookOverFromPid,
      release() {
        if (released) return;
        released = true;
        if (readHolder(lockPath) === process.pid) rmSync(lockPath, { force: true });
      },
    };
  }
  const holder = readHolder(lockPath);
  throw new DataDirLockedError(dataDir, holder ?? -1);
}
