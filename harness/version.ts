import { readFileSync } from 'node:fs';

/** The harness version (package.json), part of every job hash. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Root of the installed package (where `scenarios/` lives). */
export const PACKAGE_ROOT: string = new URL('..', import.meta.url).pathname;

/** The command line as a user would retype it (`orchbench run ...`), without machine-specific paths. */
export function cliInvocation(): string[] {
  return ['orchbench', ...process.argv.slice(2)];
}
