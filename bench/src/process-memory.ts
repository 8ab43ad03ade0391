// Resident memory of a process from /proc (Linux), and a sampler that keeps the highest value seen under load.
import { readFileSync } from 'node:fs';

/** VmRSS of the process in MiB, or NaN when it cannot be read (gone, or not Linux). */
export function residentMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples every named process every `intervalMs` until stopped; returns the peak per name. */
export function samplePeakResident(
  pids: () => Record<string, number | undefined>,
  intervalMs = 250,
): { stop(): Record<string, number> } {
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const [name, pid] of Object.entries(pids())) {
      const value = residentMiB(pid);
      if (Number.isFinite(value)) peaks[name] = Math.max(peaks[name] ?? 0, value);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
