// The pool's worker file. Plain JavaScript because it must install the TypeScript loader before
// anything else: `--import tsx` in a worker's execArgv registers tsx's CommonJS hook but not its
// ESM hooks on Node 20, so `import()` of a `.ts` job module would fail inside the worker.
import { register } from 'tsx/esm/api';

register();
const worker = import('./worker.ts');

/** Runs one task with `worker.ts`'s default export. */
export default async function runTask(task) {
  return (await worker).default(task);
}
