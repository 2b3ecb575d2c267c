/**
 * Synthetic bandwidth traces from a fitted Markov-modulated log-normal process
 * ({@link GeneratorParams}); the parameter files live in `scenarios/traces/generators/<id>.json`
 * and are fitted to recorded traces by `fit.ts`.
 */
import path from 'node:path';
import { InputError, type InputIssue } from '../errors.ts';
import type { Rng } from '../rng.ts';
import { canonicalHash } from '../hash.ts';
import { readValidated } from '../schema.ts';
import { PACKAGE_ROOT } from '../version.ts';
import type { GeneratorParams, NetworkTrace } from './types.ts';

/** Default folder of the shipped generator files. */
export const GENERATORS_DIR = path.join(PACKAGE_ROOT, 'scenarios', 'traces', 'generators');

/** Probability vectors must sum to 1 within this (the files store rounded values). */
const SUM_TOLERANCE = 1e-6;

/**
 * Checks what the schema cannot: matrix shapes and that `initial` and each `transition` row sum
 * to 1. Returns the issues (empty when consistent); `file` is quoted in each.
 */
export function generatorIssues(p: GeneratorParams, file: string): InputIssue[] {
  const k = p.states.length;
  const issues: InputIssue[] = [];
  const checkDistribution = (v: number[] | undefined, pointer: string): void => {
    if (!v || v.length !== k) {
      issues.push({ file, pointer, expected: `${k} probabilities (one per state)`, found: `${v?.length ?? 0} values` });
      return;
    }
    const sum = v.reduce((s, x) => s + x, 0);
    if (Math.abs(sum - 1) > SUM_TOLERANCE) issues.push({ file, pointer, expected: 'probabilities summing to 1', found: `sum ${sum}` });
  };
  checkDistribution(p.initial, '/initial');
  if (p.transition.length !== k) issues.push({ file, pointer: '/transition', expected: `${k} rows (one per state)`, found: `${p.transition.length} rows` });
  p.transition.forEach((row, i) => checkDistribution(row, `/transition/${i}`));
  return issues;
}

/**
 * Loads and validates the generator `id` from `dir` (default: the shipped generators).
 * @throws InputError with a JSON pointer for a missing or invalid file.
 */
export function loadGenerator(id: string, dir: string = GENERATORS_DIR): GeneratorParams {
  const file = path.join(dir, `${id}.json`);
  const params = readValidated<GeneratorParams>('generator', file);
  const issues = generatorIssues(params, file);
  if (params.id !== id) issues.push({ file, pointer: '/id', expected: `"${id}" (the file name)`, found: JSON.stringify(params.id) });
  if (issues.length > 0) throw new InputError(issues);
  return params;
}

/**
 * Stationary distribution of a row-stochastic matrix (power iteration from uniform; the fitted
 * matrices are irreducible thanks to add-one smoothing, so this converges).
 */
export function stationaryDistribution(transition: number[][]): number[] {
  const k = transition.length;
  let pi = new Array<number>(k).fill(1 / k);
  for (let iter = 0; iter < 10_000; iter++) {
    const next = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) next[j]! += pi[i]! * transition[i]![j]!;
    const delta = next.reduce((d, v, j) => d + Math.abs(v - pi[j]!), 0);
    pi = next;
    if (delta < 1e-13) break;
  }
  return pi;
}

/**
 * A synthetic trace of `durationMs` from `params`, one sample per `stepMs` (the last step is
 * shortened to end at `durationMs`). Deterministic for a given `rng` stream; draws per step: one
 * state transition (after the first step) and one standard normal.
 * `sha256` identifies the parameters and duration (canonical JSON); the stream is the caller's.
 */
export function generateTrace(params: GeneratorParams, durationMs: number, rng: Rng): NetworkTrace {
  if (!(durationMs > 0) || !Number.isFinite(durationMs)) {
    throw new InputError({ file: `generator:${params.id}`, expected: 'durationMs > 0 (ms)', found: String(durationMs) });
  }
  const n = Math.ceil(durationMs / params.stepMs);
  const tMs = new Float64Array(n);
  const uplinkMbps = new Float64Array(n);
  const downlinkMbps = new Float64Array(n);
  let state = rng.weighted(params.initial);
  for (let i = 0; i < n; i++) {
    if (i > 0) state = rng.weighted(params.transition[state]!);
    const s = params.states[state]!;
    // Mean-preserving log-normal factor, shared by both directions of the link.
    const factor = Math.exp(s.sigmaLog * rng.normal() - (s.sigmaLog * s.sigmaLog) / 2);
    tMs[i] = i * params.stepMs;
    downlinkMbps[i] = s.downlinkMbps * factor;
    uplinkMbps[i] = s.uplinkMbps * factor;
  }
  return {
    tMs,
    uplinkMbps,
    downlinkMbps,
    rttMs: null,
    durationMs,
    source: `generator:${params.id}`,
    sha256: canonicalHash({ params, durationMs }),
    derivedUplink: params.derivedUplink,
  };
}
