// The arithmetic of the benchmark: medians of rounds and ratios to a baseline, kept pure so they are tested alone.

/** The median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** subject / baseline; NaN when the baseline is zero or missing, so a broken round never reads as a result. */
export function ratio(subject: number, baseline: number): number {
  if (!Number.isFinite(subject) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return subject / baseline;
}

/**
 * The ratio of medians and, for an idea of the noise, the spread of per-round ratios: round i of the subject is
 * paired with round i of the baseline, which ran right before it.
 */
export function pairedRatios(
  subject: readonly number[],
  baseline: readonly number[],
): { ratio: number; min: number; max: number } {
  const pairs = subject.map((value, index) => ratio(value, baseline[index] ?? Number.NaN)).filter(Number.isFinite);
  return {
    ratio: ratio(median(subject), median(baseline)),
    min: pairs.length > 0 ? Math.min(...pairs) : Number.NaN,
    max: pairs.length > 0 ? Math.max(...pairs) : Number.NaN,
  };
}

/** Rounds to `digits` decimals, leaving NaN as is (JSON writes it as null). */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The p-th percentile (0-100) by nearest rank of the sorted values; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
