/**
 * The references of the normalised scale and the privileged plug-in baseline, outside the
 * environment: they work through its narrow privileged API (`whatIf`, `snapshot`/`restore`, the
 * pending request's legal actions, `step`). What each one knows: docs/references.md.
 */
export { bestAction } from './legal.ts';
export { createClairvoyant, clairvoyantVariants, myopicReference, MYOPIC, type ClairvoyantAgent, type ClairvoyantPrices } from './myopic.ts';
export { createPlugIn, PLUG_IN_INPUTS } from './plug-in.ts';
export { createRandomAgent } from './random.ts';
