/** Reading `DIR/results.jsonl` (one JobResult per line) with located errors. */
import { InputError, show, type InputIssue } from '../errors.ts';
import { readInputText } from '../io/safe-file.ts';
import { MAX_JOURNAL_BYTES } from '../runner/journal.ts';
import type { JobResult } from '../runner/types.ts';

/** A result with the 1-based line it was read from. */
export interface ResultLine {
  line: number;
  result: JobResult;
}

/** Fields every line must carry, with their JSON types. */
const REQUIRED: Record<string, 'string' | 'number' | 'object'> = {
  jobHash: 'string', harnessVersion: 'string', agent: 'string', agentKind: 'string', agentCodeHash: 'string',
  scenario: 'string', scenarioHash: 'string', traceSha256s: 'object', variant: 'string', seed: 'number',
  status: 'string', resultHash: 'string', timing: 'object',
};

/** Located problems with one parsed line (empty when it has the JobResult shape). */
function shapeIssues(v: unknown, file: string, line: number): InputIssue[] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [{ file, line, expected: 'a JSON object (one job result)', found: show(v) }];
  const o = v as Record<string, unknown>;
  const issues: InputIssue[] = [];
  for (const [k, t] of Object.entries(REQUIRED)) {
    if (typeof o[k] !== t) issues.push({ file, line, expected: `field "${k}" of type ${t}`, found: show(o[k]) });
  }
  if (o.status === 'ok' && (typeof o.metrics !== 'object' || o.metrics === null)) issues.push({ file, line, expected: 'field "metrics" (status is ok)', found: show(o.metrics) });
  return issues;
}

/**
 * Reads a results journal. Blank lines are skipped.
 * @throws InputError listing every unparsable or malformed line (file + line).
 */
export function readResultLines(file: string): ResultLine[] {
  const text = readInputText(file, { maxBytes: MAX_JOURNAL_BYTES, what: 'a results journal (results.jsonl)' });
  const out: ResultLine[] = [];
  const issues: InputIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      issues.push({ file, line: i + 1, expected: 'one JSON object per line', found: (e as Error).message });
      return;
    }
    const bad = shapeIssues(v, file, i + 1);
    if (bad.length) issues.push(...bad);
    else out.push({ line: i + 1, result: v as JobResult });
  });
  if (issues.length) throw new InputError(issues);
  return out;
}

/** The results of a journal (see {@link readResultLines}). */
export function readResults(file: string): JobResult[] {
  return readResultLines(file).map((l) => l.result);
}
