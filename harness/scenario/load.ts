/**
 * Scenario loading: read a scenario file, validate it against the shipped JSON Schema, check its
 * cross-references (profiles, models, traces, generators, and files of the user's own: see
 * `files.ts`), apply the `testing` variant if asked, resolve every reference and hash the result. `checkScenario` is the non-throwing form users can
 * run in their own CI.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ActionDef } from '../agent.ts';
import { InputError, type InputIssue, show } from '../errors.ts';
import { canonicalHash } from '../hash.ts';
import { loadProfile, withModelLoad } from '../profiles/load.ts';
import type { DeviceProfile } from '../profiles/types.ts';
import { readJson, readValidated, schemaIssues } from '../schema.ts';
import { catalogFiles, findCatalogEntry } from '../traces/catalog.ts';
import { loadCatalogTrace } from '../traces/load.ts';
import type { GeneratorParams, NetworkTrace } from '../traces/types.ts';
import { LOAD_PROCESS_DIR, type LoadProcess } from '../traces/load-process.ts';
import { PACKAGE_ROOT } from '../version.ts';
import type { CompiledScenario, TraceSource } from './compiled.ts';
import { resolveProfileFile, resolveTraceFile } from './files.ts';
import { TIERS, type ScenarioSpec, type Tier, type TraceRef } from './types.ts';

/**
 * The folders of `scenarios/` that hold a shipped suite, each named as the suite it holds, in the
 * order ids are looked up: `default-v4` is the v4 default suite, `default-v3`, `default-v2` and
 * `legacy` the v3, v2 and v1 default suites; `recorded-v4` the recorded suite with the v4 factors,
 * `recorded-v1` the v1 one (earlier versions' files unchanged, hashes in `scenarios/registry-*.json`,
 * loadable by id).
 */
export const SUITE_FOLDERS = ['default-v4', 'recorded-v4', 'tuning', 'tuning-v4', 'default-v3', 'default-v2', 'recorded-v1', 'legacy'] as const;
export type SuiteFolder = (typeof SUITE_FOLDERS)[number];

/**
 * The folder `--suite default` loads (and `--suite testing`, in its testing variant). Switching
 * the default suite to a new version adds its folder to {@link SUITE_FOLDERS} and points this
 * constant at it, nothing else; whatever means one version (an acceptance test, a published table)
 * names its folder instead of `default`.
 */
export const DEFAULT_SUITE: SuiteFolder = 'default-v4';

/** The folder `--suite recorded` loads: the recorded suite's current version (as {@link DEFAULT_SUITE} for `default`). */
export const RECORDED_SUITE: SuiteFolder = 'recorded-v4';

/** The folders of scenarios for hyperparameter search only: never evaluation scenarios (a submission may not tune on any other shipped suite). */
export const TUNING_SUITES = SUITE_FOLDERS.filter((s): s is 'tuning' | 'tuning-v4' => s.startsWith('tuning'));
export type TuningSuite = (typeof TUNING_SUITES)[number];

/** The shipped suites by name: `default` and `recorded` (the folders {@link DEFAULT_SUITE} and {@link RECORDED_SUITE}) and every folder. */
export const SHIPPED_SUITES = ['default', 'recorded', ...SUITE_FOLDERS] as const;

/** The suites a run can select; `testing` is the default suite's scenarios in their testing variant. */
export type SuiteName = (typeof SHIPPED_SUITES)[number] | 'testing';
export type Variant = 'full' | 'testing';

/** The folder a suite name stands for (`default` and `recorded` name their current version's). */
function folderOf(suite: SuiteName): SuiteFolder {
  return suite === 'default' || suite === 'testing' ? DEFAULT_SUITE : suite === 'recorded' ? RECORDED_SUITE : suite;
}

/** Folder of the shipped scenarios of a suite. */
export function suiteDir(suite: Exclude<SuiteName, 'testing'>): string {
  return join(PACKAGE_ROOT, 'scenarios', folderOf(suite));
}

/** Folder of fitted generator parameter files. */
export function generatorFile(id: string): string {
  return join(PACKAGE_ROOT, 'scenarios', 'traces', 'generators', `${id}.json`);
}

/** The JSON files of a folder, sorted by name. */
function jsonFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

/** The scenario files of a suite, sorted by name. */
export function suiteFiles(suite: SuiteName): string[] {
  return jsonFiles(join(PACKAGE_ROOT, 'scenarios', folderOf(suite)));
}

/** The example scenarios (`scenarios/examples/`, files of the user's own in a scenario), sorted by name. */
export function exampleFiles(): string[] {
  return jsonFiles(join(PACKAGE_ROOT, 'scenarios', 'examples'));
}

/** A path, or the id of a shipped scenario (searched in every suite). */
export function resolveScenarioFile(fileOrId: string): string {
  if (fileOrId.endsWith('.json') || existsSync(fileOrId)) return resolve(fileOrId);
  for (const suite of SUITE_FOLDERS) {
    const f = join(suiteDir(suite), `${fileOrId}.json`);
    if (existsSync(f)) return f;
  }
  throw new InputError({ file: fileOrId, expected: 'a scenario file or the id of a shipped scenario', found: 'no such file or id' });
}

/** What the reference checks loaded: profiles by tier, trace files by JSON pointer. */
type Refs = { profiles: Partial<Record<Tier, DeviceProfile>>; traces: Map<string, NetworkTrace> };
const emptyRefs = (): Refs => ({ profiles: {}, traces: new Map() });

/** The background-load process `id` of `scenarios/traces/load/`. */
function loadBackgroundProcess(id: string, file: string): LoadProcess {
  const f = join(LOAD_PROCESS_DIR, `${id}.json`);
  if (!existsSync(f)) throw new InputError({ file, pointer: '/tiers/edge/backgroundLoad/process', expected: `the id of a process in scenarios/traces/load/ (${readdirSync(LOAD_PROCESS_DIR).map((x) => basename(x, '.json')).join(', ')})`, found: show(id) });
  return readJson(f) as LoadProcess;
}

/** Checks what the schema cannot: references and internal consistency. */
function crossReferenceIssues(spec: ScenarioSpec, file: string, refs: Refs): InputIssue[] {
  const issues: InputIssue[] = [];
  const at = (pointer: string, expected: string, found: string) => issues.push({ file, pointer, expected, found });
  // Shipped files are named by their id, so `loadScenario(id)` finds them.
  if (resolve(file).startsWith(join(PACKAGE_ROOT, 'scenarios')) && basename(file, '.json') !== spec.id) {
    at('/id', `the file's name ("${basename(file, '.json')}")`, show(spec.id));
  }
  for (const tier of TIERS) {
    const ref = spec.tiers[tier].profile;
    if (typeof ref !== 'string') {
      const r = resolveProfileFile(ref, { scenarioFile: file, pointer: `/tiers/${tier}/profile` });
      if (r.ok) refs.profiles[tier] = r.value;
      else issues.push(...r.issues);
      continue;
    }
    try {
      refs.profiles[tier] = loadProfile(ref);
    } catch (e) {
      if (e instanceof InputError && e.issues.some((i) => i.pointer !== undefined)) issues.push(...e.issues);
      else at(`/tiers/${tier}/profile`, 'the id of a profile in scenarios/profiles/, or {"file": PATH} for a profile file of your own', show(ref));
    }
  }
  const ids = new Set<string>();
  spec.models.forEach((m, i) => {
    if (ids.has(m.id)) at(`/models/${i}/id`, 'a model id not used before in /models', show(m.id));
    ids.add(m.id);
    m.tiers.forEach((tier, j) => {
      const p = refs.profiles[tier];
      if (p && !(m.id in p.models)) {
        at(`/models/${i}/tiers/${j}`, `a tier whose profile "${p.id}" has the model (it has: ${Object.keys(p.models).join(', ')})`, `${tier} (no "${m.id}")`);
      }
    });
  });
  const bg = spec.tiers.edge.backgroundLoad;
  if (bg && !existsSync(join(LOAD_PROCESS_DIR, `${bg.process}.json`))) {
    at('/tiers/edge/backgroundLoad/process', `the id of a process in scenarios/traces/load/ (${readdirSync(LOAD_PROCESS_DIR).map((x) => basename(x, '.json')).join(', ')})`, show(bg.process));
  }
  const dev = refs.profiles.device;
  if (spec.tiers.device.residency && dev) {
    try {
      withModelLoad(dev);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      at('/tiers/device/residency', `a device profile with model load times in scenarios/profiles/model-load.json`, `profile "${dev.id}" (${e.message})`);
    }
  }
  const radio = spec.tiers.device.radio;
  if (radio) {
    // radio.ts relies on these: every charge >= 0 and transfers priced above the connected base.
    const base = radio.tail[0]!.powerW;
    if (radio.tail[0]!.promotionMs !== 0 || radio.tail[0]!.promotionPowerW !== 0) at('/tiers/device/radio/tail/0', 'no promotion from the first (connected) stage: promotionMs and promotionPowerW 0', `${radio.tail[0]!.promotionMs} ms at ${radio.tail[0]!.promotionPowerW} W`);
    radio.tail.forEach((st, k) => {
      if (k > 0 && st.powerW > radio.tail[k - 1]!.powerW) at(`/tiers/device/radio/tail/${k}/powerW`, `<= the previous stage's power (${radio.tail[k - 1]!.powerW} W): a tail's power does not rise`, show(st.powerW));
    });
    const p = spec.tiers.device.power;
    if (p.txPowerW < base) at('/tiers/device/power/txPowerW', `>= the radio's connected power (${base} W, /tiers/device/radio/tail/0/powerW): transfers are charged above it`, show(p.txPowerW));
    if (p.rxPowerW < base) at('/tiers/device/power/rxPowerW', `>= the radio's connected power (${base} W, /tiers/device/radio/tail/0/powerW): transfers are charged above it`, show(p.rxPowerW));
  }
  const ch = spec.tiers.device.battery?.charging;
  if (ch && !(ch.durationS < ch.periodS)) at('/tiers/device/battery/charging/durationS', `< periodS (${ch.periodS} s): the device is unplugged for part of every period`, `${ch.durationS} s`);
  const dl = spec.users.deadline;
  if (dl && spec.users.deadlineMs !== null) at('/users/deadlineMs', 'null when /users/deadline draws a deadline per request', show(spec.users.deadlineMs));
  if (dl && dl.maxMs < dl.minMs) at('/users/deadline/maxMs', `>= minMs (${dl.minMs} ms)`, show(dl.maxMs));
  if (dl?.distribution === 'lognormal' && (dl.medianMs < dl.minMs || dl.medianMs > dl.maxMs)) at('/users/deadline/medianMs', `within [minMs, maxMs] = [${dl.minMs}, ${dl.maxMs}] ms`, show(dl.medianMs));
  const acc = spec.users.accuracyRequirement;
  if (acc.distribution === 'uniform' && acc.maxTop1Pct < acc.minTop1Pct) {
    at('/users/accuracyRequirement/maxTop1Pct', `>= minTop1Pct (${acc.minTop1Pct} % top-1)`, show(acc.maxTop1Pct));
  }
  if (acc.distribution === 'choice' && acc.weights && acc.weights.length !== acc.valuesTop1Pct.length) {
    at('/users/accuracyRequirement/weights', `${acc.valuesTop1Pct.length} weights, one per value`, `${acc.weights.length}`);
  }
  if (acc.distribution === 'choice' && acc.weights && !acc.weights.some((w) => w > 0)) {
    at('/users/accuracyRequirement/weights', 'at least one positive weight', show(acc.weights));
  }
  const checkTrace = (ref: TraceRef, pointer: string) => {
    if ('catalog' in ref) {
      if (!findCatalogEntry(ref.catalog)) at(`${pointer}/catalog`, `the id of a trace in a catalog in use (${catalogFiles().join(', ')}; add yours with --catalog FILE; see \`orchbench traces list\`)`, show(ref.catalog));
    } else if ('file' in ref) {
      const r = resolveTraceFile(ref, { scenarioFile: file, pointer }, spec.links.access.uplinkFraction);
      if (r.ok) refs.traces.set(pointer, r.value);
      else issues.push(...r.issues);
    } else if ('generator' in ref) {
      const f = generatorFile(ref.generator);
      if (!existsSync(f)) at(`${pointer}/generator`, 'the id of a generator in scenarios/traces/generators/', show(ref.generator));
      else {
        const gi = schemaIssues('generator', readJson(f), f);
        issues.push(...gi);
      }
    }
  };
  spec.links.access.traces.forEach((t, i) => checkTrace(t, `/links/access/traces/${i}`));
  checkTrace(spec.links.wan.trace, '/links/wan/trace');
  return issues;
}

/**
 * Checks a scenario file (schema, then references). Never throws for bad input.
 * @returns every issue found, empty when the file is valid.
 */
export function checkScenario(file: string): InputIssue[] {
  let data: unknown;
  try {
    data = readJson(file);
  } catch (e) {
    if (e instanceof InputError) return e.issues;
    throw e;
  }
  const schema = schemaIssues('scenario', data, file);
  if (schema.length) return schema;
  return crossReferenceIssues(data as ScenarioSpec, file, emptyRefs());
}

/** Applies the testing variant's overrides. */
function applyVariant(spec: ScenarioSpec, variant: Variant): ScenarioSpec {
  if (variant === 'full') return spec;
  const s = structuredClone(spec);
  s.budgets = { ...spec.testing.budgets };
  if (spec.testing.usersCount !== undefined) s.users.count = spec.testing.usersCount;
  if (spec.testing.sampleEfficiency !== undefined) s.sampleEfficiency = { ...spec.testing.sampleEfficiency };
  return s;
}

async function traceSource(ref: TraceRef, spec: ScenarioSpec, loaded: NetworkTrace | undefined): Promise<TraceSource> {
  if ('file' in ref) return { kind: 'recorded', id: `file:${ref.file}`, trace: loaded! };
  if ('fixed' in ref) {
    const id = `fixed:${ref.fixed.uplinkMbps}/${ref.fixed.downlinkMbps}`;
    return { kind: 'fixed', id, ...ref.fixed, sha256: canonicalHash(ref.fixed) };
  }
  if ('generator' in ref) {
    const fitted = readValidated<GeneratorParams>('generator', generatorFile(ref.generator));
    // A generator fitted to downlink-only traces carries uplink = downlink: apply the scenario's ratio.
    const params = fitted.derivedUplink
      ? { ...fitted, states: fitted.states.map((st) => ({ ...st, uplinkMbps: st.downlinkMbps * spec.links.access.uplinkFraction })) }
      : fitted;
    return { kind: 'generated', id: ref.generator, params, durationS: ref.durationS, sha256: canonicalHash({ params, durationS: ref.durationS }) };
  }
  const trace = await loadCatalogTrace(ref.catalog, undefined, { uplinkFraction: spec.links.access.uplinkFraction });
  return { kind: 'recorded', id: ref.catalog, trace };
}

/** The action table: every tier x model pair, tier-major, in the zoo's order. */
function actionTable(spec: ScenarioSpec, profiles: Record<Tier, DeviceProfile>): ActionDef[] {
  const actions: ActionDef[] = [];
  for (const tier of TIERS) {
    for (const m of spec.models) {
      const medianComputeMs = m.tiers.includes(tier) ? (profiles[tier].models[m.id]?.medianMs ?? null) : null;
      actions.push({ index: actions.length, tier, modelId: m.id, accuracyTop1Pct: m.accuracyTop1Pct, medianComputeMs });
    }
  }
  return actions;
}

/**
 * Loads, validates and compiles a scenario.
 * @param fileOrId a path to a scenario JSON file, or the id of a shipped scenario
 * @throws InputError listing every problem (file + JSON pointer + expected + found)
 */
export async function loadScenario(fileOrId: string, opts: { variant?: Variant } = {}): Promise<CompiledScenario> {
  const file = resolveScenarioFile(fileOrId);
  const raw = readJson(file);
  const schema = schemaIssues('scenario', raw, file);
  if (schema.length) throw new InputError(schema);
  const refs = emptyRefs();
  const cross = crossReferenceIssues(raw as ScenarioSpec, file, refs);
  if (cross.length) throw new InputError(cross);
  const variant = opts.variant ?? 'full';
  const spec = applyVariant(raw as ScenarioSpec, variant);
  const access = await Promise.all(spec.links.access.traces.map((t, i) => traceSource(t, spec, refs.traces.get(`/links/access/traces/${i}`))));
  const wan = await traceSource(spec.links.wan.trace, spec, refs.traces.get('/links/wan/trace'));
  // Model residency adds the device's load times (and only then: other scenarios' hashes stay as they were).
  const device = spec.tiers.device.residency ? withModelLoad(refs.profiles.device!) : refs.profiles.device!;
  const profiles = { device, edge: refs.profiles.edge!, cloud: refs.profiles.cloud! };
  const traceSha256s = [...access.map(traceSha), traceSha(wan)];
  const backgroundLoad = spec.tiers.edge.backgroundLoad ? loadBackgroundProcess(spec.tiers.edge.backgroundLoad.process, file) : undefined;
  // The process enters the hash only when used, so scenarios without one keep their hashes.
  const hash = canonicalHash({ spec, variant, profiles, traceSha256s, ...(backgroundLoad ? { backgroundLoad } : {}) });
  return { id: spec.id, variant, spec, hash, actions: actionTable(spec, profiles), profiles, access, wan, traceSha256s, file, ...(backgroundLoad ? { backgroundLoad } : {}) };
}

function traceSha(s: TraceSource): string {
  return s.kind === 'recorded' ? s.trace.sha256 : s.sha256;
}

/** Loads every scenario of a suite (`testing` = the default suite in its testing variant). */
export async function loadSuite(suite: SuiteName, opts: { variant?: Variant } = {}): Promise<CompiledScenario[]> {
  const variant = suite === 'testing' ? 'testing' : (opts.variant ?? 'full');
  const out: CompiledScenario[] = [];
  for (const f of suiteFiles(suite)) out.push(await loadScenario(f, { variant }));
  return out;
}
