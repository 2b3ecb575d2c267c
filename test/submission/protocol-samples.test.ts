/**
 * The sample of each protocol message in submissions/README.md is what the harness sends: a child
 * process records every line it receives while a ProcessAgent runs a few decisions of a real
 * scenario, and each README sample must equal the recorded message of its type (arrays may be
 * shortened to their first entries: the sample's entries must be the message's first entries).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { ProcessAgent } from '../../harness/submission/process-agent.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { eventually } from './helpers.ts';

/** Scenario, seed and config the README's samples were taken from (stated there too). */
const SCENARIO = 'lte-driving-4u-deadlines-energy-v3';
const SEED = 7;

// Records each received line into the file argv[1]; answers hello, act (first legal action) and stats.
const RECORDER = `
const fs = require('fs'); const rl = require('readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  fs.appendFileSync(process.argv[1], line + '\\n');
  const m = JSON.parse(line);
  if (m.type === 'hello') console.log(JSON.stringify({ type: 'ready', name: 'recorder' }));
  else if (m.type === 'act') console.log(JSON.stringify({ action: m.obs.actionMask.indexOf(1) }));
  else if (m.type === 'stats') console.log(JSON.stringify({ stats: null }));
  else if (m.type === 'close') process.exit(0);
});`;

/** Every message the harness sent, in order, for a few learning decisions, one evaluation decision and stats. */
async function recordMessages(): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-protocol-'));
  const log = join(dir, 'sent.jsonl');
  try {
    const env = new OrchestrationEnv(await loadScenario(SCENARIO, { variant: 'testing' }));
    const agent = ProcessAgent.start(
      { command: process.execPath, args: ['-e', RECORDER, log], cwd: dir, env: {} },
      { env: env.spec, seed: SEED, config: { explorationRate: 0.1 } },
    );
    let obs = env.reset(SEED, 'learn');
    let learned = 0;
    for (let i = 0; i < 200 && learned === 0; i++) {
      const { obs: next, feedback } = env.step(agent.act(obs));
      for (const t of feedback) { agent.learn(t); learned++; }
      obs = next;
    }
    agent.act(obs);
    agent.setMode('eval');
    agent.stats();
    agent.dispose();
    // The child has 200 ms to read `close` and exit on its own before it is killed.
    await eventually(() => readFileSync(log, 'utf8').includes('"type":"close"'));
    return readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The README's samples: each ```json block that follows a `<!-- protocol sample: TYPE -->` line. */
function readmeSamples(): Map<string, unknown> {
  const text = readFileSync(join(REPO_ROOT, 'submissions/README.md'), 'utf8');
  const out = new Map<string, unknown>();
  for (const m of text.matchAll(/<!-- protocol sample: (\w+) -->\s*```json\n([\s\S]*?)```/g)) out.set(m[1]!, JSON.parse(m[2]!));
  return out;
}

/** JSON pointers where `sample` differs from `sent`; an array in the sample may be a prefix of the sent one. */
function differences(sample: unknown, sent: unknown, at = ''): string[] {
  if (Array.isArray(sample) && Array.isArray(sent)) {
    if (sample.length === 0 || sample.length > sent.length) return [`${at}: ${sample.length} entries, sent ${sent.length}`];
    return sample.flatMap((v, i) => differences(v, sent[i], `${at}/${i}`));
  }
  if (sample && sent && typeof sample === 'object' && typeof sent === 'object' && !Array.isArray(sample) && !Array.isArray(sent)) {
    const a = Object.keys(sample).sort();
    const b = Object.keys(sent).sort();
    if (a.join() !== b.join()) return [`${at}: keys ${a.join(',')}; sent ${b.join(',')}`];
    return a.flatMap((k) => differences((sample as Record<string, unknown>)[k], (sent as Record<string, unknown>)[k], `${at}/${k}`));
  }
  return Object.is(sample, sent) ? [] : [`${at}: ${JSON.stringify(sample)}; sent ${JSON.stringify(sent)}`];
}

/** A sent message with every array cut to its first `n` entries (how the README shows them). */
function shortened(v: unknown, n = 3): unknown {
  if (Array.isArray(v)) return v.slice(0, n).map((x) => shortened(x, n));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shortened(x, n)]));
  return v;
}

describe('submissions/README.md protocol samples', () => {
  it('each message type has a sample, equal to what the harness sends (arrays shortened)', async () => {
    const sent = await recordMessages();
    const first = new Map<string, Record<string, unknown>>();
    for (const m of sent) if (!first.has(m.type as string)) first.set(m.type as string, m);
    expect([...first.keys()].sort()).toEqual(['act', 'close', 'hello', 'learn', 'mode', 'stats']);
    const samples = readmeSamples();
    const problems: string[] = [];
    for (const [type, message] of first) {
      const sample = samples.get(type);
      const fresh = JSON.stringify(shortened(message));
      if (sample === undefined) problems.push(`no sample for "${type}"; sent (shortened): ${fresh}`);
      else for (const d of differences(sample, message, type)) problems.push(`${d}\n  fresh sample: ${fresh}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('the hello sample carries the scoring contract: the reward weights and the ranking rule', () => {
    const hello = readmeSamples().get('hello') as { env: Record<string, unknown> } | undefined;
    expect(Object.keys(hello?.env ?? {})).toEqual(expect.arrayContaining(['reward', 'ranking']));
  });
});
