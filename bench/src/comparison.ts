// Side-by-side measurement: a baseline and one or more subjects, each warmed up, then measured in alternating
// rounds (the order rotates every round, so drift of a shared, noisy machine falls on all of them alike); each
// figure is the median of its rounds, each ratio is subject over baseline from the same run.
import { type LoadOptions, type LoadTarget, type RoundResult, runRound } from './load.js';
import { median, pairedRatios, round } from './statistics.js';

export interface Contender {
  name: string;
  target: LoadTarget;
}

export interface Summary {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface ContenderResult {
  name: string;
  median: Summary;
  rounds: RoundResult[];
  failures: number;
}

export interface SubjectResult extends ContenderResult {
  /** Throughput, subject over baseline (median of rounds over median of rounds). */
  ratio: number;
  /** Lowest and highest ratio of a round to the baseline round beside it: the noise. */
  ratioRange: [number, number];
}

export interface ComparisonResult {
  load: LoadOptions & { rounds: number; warmupSeconds: number };
  baseline: ContenderResult;
  subjects: SubjectResult[];
}

export interface ComparisonOptions extends LoadOptions {
  rounds: number;
  warmupSeconds: number;
  /** Called before each contender's round (e.g. to note which one is under load). */
  onRound?: (name: string, index: number) => void;
  log?: (message: string) => void;
}

export async function compare(
  baseline: Contender,
  subjects: Contender[],
  options: ComparisonOptions,
): Promise<ComparisonResult> {
  const { rounds, warmupSeconds, onRound, log = () => {}, ...load } = options;
  const contenders = [baseline, ...subjects];
  for (const contender of contenders) {
    if (warmupSeconds > 0) await runRound(contender.target, { ...load, durationSeconds: warmupSeconds });
  }
  const results = new Map<string, RoundResult[]>(contenders.map((c) => [c.name, []]));
  for (let index = 0; index < rounds; index++) {
    const shift = index % contenders.length;
    const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
    for (const contender of order) {
      onRound?.(contender.name, index);
      const result = await runRound(contender.target, load);
      results.get(contender.name)!.push(result);
      log(
        `  round ${index + 1}/${rounds} ${contender.name.padEnd(28)} ${result.rps.toFixed(0).padStart(6)} req/s` +
          `  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms` +
          (result.failures > 0 ? `  ${result.failures} failed (${JSON.stringify(result.statusCodes)})` : ''),
      );
    }
  }
  const summarise = (name: string): ContenderResult => {
    const list = results.get(name)!;
    return {
      name,
      rounds: list,
      failures: list.reduce((sum, r) => sum + r.failures, 0),
      median: {
        rps: round(median(list.map((r) => r.rps)), 1),
        p50: round(median(list.map((r) => r.p50)), 3),
        p90: round(median(list.map((r) => r.p90)), 3),
        p99: round(median(list.map((r) => r.p99)), 3),
      },
    };
  };
  const base = summarise(baseline.name);
  const baseRps = results.get(baseline.name)!.map((r) => r.rps);
  return {
    load: { ...load, rounds, warmupSeconds },
    baseline: base,
    subjects: subjects.map((subject) => {
      const summary = summarise(subject.name);
      const paired = pairedRatios(
        summary.rounds.map((r) => r.rps),
        baseRps,
      );
      return { ...summary, ratio: round(paired.ratio, 3), ratioRange: [round(paired.min, 3), round(paired.max, 3)] };
    }),
  };
}
