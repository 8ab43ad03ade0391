// What the figures were measured on: printed with every result, since a ratio only travels with its machine.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** The operating system: /etc/os-release's PRETTY_NAME and the kernel. */
  os: string;
  memoryGiB: number;
  /** 1-minute load average at the start: above the core count means other work shares the machine. */
  loadAverageAtStart: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    os: `${osName()}, kernel ${release()}`,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
