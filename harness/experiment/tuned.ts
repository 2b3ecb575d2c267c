/**
 * Tuned configurations: the best trial of each search record (`search-<agent>.json`, written by
 * `orchbench experiment tune`) in a folder, for `orchbench experiment hl-speedup --tuned DIR`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, show } from '../errors.ts';
import type { TunedConfigs } from './hl-speedup.ts';
import { bestTrial } from './tune.ts';
import { readSearchRecord } from './verify.ts';

/**
 * The best configuration of every search record in `dir`, by agent. The best trial is recomputed
 * from the trials' scores, not taken from the record's `best` on trust.
 * @throws InputError for a folder without records, a malformed record, a record named for another
 *   agent than it holds, or a recorded best that is not its trials' best (an edited record).
 */
export function readTunedConfigs(dir: string): TunedConfigs {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^search-.+\.json$/.test(f)).sort() : [];
  if (files.length === 0) throw new InputError({ file: dir, expected: 'a folder with search records (search-<agent>.json, written by orchbench experiment tune)', found: existsSync(dir) ? 'none' : 'no such folder' });
  const out: TunedConfigs = {};
  for (const f of files) {
    const file = join(dir, f);
    const r = readSearchRecord(file);
    if (f !== `search-${r.agent}.json`) throw new InputError({ file, pointer: '/agent', expected: `the agent the file is named for (${f.slice(7, -5)})`, found: show(r.agent) });
    const best = bestTrial(r.trials);
    if (best === null) throw new InputError({ file, pointer: '/trials', expected: 'at least one trial with a score', found: 'every trial failed' });
    if (r.best?.id !== best.id) throw new InputError({ file, pointer: '/best', expected: `the best of its trials (${best.id}, score ${best.score})`, found: show(r.best) });
    out[r.agent] = { config: best.config, source: `tuned: ${best.id} of ${file} (score ${best.score})` };
  }
  return out;
}
