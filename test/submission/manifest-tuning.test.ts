import { describe, expect, it } from 'vitest';
import { tuningIssues, type SubmissionManifest } from '../../harness/submission/manifest.ts';

const manifest = (scenarios: string[]): SubmissionManifest => ({ tuning: { scenarios }, hyperparameters: {} }) as unknown as SubmissionManifest;

describe('submission manifest: tuning scenarios', () => {
  it('refuses a scenario of every evaluation suite (current and earlier default and recorded suites), pointing at the entry; a scenario of either tuning suite passes', () => {
    const ids = ['lte-driving-4u-battery-v4', 'lte-driving-4u-battery-v3', 'lte-driving-4u-battery-v2', 'lte-driving-4u-mixed-v1', 'recorded-norway-hsdpa-4u-strict-battery-v4', 'recorded-fcc-1u-v1'];
    const { errors, warnings } = tuningIssues(manifest([...ids, 'tuning-lte-short-4u-mixed-v1', 'tuning-lte-short-4u-sessions-v4']), 'submission.json');
    expect(errors.map((e) => [e.pointer, e.found])).toEqual(ids.map((id, i) => [`/tuning/scenarios/${i}`, JSON.stringify(id)]));
    expect(warnings).toEqual([]);
  });
});
