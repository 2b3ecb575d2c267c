/**
 * Writes a shipped reference bundle (`harness/reference/cache.ts`) from the reference caches of
 * run folders: run the commands whose references should ship, then
 *
 *   node --import tsx bench/reference-bundle.ts scenarios/reference-cache/default-v4.json RUN_DIR...
 *
 * (for default-v4: the README's main command's folder and `leaderboard/testing`). The bundle
 * records the hash of today's reference code; a run uses it only while that hash holds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCES_DIR, writeReferenceBundle } from '../harness/reference/cache.ts';

const [file, ...dirs] = process.argv.slice(2);
if (!file || dirs.length === 0) {
  console.error('usage: bench/reference-bundle.ts OUT.json RUN_DIR...');
  process.exit(2);
}
const missing = dirs.filter((d) => !existsSync(join(d, REFERENCES_DIR)));
if (missing.length) {
  console.error(`${missing.join(', ')}: expected a run folder with a ${REFERENCES_DIR}/ cache (the output of orchbench run); found none`);
  process.exit(2);
}
console.log(`${writeReferenceBundle(dirs, file)} references -> ${file}`);
