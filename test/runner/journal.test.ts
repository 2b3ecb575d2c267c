import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failedResult, resultHashOf, sealResult } from '../../harness/runner/identity.ts';
import { JournalWriter, latestByJob, readJournal } from '../../harness/runner/journal.ts';
import type { JobResult } from '../../harness/runner/types.ts';
import { fakePlan, fakeSpecs } from './fixtures/fake-job.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const [a, b] = fakePlan(fakeSpecs(['x'], ['s'], 2));
const failed = (job = a!): JobResult => failedResult(job.spec, job.id, 'threw Error: boom', 12);
const ok = (job = a!): JobResult => sealResult({ ...failed(job), status: 'ok', reason: undefined });

describe('results journal', () => {
  it('appends whole lines and reads them back; a missing file reads as empty', () => {
    const file = join(root, 'plain.jsonl');
    expect(readJournal(file)).toEqual({ results: [], skipped: [] });
    const w = new JournalWriter(file);
    w.append(failed());
    w.append(ok(b));
    w.close();
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(readJournal(file).results.map((r) => r.jobHash)).toEqual([a!.id.jobHash, b!.id.jobHash]);
  });

  it('reports a torn last line, closes it off before appending, and reads every later line', () => {
    const file = join(root, 'torn.jsonl');
    writeFileSync(file, `${JSON.stringify(ok())}\n`);
    appendFileSync(file, JSON.stringify(ok(b)).slice(0, 50));
    expect(readJournal(file).skipped).toEqual([{ line: 2, reason: 'incomplete last line (torn write): not valid JSON (a torn write?)' }]);
    const w = new JournalWriter(file);
    w.append(ok(b));
    w.close();
    const after = readJournal(file);
    expect(after.results.map((r) => r.jobHash)).toEqual([a!.id.jobHash, b!.id.jobHash]);
    expect(after.skipped.map((s) => s.line)).toEqual([2]);
    expect(after.skipped[0]!.reason).not.toMatch(/last line/);
  });

  it('skips and reports a line edited after it was written', () => {
    const file = join(root, 'edited.jsonl');
    writeFileSync(file, `${JSON.stringify({ ...ok(), seed: 99 })}\n${JSON.stringify(ok(b))}\n`);
    const j = readJournal(file);
    expect(j.results.map((r) => r.jobHash)).toEqual([b!.id.jobHash]);
    expect(j.skipped).toEqual([{ line: 1, reason: 'resultHash does not match the line (edited after it was written?)' }]);
  });

  it('skips lines that are not result objects, saying why; blank lines are not lines', () => {
    const file = join(root, 'bad-lines.jsonl');
    const { resultHash: _h, ...unsealed } = ok();
    writeFileSync(file, ['null', '[1]', '"x"', '{}', JSON.stringify(unsealed), '   ', JSON.stringify(ok(b)), ''].join('\n'));
    const j = readJournal(file);
    expect(j.results.map((r) => r.jobHash)).toEqual([b!.id.jobHash]);
    expect(j.skipped).toEqual([
      { line: 1, reason: 'not a JSON object' },
      { line: 2, reason: 'not a JSON object' },
      { line: 3, reason: 'not a JSON object' },
      { line: 4, reason: 'missing jobHash, agent, scenario, seed, status, resultHash' },
      { line: 5, reason: 'missing resultHash' },
    ]);
  });

  it('skips an ok line whose metrics cannot rank (the job is re-run), not a failed one', () => {
    const file = join(root, 'bad-metrics.jsonl');
    const bad = sealResult({ ...failed(), status: 'ok', reason: undefined, metrics: {} as JobResult['metrics'] });
    writeFileSync(file, `${JSON.stringify(bad)}\n${JSON.stringify(failed(b))}\n`);
    const j = readJournal(file);
    expect(j.results.map((r) => r.jobHash)).toEqual([b!.id.jobHash]);
    expect(j.skipped).toEqual([{ line: 1, reason: expect.stringMatching(/^its metrics cannot be ranked \(.+\); the job will be re-run$/) }]);
  });

  it('opening a journal adds a newline only after a torn last line (an empty or whole file is left as it is)', () => {
    const file = join(root, 'whole.jsonl');
    writeFileSync(file, '');
    let w = new JournalWriter(file);
    w.append(ok());
    w.close();
    const line = `${JSON.stringify(ok())}\n`;
    expect(readFileSync(file, 'utf8')).toBe(line);
    w = new JournalWriter(file);
    w.append(ok());
    w.close();
    expect(readFileSync(file, 'utf8')).toBe(line + line);
  });

  it('refuses a folder or an unwritable path as a journal, naming it', () => {
    expect(() => new JournalWriter(root)).toThrow(new RegExp(`${root}.*a results journal: a regular file the run can append to`, 's'));
    expect(() => new JournalWriter(join(root, 'missing', 'x.jsonl'))).toThrow(/a results journal: a regular file the run can append to/);
    // Opens fine for appending, but is not a regular file.
    expect(() => new JournalWriter('/dev/null')).toThrow(/\/dev\/null.*a regular file the run can append to/s);
  });

  it('keeps one result per job: ok beats failed in either order, otherwise the last wins', () => {
    const [first, last] = [ok(), { ...ok() }];
    expect(latestByJob([first, last])[0]).toBe(last);
    expect(latestByJob([failed(), ok()])[0]!.status).toBe('ok');
    expect(latestByJob([ok(), failed()])[0]!.status).toBe('ok');
    const second = { ...failed(), reason: 'second' };
    expect(latestByJob([failed(), second])[0]!.reason).toBe('second');
    expect(latestByJob([ok(b), ok(a)]).map((r) => r.jobHash)).toEqual([a!.id.jobHash, b!.id.jobHash].sort());
    expect(latestByJob([ok(a), ok(b)]).map((r) => r.jobHash)).toEqual([a!.id.jobHash, b!.id.jobHash].sort());
  });

  it('seals results: the hash ignores timing and catches any other change', () => {
    const r = failed();
    expect(resultHashOf({ ...r, timing: { wallMs: 999, learnMs: 1, planningMs: 2, evalMs: 3 } })).toBe(r.resultHash);
    expect(resultHashOf({ ...r, seed: r.seed + 1 })).not.toBe(r.resultHash);
    expect(resultHashOf({ ...r, reason: 'other' })).not.toBe(r.resultHash);
  });
});
