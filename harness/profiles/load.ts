/**
 * Loading device profiles (`scenarios/profiles/<id>.json`), validated against
 * `scenarios/schema/profile.schema.json` plus the checks a schema cannot express. Every problem is
 * thrown as an {@link InputError} located by JSON pointer.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError, show, type InputIssue } from '../errors.ts';
import { readValidated } from '../schema.ts';
import { PACKAGE_ROOT } from '../version.ts';
import type { DeviceProfile } from './types.ts';

/** Default folder of the shipped profiles. */
export const PROFILES_DIR = path.join(PACKAGE_ROOT, 'scenarios', 'profiles');

/**
 * Checks the schema cannot express: id = file name (for shipped profiles, looked up by id),
 * medians/percentiles and curve ordering.
 */
export function profileIssues(file: string, p: DeviceProfile, id?: string): InputIssue[] {
  const issues: InputIssue[] = [];
  if (id !== undefined && p.id !== id) issues.push({ file, pointer: '/id', expected: `"${id}" (the file name)`, found: show(p.id) });
  for (const [model, m] of Object.entries(p.models)) {
    if (m.p95Ms < m.medianMs) {
      issues.push({ file, pointer: `/models/${model}/p95Ms`, expected: `>= medianMs (${m.medianMs} ms)`, found: show(m.p95Ms) });
    }
  }
  const c = p.contention;
  if (c) {
    if (c.slowdown.length !== c.concurrent.length) {
      issues.push({ file, pointer: '/contention/slowdown', expected: `${c.concurrent.length} values (one per concurrent entry)`, found: `${c.slowdown.length} values` });
    }
    if (c.concurrent[0] !== 1) issues.push({ file, pointer: '/contention/concurrent/0', expected: '1 (requests)', found: show(c.concurrent[0]) });
    for (let i = 1; i < c.concurrent.length; i++) {
      if (c.concurrent[i]! <= c.concurrent[i - 1]!) {
        issues.push({ file, pointer: `/contention/concurrent/${i}`, expected: `> ${c.concurrent[i - 1]} (strictly increasing)`, found: show(c.concurrent[i]) });
      }
    }
  }
  return issues;
}

/**
 * Loads and validates the profile `id` from `dir` (default: the shipped `scenarios/profiles/`).
 * @throws InputError with a JSON pointer for a missing or invalid profile.
 */
export function loadProfile(id: string, dir: string = PROFILES_DIR): DeviceProfile {
  const file = path.join(dir, `${id}.json`);
  const profile = readValidated<DeviceProfile>('profile', file);
  const issues = profileIssues(file, profile, id);
  if (issues.length > 0) throw new InputError(issues);
  return profile;
}

/** Ids of the profiles in `dir` (every `*.json` except the model zoo `models.json`), sorted. */
export function listProfiles(dir: string = PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'models.json')
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
