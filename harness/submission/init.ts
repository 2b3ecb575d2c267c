/**
 * `orchbench submission init`: copies the template of the chosen language (`submissions/template/`
 * for TypeScript, `template-js/`, `template-python/`) into a new folder and names it. The copy
 * passes `orchbench submission check` as is, wherever the folder is: the TypeScript and JavaScript
 * templates import the agent API's types as `orchbench/harness/agent.ts` (a type-only import, erased
 * when the agent runs; the checker's type check maps it to this installation), and the Python one
 * imports its protocol helper from its own folder.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { ensureDir } from '../io/safe-file.ts';
import { PACKAGE_ROOT, VERSION } from '../version.ts';
import { MANIFEST_FILE, type SubmissionManifest } from './manifest.ts';

/** The languages `submission init` scaffolds, and the template folder of each. */
export const TEMPLATES = {
  ts: join(PACKAGE_ROOT, 'submissions', 'template'),
  js: join(PACKAGE_ROOT, 'submissions', 'template-js'),
  python: join(PACKAGE_ROOT, 'submissions', 'template-python'),
} as const;

export type TemplateLanguage = keyof typeof TEMPLATES;

/** The TypeScript template (the default). */
export const TEMPLATE_DIR = TEMPLATES.ts;

/**
 * Scaffolds a submission in `dir` (which must not exist or be empty).
 * @param language `ts` (default), `js` or `python`
 * @returns the manifest written.
 * @throws InputError when `dir` is a non-empty folder or cannot be created (e.g. under a file), the name is not a valid submission name, or the language is unknown.
 */
export function initSubmission(dir: string, name?: string, language: string = 'ts'): SubmissionManifest {
  if (!Object.hasOwn(TEMPLATES, language)) throw new InputError({ file: '--language', expected: `one of ${Object.keys(TEMPLATES).join(', ')}`, found: JSON.stringify(language) });
  const template = TEMPLATES[language as TemplateLanguage];
  const target = resolve(dir);
  const agentName = name ?? basename(target).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '');
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(agentName)) throw new InputError({ file: '--name', expected: 'lowercase letters, digits and dashes, at most 64 characters', found: JSON.stringify(agentName) });
  ensureDir(target, { what: 'a new or empty submission folder' });
  if (readdirSync(target).length > 0) throw new InputError({ file: target, expected: 'a new or empty folder', found: 'a folder with files' });
  cpSync(template, target, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  const manifestFile = join(target, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SubmissionManifest & { $schema?: string };
  const templateName = manifest.name;
  // An editor hint only: the schema of the installation that made the folder.
  manifest.$schema = relative(target, join(PACKAGE_ROOT, 'scenarios', 'schema', 'submission.schema.json'));
  manifest.name = agentName;
  manifest.orchbenchVersion = VERSION;
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  // The agent names itself in its source: the template's name becomes the submission's.
  const source = join(target, manifest.entry ?? 'agent.py');
  writeFileSync(source, readFileSync(source, 'utf8').replace(new RegExp(`name(: |\\s*=\\s*)(['"])${templateName}\\2`), `name$1$2${agentName}$2`));
  return manifest;
}
