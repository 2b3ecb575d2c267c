/**
 * `orchbench gate`: compare a candidate run with a baseline run, paired by seed (see
 * harness/report/gate.ts). Exit codes: 0 pass, 1 regression, 2 usage error or nothing comparable.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { InputError } from '../errors.ts';
import {
  bencherMetricFormat, gate, gateMarkdown, GITHUB_BENCHMARK_TOOLS, githubBenchmark, MISMATCH_KINDS, readGateRun,
  type GateOptions, type GateResult, type GithubBenchmarkTool, type MismatchKind,
} from '../report/gate.ts';
import { DEFAULT_GATE_METRICS, METRICS, isMetricId, type MetricId } from '../report/metrics.ts';

/** Exit code of a refused comparison (bad flags, missing files, runs that cannot be compared). */
export const GATE_USAGE_EXIT = 2;

const FORMATS = ['markdown', 'json', 'github-benchmark', 'bencher'] as const;
type Format = (typeof FORMATS)[number];

/** Parses `--metrics a,b`. */
function parseMetrics(text: string): MetricId[] {
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ids.filter((s) => !isMetricId(s));
  if (bad.length || ids.length === 0) {
    throw new InputError({ file: '--metrics', expected: `comma-separated metric ids from: ${METRICS.map((m) => m.id).join(', ')}`, found: JSON.stringify(text) });
  }
  return ids as MetricId[];
}

/** A relative margin: `0.05` or `5%`, finite and >= 0. */
function parseFraction(text: string, where: string): number {
  const t = text.trim();
  const v = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (!t || !Number.isFinite(v) || v < 0) throw new InputError({ file: where, expected: 'a relative margin >= 0, as a fraction (0.05) or a percentage (5%)', found: JSON.stringify(text) });
  return v;
}

/** Parses `--threshold 0.05` or `--threshold 5%,evalMeanLatencyMs=10%` (a default and per-metric margins). */
export function parseThreshold(text: string): { defaultThreshold?: number; thresholds: Partial<Record<MetricId, number>> } {
  const out: { defaultThreshold?: number; thresholds: Partial<Record<MetricId, number>> } = { thresholds: {} };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      out.defaultThreshold = parseFraction(part, '--threshold');
      continue;
    }
    const id = part.slice(0, eq).trim();
    if (!isMetricId(id)) throw new InputError({ file: '--threshold', expected: `METRIC=MARGIN with a metric id from: ${METRICS.map((m) => m.id).join(', ')}`, found: JSON.stringify(part) });
    out.thresholds[id] = parseFraction(part.slice(eq + 1), `--threshold ${id}`);
  }
  return out;
}

/** Parses `--allow-mismatch seeds,root-seed`. */
function parseMismatch(text: string): MismatchKind[] {
  const kinds = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(MISMATCH_KINDS as readonly string[]).includes(k));
  if (bad.length || !kinds.length) throw new InputError({ file: '--allow-mismatch', expected: `comma-separated kinds from: ${MISMATCH_KINDS.join(', ')}`, found: JSON.stringify(text) });
  return kinds as MismatchKind[];
}

function parseCount(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new InputError({ file: flag, expected: 'an integer >= 1 (seeds)', found: JSON.stringify(text) });
  return v;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(text)) throw new InputError({ file: flag, expected: `one of ${allowed.join(', ')}`, found: JSON.stringify(text) });
  return text as T;
}

interface GateFlags {
  baseline: string;
  candidate: string;
  metrics: string;
  threshold: string;
  minSeeds: string;
  allowMismatch?: string;
  format: string;
  benchmarkTool: string;
  json?: boolean;
  save?: string;
}

/** Every output format as files in `dir` (what the GitHub Action uploads), from one comparison. */
function saveAll(dir: string, result: GateResult, markdown: string): void {
  mkdirSync(dir, { recursive: true });
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  writeFileSync(join(dir, 'gate.md'), markdown);
  writeFileSync(join(dir, 'gate.json'), json(result));
  writeFileSync(join(dir, 'bencher.json'), json(bencherMetricFormat(result)));
  for (const tool of Object.keys(GITHUB_BENCHMARK_TOOLS) as GithubBenchmarkTool[]) writeFileSync(join(dir, `github-benchmark-${tool}.json`), json(githubBenchmark(result, tool)));
}

/** Registers `gate`. */
export function register(program: Command): void {
  program
    .command('gate')
    .description('compare a candidate run with a baseline run, paired by seed; exit 0 pass, 1 regression, 2 usage error or nothing comparable')
    .requiredOption('--baseline <dir>', 'baseline run folder (run.json + results.jsonl; a file inside it, e.g. DIR/leaderboard.json, also works)')
    .requiredOption('--candidate <dir>', 'candidate run folder')
    .option('--metrics <ids>', 'comma-separated metrics to gate', DEFAULT_GATE_METRICS.join(','))
    .option('--threshold <margin>', 'relative margin a change must exceed, e.g. 0.05 or 5%; per metric as METRIC=MARGIN (comma-separated)', '5%')
    .option('--min-seeds <n>', 'refuse intervals from fewer shared seeds than this', '3')
    .option('--allow-mismatch <kinds>', `compare anyway although the runs differ in these (${MISMATCH_KINDS.join(', ')}); printed as warnings`)
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'markdown')
    .option('--benchmark-tool <tool>', `with --format github-benchmark: ${Object.keys(GITHUB_BENCHMARK_TOOLS).join(' (lower-is-better metrics) or ')} (higher-is-better metrics)`, 'customSmallerIsBetter')
    .option('--json', 'same as --format json')
    .option('--save <dir>', 'also write every format into DIR: gate.md, gate.json, bencher.json, github-benchmark-customSmallerIsBetter.json, github-benchmark-customBiggerIsBetter.json')
    // Commander's own usage errors (a missing --baseline) exit 2 like every other refusal here.
    .exitOverride((e) => {
      throw e.exitCode === 0 ? e : new CommanderError(GATE_USAGE_EXIT, e.code, e.message);
    })
    .action((flags: GateFlags) => {
      try {
        const format: Format = flags.json ? 'json' : oneOf(flags.format, FORMATS, '--format');
        const tool = oneOf(flags.benchmarkTool, Object.keys(GITHUB_BENCHMARK_TOOLS) as GithubBenchmarkTool[], '--benchmark-tool');
        const t = parseThreshold(flags.threshold);
        const opts: GateOptions = {
          metrics: parseMetrics(flags.metrics),
          thresholds: t.thresholds,
          defaultThreshold: t.defaultThreshold ?? 0.05,
          minSeeds: parseCount(flags.minSeeds, '--min-seeds'),
          ...(flags.allowMismatch ? { allowMismatch: parseMismatch(flags.allowMismatch) } : {}),
        };
        const result = gate(readGateRun(flags.baseline), readGateRun(flags.candidate), opts);
        for (const w of result.warnings) process.stderr.write(`WARNING: ${w}\n`);
        const markdown = gateMarkdown(result);
        if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
        const out = format === 'markdown' ? markdown
          : `${JSON.stringify(format === 'json' ? result : format === 'bencher' ? bencherMetricFormat(result) : githubBenchmark(result, tool), null, 2)}\n`;
        if (flags.save) saveAll(flags.save, result, markdown);
        process.stdout.write(out);
        // Machine-readable formats keep stdout parsable; the verdict goes to stderr.
        if (format !== 'markdown') process.stderr.write(`${markdown.trim().split('\n').at(-1)}\n`);
        process.exitCode = result.pass ? 0 : 1;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        process.stderr.write(`gate: ${e.message}\n`);
        process.exitCode = GATE_USAGE_EXIT;
      }
    });
}
