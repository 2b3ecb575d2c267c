/**
 * `orchbench submission init`: copies `submissions/template/` into a new folder, names it, and
 * points its type import at this installation's `harness/agent.ts`, so the copy passes
 * `orchbench submission check` as is.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { ensureDir } from '../io/safe-file.ts';
import { PACKAGE_ROOT, VERSION } from '../version.ts';
import { MANIFEST_FILE, type SubmissionManifest } from './manifest.ts';

/** The template folder shipped with the package. */
export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'submissions', 'template');

/**
 * Scaffolds a submission in `dir` (which must not exist or be empty).
 * @returns the manifest written.
 * @throws InputError when `dir` is a non-empty folder or cannot be created (e.g. under a file), or the name is not a valid submission name.
 */
export function initSubmission(dir: string, name?: string): SubmissionManifest {
  const target = resolve(dir);
  const agentName = name ?? basename(target).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '');
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(agentName)) throw new InputError({ file: '--name', expected: 'lowercase letters, digits and dashes, at most 64 characters', found: JSON.stringify(agentName) });
  ensureDir(target, { what: 'a new or empty submission folder' });
  if (readdirSync(target).length > 0) throw new InputError({ file: target, expected: 'a new or empty folder', found: 'a folder with files' });
  cpSync(TEMPLATE_DIR, target, { recursive: true });
  const manifestFile = join(target, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SubmissionManifest & { $schema?: string };
  manifest.$schema = relative(target, join(PACKAGE_ROOT, 'scenarios', 'schema', 'submission.schema.json'));
  manifest.name = agentName;
  manifest.orchbenchVersion = VERSION;
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const entry = join(target, manifest.entry!);
  let harnessRel = relative(target, join(PACKAGE_ROOT, 'harness'));
  if (!harnessRel.startsWith('.')) harnessRel = `./${harnessRel}`;
  writeFileSync(entry, readFileSync(entry, 'utf8').replace("'../../harness/", `'${harnessRel}/`).replace("name: 'template'", `name: '${agentName}'`));
  return manifest;
}
