/**
 * Where the reference policies used to live. They are in `harness/reference/` now (outside the
 * environment); this module only re-exports the names the published baselines import, because a
 * baseline's source bytes are part of its agent code hash: editing `baselines/plug-in.ts`,
 * `random.ts` or `q-learning.ts` would stop published result lines from verifying. New code
 * imports `harness/reference/`.
 */
export { createClairvoyant, createPlugIn, createRandomAgent } from '../reference/index.ts';
