/**
 * Errors about bad input. Every one names where the problem is (file, and line or JSON pointer),
 * what was expected (with units) and what was found, so the CLI can print it without a stack
 * trace and `--json` can emit it as data.
 */
import { pathToFileURL } from 'node:url';

/** One located problem in one input file. */
export interface InputIssue {
  file: string;
  /** 1-based line, for text formats. */
  line?: number;
  /** JSON pointer (RFC 6901), for JSON files, e.g. `/links/access/rttMs`. */
  pointer?: string;
  /** What was expected, e.g. "number >= 0 (ms)". */
  expected: string;
  /** What was found, e.g. `"-5"` or "missing". */
  found: string;
}

/** Formats an issue as one human-readable line: `file:line: expected X, found Y`. */
export function formatIssue(i: InputIssue): string {
  const where = i.line !== undefined ? `${i.file}:${i.line}` : i.pointer !== undefined ? `${i.file}#${i.pointer || '/'}` : i.file;
  return `${where}: expected ${i.expected}; found ${i.found}`;
}

/** Thrown for bad input files; carries one or more located issues. */
export class InputError extends Error {
  readonly issues: InputIssue[];
  constructor(issues: InputIssue | InputIssue[]) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map(formatIssue).join('\n'));
    this.name = 'InputError';
    this.issues = list;
  }
}

/** Shortens a found value for messages; a value too deep or cyclic to print is named, not thrown. */
export function show(v: unknown): string {
  if (v === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Array.isArray(v) ? 'an array too deeply nested to print' : `${typeof v} too deeply nested to print`;
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Runs `main` when the module at `moduleUrl` (its `import.meta.url`) is the script node was
 * started with: an InputError prints its message (no stack trace) and sets exit code 1.
 */
export function runAsScript(moduleUrl: string, main: () => void): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  try {
    main();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  }
}

/** Longest reason text a result line keeps from anything a submission controls. */
export const REASON_CHARS = 300;

/** `text` on one line, without control characters, at most {@link REASON_CHARS} characters. */
export function boundedText(text: string, max = REASON_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
