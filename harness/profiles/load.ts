/**
 * Loading device profiles (`scenarios/profiles/<id>.json`), validated against
 * `scenarios/schema/profile.schema.json` plus the checks a schema cannot express. Every problem is
 * thrown as an {@link InputError} located by JSON pointer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, show, type InputIssue } from '../errors.ts';
import { readValidated } from '../schema.ts';
import { PACKAGE_ROOT } from '../version.ts';
import type { DeviceProfile, ModelLoadTable } from './types.ts';

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
 * `profile` with each model's load time from the shipped model-load table
 * (`scenarios/profiles/model-load.json`, written by the converter), for model residency.
 * @throws InputError when the table has no load times for the profile.
 */
export function withModelLoad(profile: DeviceProfile, dir: string = PROFILES_DIR): DeviceProfile {
  const file = path.join(dir, 'model-load.json');
  const table = JSON.parse(readFileSync(file, 'utf8')) as ModelLoadTable;
  const loads = table.loadMs[profile.id];
  if (!loads) throw new InputError({ file, pointer: '/loadMs', expected: `load times for the device profile "${profile.id}" (model residency needs them; it has: ${Object.keys(table.loadMs).join(', ')})`, found: 'none' });
  const models = Object.fromEntries(Object.entries(profile.models).map(([m, l]) => [m, loads[m] !== undefined ? { ...l, loadMs: loads[m] } : l]));
  return { ...profile, models };
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

/** The non-profile files of the profiles folder: the model zoo and the model-load table. */
const NOT_PROFILES = new Set(['models.json', 'model-load.json']);

/** Ids of the profiles in `dir` (every `*.json` except `models.json` and `model-load.json`), sorted. */
export function listProfiles(dir: string = PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !NOT_PROFILES.has(f))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
