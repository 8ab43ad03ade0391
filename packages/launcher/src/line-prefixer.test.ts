import { describe, expect, it } from 'vitest';
import { createLinePrefixer, formatPrefix } from './line-prefixer.js';

function collect() {
  const lines: string[] = [];
  return { lines, emit: (line: string) => lines.push(line) };
}

describe('formatPrefix', () => {
  it('pads the name so columns line up', () => {
    expect(formatPrefix('auth', 7)).toBe('auth    | ');
    expect(formatPrefix('gateway', 7)).toBe('gateway | ');
  });

  it('colours the prefix when asked, and cycles through the palette', () => {
    expect(formatPrefix('auth', 4, 0)).toBe('\u001b[36mauth | \u001b[0m');
    expect(formatPrefix('auth', 4, 8)).toBe(formatPrefix('auth', 4, 0));
    expect(formatPrefix('auth', 4, 1)).not.toBe(formatPrefix('auth', 4, 0));
  });
});

describe('createLinePrefixer', () => {
  it('prefixes every line of a chunk', () => {
    const { lines, emit } = collect();
    const prefixer = createLinePrefixer('a | ', emit);
    prefixer.push('one\ntwo\n');
    expect(lines).toEqual(['a | one', 'a | two']);
  });

  it('holds a partial line until its newline arrives', () => {
    const { lines, emit } = collect();
    const prefixer = createLinePrefixer('a | ', emit);
    prefixer.push('hel');
    expect(lines).toEqual([]);
    prefixer.push('lo\nwor');
    expect(lines).toEqual(['a | hello']);
    prefixer.push('ld\n');
    expect(lines).toEqual(['a | hello', 'a | world']);
  });

  it('emits an unterminated last line at the end, and nothing more for an empty rest', () => {
    const { lines, emit } = collect();
    const prefixer = createLinePrefixer('a | ', emit);
    prefixer.push('done\nbye');
    prefixer.end();
    prefixer.end();
    expect(lines).toEqual(['a | done', 'a | bye']);
  });

  it('keeps empty lines and drops the carriage return of CRLF', () => {
    const { lines, emit } = collect();
    const prefixer = createLinePrefixer('a | ', emit);
    prefixer.push('x\r\n\ny\n');
    expect(lines).toEqual(['a | x', 'a | ', 'a | y']);
  });

  it('does not break a multi-byte character split across chunks', () => {
    const { lines, emit } = collect();
    const prefixer = createLinePrefixer('a | ', emit);
    const bytes = Buffer.from('größe ✓\n');
    prefixer.push(bytes.subarray(0, 3)); // ends inside the two bytes of "ö"
    prefixer.push(bytes.subarray(3, 9)); // ends inside the three bytes of "✓"
    prefixer.push(bytes.subarray(9));
    expect(lines).toEqual(['a | größe ✓']);
  });
});
