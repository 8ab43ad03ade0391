// Turns a child's output chunks into whole lines, each prefixed with the child's name, so interleaved output of
// several services stays readable (`orders   | {...}`).
import { StringDecoder } from 'node:string_decoder';

const COLORS = [36, 35, 33, 32, 34, 91, 96, 95] as const; // cyan, magenta, yellow, green, blue, bright red/cyan/magenta

/** `name` padded to `width`, then ` | `; in an ANSI colour picked by `colorIndex` when given. */
export function formatPrefix(name: string, width: number, colorIndex?: number): string {
  const label = `${name.padEnd(width)} | `;
  if (colorIndex === undefined) return label;
  return `\u001b[${COLORS[colorIndex % COLORS.length]}m${label}\u001b[0m`;
}

export interface LinePrefixer {
  push(chunk: Buffer | string): void;
  /** Emits a last line that had no newline. */
  end(): void;
}

export function createLinePrefixer(prefix: string, emit: (line: string) => void): LinePrefixer {
  // a multi-byte character split across two chunks must not turn into two replacement characters
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emitLines = (text: string) => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      emit(prefix + (line.endsWith('\r') ? line.slice(0, -1) : line));
      newline = pending.indexOf('\n');
    }
  };
  return {
    push(chunk) {
      emitLines(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    },
    end() {
      emitLines(decoder.end());
      if (pending !== '') emit(prefix + pending);
      pending = '';
    },
  };
}
