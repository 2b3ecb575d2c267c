/**
 * Scenarios naming files of the user's own: trace files in every format and profile files,
 * resolved relative to the scenario file, identified by sha256 (checked when given), and every
 * problem reported at the scenario file and the reference's JSON pointer.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InputIssue } from '../../harness/errors.ts';
import { identifyJob } from '../../harness/runner/job.ts';
import { checkScenario, loadScenario } from '../../harness/scenario/load.ts';
import { sha256Hex } from '../../harness/traces/formats/common.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const EXAMPLES = join(REPO_ROOT, 'scenarios', 'examples');
const EXAMPLE = 'byo-phone-log-1u-v1';
const root = mkdtempSync(join(tmpdir(), 'orchbench-byo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Spec = Record<string, any>;
let counter = 0;

/**
 * A copy of the example (scenario, traces, profiles) in its own folder below a temp dir, with the
 * scenario changed by `mutate` and extra files written beside it. Returns the scenario's path.
 */
function project(mutate: (s: Spec) => void = () => {}, files: Record<string, string> = {}): string {
  const dir = join(root, `p${++counter}`, 'deep', 'folder');
  mkdirSync(dir, { recursive: true });
  cpSync(join(EXAMPLES, 'traces'), join(dir, 'traces'), { recursive: true });
  cpSync(join(EXAMPLES, 'profiles'), join(dir, 'profiles'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const s = JSON.parse(readFileSync(join(EXAMPLES, `${EXAMPLE}.json`), 'utf8')) as Spec;
  mutate(s);
  const file = join(dir, `${EXAMPLE}.json`);
  writeFileSync(file, JSON.stringify(s, null, 2));
  return file;
}

const LOG_SHA = sha256Hex(readFileSync(join(EXAMPLES, 'traces', 'phone-throughput-log.csv')));
const access0 = '/links/access/traces/0';

/** The one issue at `pointer` (checkScenario and loadScenario agree on it). */
async function issueAt(file: string, pointer: string): Promise<InputIssue> {
  const issues = checkScenario(file);
  const hit = issues.find((i) => i.pointer === pointer);
  expect(hit, JSON.stringify(issues, null, 2)).toBeDefined();
  expect(hit!.file).toBe(file);
  await expect(loadScenario(file)).rejects.toThrow(pointer);
  return hit!;
}

describe('trace and profile files in a scenario', () => {
  it('the shipped example resolves its files relative to its own folder, whatever the working directory', async () => {
    const file = project();
    const s = await loadScenario(file, { variant: 'testing' });
    expect(s.traceSha256s[0]).toBe(LOG_SHA);
    expect(s.access[0]).toMatchObject({ kind: 'recorded', id: 'file:traces/phone-throughput-log.csv' });
    expect(s.profiles.device.id).toBe('my-device');
    // The same scenario from the repository gives the same hash: relative paths, same bytes.
    expect((await loadScenario(join(EXAMPLES, `${EXAMPLE}.json`), { variant: 'testing' })).hash).toBe(s.hash);
  });

  it('every result line carries the file sha256: the job identity is made of it', async () => {
    const file = project();
    const id = await identifyJob({ agent: 'random', agentKind: 'baseline', scenario: EXAMPLE, scenarioFile: file, variant: 'testing', seed: 1 });
    expect(id.traceSha256s[0]).toBe(LOG_SHA);
  });

  it('without "sha256" the hash is computed at load: other bytes, other trace hash and scenario hash', async () => {
    const plain = project((s) => { delete s.links.access.traces[0].sha256; });
    const edited = project((s) => { delete s.links.access.traces[0].sha256; });
    const log = join(edited, '..', 'traces', 'phone-throughput-log.csv');
    writeFileSync(log, readFileSync(log, 'utf8').replace('2026.11.27_08.00.00,25200', '2026.11.27_08.00.00,25201'));
    const [a, b] = await Promise.all([loadScenario(plain), loadScenario(edited)]);
    expect(a.traceSha256s[0]).toBe(LOG_SHA);
    expect(b.traceSha256s[0]).toBe(sha256Hex(readFileSync(log)));
    expect(b.hash).not.toBe(a.hash);
  });

  it('a wrong sha256 is an error at its pointer naming both hashes', async () => {
    const wrong = 'f'.repeat(64);
    const i = await issueAt(project((s) => { s.links.access.traces[0].sha256 = wrong; }), `${access0}/sha256`);
    expect(i.expected).toContain(wrong);
    expect(i.found).toContain(LOG_SHA);
  });

  it('a missing file is an error at /file naming the path it looked for', async () => {
    const i = await issueAt(project((s) => { s.links.access.traces[0].file = 'traces/nope.csv'; }), `${access0}/file`);
    expect(i.found).toMatch(/"traces\/nope\.csv": ENOENT \(.*deep\/folder\/traces\/nope\.csv\)/);
  });

  it('an unknown column or unit is an error at its mapping pointer with what the file has', async () => {
    const col = await issueAt(project((s) => { s.links.access.traces[0].columns.downlink.column = 'DL_kbps'; }), `${access0}/columns/downlink/column`);
    expect(col.found).toMatch(/"Timestamp", "DL_bitrate", "RSRP" \(.*phone-throughput-log\.csv:1\)/);
    const unit = await issueAt(project((s) => { s.links.access.traces[0].columns.downlink.unit = 'kbit/s'; }), `${access0}/columns/downlink/unit`);
    expect(unit.found).toContain('"kbit/s"');
    const time = await issueAt(project((s) => { s.links.access.traces[0].columns.time.unit = 'minutes'; }), `${access0}/columns/time/unit`);
    expect(time.expected).toContain('s, ms, us, datetime');
  });

  it('a bad row of the trace is reported at /file with the trace file and line', async () => {
    const file = project((s) => { s.links.wan.trace = { file: 'wan.csv', format: 'csv' }; }, { 'wan.csv': 't_ms,uplink_mbps,downlink_mbps\n0,100,100\n1000,fast,100\n' });
    const i = await issueAt(file, '/links/wan/trace/file');
    expect(i.expected).toMatch(/^a valid csv trace: uplink_mbps as a number from 0 to 1000000 \(Mbps\)/);
    expect(i.found).toMatch(/"fast" \(.*wan\.csv:3\)/);
  });

  it('fields of another format and a missing mapping are errors at their pointers', async () => {
    await issueAt(project((s) => { s.links.access.traces[0].uplinkFile = 'traces/up'; }), `${access0}/uplinkFile`);
    await issueAt(project((s) => { delete s.links.access.traces[0].columns; }), `${access0}/columns`);
    await issueAt(project((s) => { s.links.access.traces[0].format = 'pensieve'; delete s.links.access.traces[0].windowMs; }), `${access0}/columns`);
  });

  it('a mahimahi pair: uplink file read, both hashes checked, the pair identified by both', async () => {
    const down = '1\n2\n2\n1000\n';
    const up = '500\n1000\n';
    const ref = (extra: Spec) => (s: Spec) => { s.links.wan.trace = { file: 'wan.down', format: 'mahimahi', uplinkFile: 'wan.up', sha256: sha256Hex(down), ...extra }; };
    const files = { 'wan.down': down, 'wan.up': up };
    const s = await loadScenario(project(ref({ uplinkSha256: sha256Hex(up) }), files));
    expect(s.wan.kind === 'recorded' && s.wan.trace.derivedUplink).toBe(false);
    expect(s.traceSha256s.at(-1)).toBe(sha256Hex(`${sha256Hex(down)}\n${sha256Hex(up)}\n`));
    const i = await issueAt(project(ref({ uplinkSha256: '0'.repeat(64) }), files), '/links/wan/trace/uplinkSha256');
    expect(i.found).toContain(sha256Hex(up));
  });

  it('pensieve and 5gophers files take the scenario uplink fraction and their format options', async () => {
    const s = await loadScenario(project((sc) => {
      sc.links.access.traces = [{ file: 'a.txt', format: 'pensieve' }, { file: 'b.csv', format: '5gophers', select: { run_num: 2 } }];
    }, { 'a.txt': '0 10\n1 20\n', 'b.csv': 'run_num,seq_num,throughput_mbps\n1,0,5\n2,0,40\n2,1,60\n' }));
    const [a, b] = s.access.map((x) => (x.kind === 'recorded' ? x.trace : undefined));
    expect(Array.from(a!.uplinkMbps)).toEqual([3, 6]);
    expect(Array.from(b!.downlinkMbps)).toEqual([40, 60]);
    expect(Array.from(b!.uplinkMbps)).toEqual([12, 18]);
  });

  it('profile files: sha256 checked, missing and invalid files located, ids still accepted', async () => {
    const sha = await issueAt(project((s) => { s.tiers.device.profile.sha256 = 'a'.repeat(64); }), '/tiers/device/profile/sha256');
    expect(sha.found).toContain(sha256Hex(readFileSync(join(EXAMPLES, 'profiles', 'my-device.json'))));
    await issueAt(project((s) => { s.tiers.device.profile = { file: 'profiles/none.json' }; }), '/tiers/device/profile/file');
    const bad = JSON.parse(readFileSync(join(EXAMPLES, 'profiles', 'my-device.json'), 'utf8')) as Spec;
    bad.models.resnet50.p95Ms = 1;
    const invalid = await issueAt(project((s) => { s.tiers.edge.profile = { file: 'edge.json' }; }, { 'edge.json': JSON.stringify(bad) }), '/tiers/edge/profile/file');
    expect(invalid.found).toMatch(/edge\.json#\/models\/resnet50\/p95Ms/);
    const id = await issueAt(project((s) => { s.tiers.edge.profile = 'Not An Id'; }), '/tiers/edge/profile');
    expect(id.expected).toMatch(/string matching/);
    const s = await loadScenario(project((sc) => { sc.tiers.device.profile = 'rpi4-device'; }));
    expect(s.profiles.device.id).toBe('rpi4-device');
  });

  it('--catalog: a catalog of your own names a local trace; the run\'s worker threads use it too', () => {
    const file = project((s) => { s.links.access.traces = [{ catalog: 'my-phone-log' }]; });
    const dir = dirname(file);
    const entry = { id: 'my-phone-log', file: 'traces/log.txt', sha256: sha256Hex('0 20\n1 30\n'), format: 'pensieve', licence: 'own data', citation: 'me', description: 'a log of mine' };
    writeFileSync(join(dir, 'traces', 'log.txt'), '0 20\n1 30\n');
    writeFileSync(join(dir, 'my-catalog.json'), JSON.stringify({ version: 1, traces: [entry] }));
    const bin = join(REPO_ROOT, 'bin', 'orchbench.js');
    const env = { ...process.env, NO_COLOR: '1', ORCHBENCH_TRACE_CATALOG: '' };
    const without = spawnSync('node', [bin, 'scenario', 'check', file], { encoding: 'utf8', env });
    expect(without.status).toBe(1);
    expect(without.stdout).toContain(`${file}#/links/access/traces/0/catalog: expected the id of a trace in a catalog in use`);
    const out = join(dir, 'results');
    const run = spawnSync('node', [bin, 'run', '--scenarios', file, '--catalog', join(dir, 'my-catalog.json'), '--variant', 'testing', '--agents', 'static-device', '--seeds', '1', '--workers', '1', '--out', out], { encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    const line = JSON.parse(readFileSync(join(out, 'results.jsonl'), 'utf8').trim()) as { status: string; traceSha256s: string[] };
    expect(line.status).toBe('ok');
    expect(line.traceSha256s[0]).toBe(entry.sha256);
  });
});
