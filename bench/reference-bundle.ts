/**
 * Writes a shipped reference bundle (`harness/reference/cache.ts`) from the reference caches of
 * run folders: run the commands whose references should ship, then
 *
 *   node --import tsx bench/reference-bundle.ts scenarios/reference-cache/default-v4.json RUN_DIR...
 *
 * (for default-v4: the README's main command's folder and `leaderboard/testing`). The bundle
 * records the hash of today's reference code; a run uses it only while that hash holds.
 */
import { writeReferenceBundle } from '../harness/reference/cache.ts';

const [file, ...dirs] = process.argv.slice(2);
if (!file || dirs.length === 0) {
  console.error('usage: bench/reference-bundle.ts OUT.json RUN_DIR...');
  process.exit(2);
}
console.log(`${writeReferenceBundle(dirs, file)} references -> ${file}`);
