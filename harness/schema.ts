/**
 * JSON Schema validation (draft 2020-12, ajv) that turns ajv's errors into located, readable
 * {@link InputIssue}s: JSON pointer, what was expected (with the unit the schema declares in its
 * `unit` annotation) and what was found. Every schema the package ships goes through here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { InputError, type InputIssue, show } from './errors.ts';
import { jsonDepthIssue, MAX_JSON_BYTES } from './io/json-limits.ts';
import { readInputText } from './io/safe-file.ts';
import { PACKAGE_ROOT } from './version.ts';

// strictRequired off: `if/then` branches require fields the parent schema declares.
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
// `unit` is an annotation of ours: the unit a number is in, quoted in error messages.
ajv.addVocabulary(['unit']);
const compiled = new Map<string, ValidateFunction>();

/** The compiled validator for `scenarios/schema/<name>.schema.json`. */
function validatorFor(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'scenarios', 'schema', `${name}.schema.json`), 'utf8')) as object;
    v = ajv.compile(schema);
    compiled.set(name, v);
  }
  return v;
}

/** Value at a JSON pointer, or undefined. */
export function atPointer(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function withUnit(text: string, e: ErrorObject): string {
  const unit = (e.parentSchema as { unit?: string } | undefined)?.unit;
  return unit ? `${text} (${unit})` : text;
}

/** One ajv error as an issue; `null` for errors that only echo others (if, oneOf summaries). */
function toIssue(e: ErrorObject, data: unknown, file: string): InputIssue | null {
  const p = e.params as Record<string, unknown>;
  const here = e.instancePath;
  const found = show(atPointer(data, here));
  switch (e.keyword) {
    case 'if':
      return null;
    case 'required':
      return { file, pointer: `${here}/${String(p.missingProperty)}`, expected: `required field "${String(p.missingProperty)}"`, found: 'missing' };
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {}).join(', ');
      return { file, pointer: `${here}/${String(p.additionalProperty)}`, expected: `no unknown field (allowed: ${allowed})`, found: `unknown field "${String(p.additionalProperty)}"` };
    }
    case 'type':
      return { file, pointer: here, expected: withUnit(String(p.type), e), found };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { file, pointer: here, expected: withUnit(`number ${String(p.comparison)} ${String(p.limit)}`, e), found };
    case 'enum':
      return { file, pointer: here, expected: `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, found };
    case 'const':
      return { file, pointer: here, expected: JSON.stringify(p.allowedValue), found };
    case 'pattern': {
      const desc = (e.parentSchema as { description?: string }).description;
      return { file, pointer: here, expected: `string matching ${String(p.pattern)}${desc ? ` (${desc})` : ''}`, found };
    }
    case 'minItems': case 'maxItems':
      return { file, pointer: here, expected: `array with ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} items`, found };
    case 'minLength':
      return { file, pointer: here, expected: `string of at least ${String(p.limit)} characters`, found };
    case 'uniqueItems':
      return { file, pointer: here, expected: 'unique items', found: `duplicates at ${String(p.j)} and ${String(p.i)}` };
    default:
      return { file, pointer: here, expected: withUnit(e.message ?? e.keyword, e), found };
  }
}

/**
 * For a failed `oneOf` whose branches are told apart by which key is present (e.g. a trace
 * reference with `catalog`, `generator`, `fixed` or `file`) or by JSON type (a profile id string
 * or a `{file}` object), keep only the errors of the branch the data chose, so the user reads about the fields they wrote rather than every alternative.
 */
function pruneOneOf(errors: ErrorObject[], data: unknown): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf') continue;
    const obj = atPointer(data, e.instancePath);
    const branches = (e.schema as { required?: string[]; type?: string }[]);
    // An object chooses by its keys; anything else by its JSON type (e.g. an id string vs a {file} object).
    const chosen = obj && typeof obj === 'object'
      ? branches.findIndex((b) => (b.required ?? []).some((k) => k in (obj as object)))
      : branches.findIndex((b) => b.type === typeof obj);
    const prefix = `${e.schemaPath}/`;
    if (chosen >= 0) {
      out.push(...errors.filter((x) => x.schemaPath.startsWith(`${prefix}${chosen}/`) && x.instancePath.startsWith(e.instancePath)));
    } else {
      out.push({ ...e, message: `one of: ${branches.map((b) => `{${(b.required ?? []).join(', ')}}`).join(' or ')}` });
    }
  }
  const inOneOf = (x: ErrorObject) => errors.some((o) => o.keyword === 'oneOf' && x.schemaPath.startsWith(`${o.schemaPath}/`));
  return [...errors.filter((x) => x.keyword !== 'oneOf' && !inOneOf(x)), ...out];
}

/**
 * Validates `data` against the shipped schema `name` (`scenarios/schema/<name>.schema.json`).
 * @returns the issues, empty when valid; `file` is quoted in each.
 */
export function schemaIssues(name: string, data: unknown, file: string): InputIssue[] {
  const validate = validatorFor(name);
  if (validate(data)) return [];
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const e of pruneOneOf(validate.errors ?? [], data)) {
    const i = e.keyword === 'oneOf'
      ? { file, pointer: e.instancePath, expected: e.message ?? 'one of the alternatives', found: show(atPointer(data, e.instancePath)) }
      : toIssue(e, data, file);
    if (!i) continue;
    const key = `${i.pointer}|${i.expected}`;
    if (!seen.has(key)) { seen.add(key); issues.push(i); }
  }
  return issues;
}

/** Reads and parses a JSON file; a syntax error becomes an InputIssue with its line. */
export function readJson(file: string): unknown {
  // A regular file of bounded size (never a FIFO or a device), nesting boundedly deep.
  const text = readInputText(file, { maxBytes: MAX_JSON_BYTES, what: 'a JSON file' });
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new InputError({ file, ...(line !== undefined ? { line } : {}), expected: 'valid JSON', found: (e as Error).message });
  }
  const deep = jsonDepthIssue(data, file);
  if (deep) throw new InputError(deep);
  return data;
}

/** Reads a JSON file and validates it; throws InputError with every issue when invalid. */
export function readValidated<T>(name: string, file: string): T {
  const data = readJson(file);
  const issues = schemaIssues(name, data, file);
  if (issues.length) throw new InputError(issues);
  return data as T;
}
