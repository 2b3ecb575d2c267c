/**
 * A fitted background-load process (`scenarios/traces/load/<id>.json`): its shape and where the
 * shipped ones live. Fitting: `load-fit.ts`; simulation: `harness/env/background.ts`.
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../version.ts';

/** Folder of the shipped background-load processes. */
export const LOAD_PROCESS_DIR = path.join(PACKAGE_ROOT, 'scenarios', 'traces', 'load');

/** A fitted background-load process (`scenarios/traces/load/<id>.json`). */
export interface LoadProcess {
  id: string;
  description: string;
  /** Grid step of the process (ms): the recorded window. */
  stepMs: number;
  meanPct: number;
  sdPct: number;
  /** Lag-1 autocorrelation per step. */
  phi: number;
  minPct: number;
  maxPct: number;
  /** What it was fitted to: files (relative to the mirror), their sha256 and window counts. */
  fittedTo: { repo: string; commit: string; files: { path: string; sha256: string; windows: number }[] };
  method: string;
}

