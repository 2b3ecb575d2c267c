/**
 * One call to an out-of-process agent (`ProcessAgent.call`), against small `sh` children that
 * break the protocol on purpose: each failure is the one its rule names (kind and reason), it
 * sticks (the next call throws it again), a child that reported an error is killed at once, the
 * job limit cuts a call short, requests queued by `learn` go out once, and the call timing the
 * harness reports (the agent's learning time in results) is split by phase.
 */
import { describe, expect, it } from 'vitest';
import type { AgentMode, EnvSpec, Observation, Transition } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { SubmissionError } from '../../harness/submission/errors.ts';
import { DEFAULT_LIMITS, ProcessAgent, type ProcessLimits } from '../../harness/submission/process-agent.ts';
import { fixtureScenario } from '../env/fixtures.ts';
import { eventually, processesWith } from './helpers.ts';

/** A child that answers hello with ready, then runs `onAct` (sh) for every act line. */
const child = (onAct: string, limits: Partial<ProcessLimits> = {}): ProcessAgent =>
  ProcessAgent.start(
    { command: 'sh', args: ['-c', `read line; echo '{"type":"ready"}'; while read line; do ${onAct}; done`], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    { env: {} as EnvSpec, seed: 1 },
    { ...DEFAULT_LIMITS, decisionMs: 5000, ...limits },
  );
const obs = new OrchestrationEnv(fixtureScenario()).reset(1, 'learn');

/** The error the agent's next act throws (and the one after it: a failed agent stays failed). */
function actError(agent: ProcessAgent): SubmissionError {
  let first: unknown;
  try {
    agent.act(obs);
  } catch (e) {
    first = e;
  }
  expect(first).toBeInstanceOf(SubmissionError);
  expect(() => agent.act(obs)).toThrow(first as Error);
  return first as SubmissionError;
}

describe('ProcessAgent: what one call accepts and how it fails', () => {
  it.each([
    ['a line that is not JSON', `echo 'action zero'`, 'protocol: sent a line that is not JSON (log to stderr instead): action zero'],
    ['JSON that is not an object', `echo 5`, 'protocol: sent 5 instead of a JSON object'],
    ['null', `echo null`, 'protocol: sent null instead of a JSON object'],
    ['a second line after the reply', `printf '{"action":0}\\n{"action":1}\\n'`, 'protocol: sent an unexpected line on stdout (log to stderr instead): {"action":1}'],
  ])('%s is a protocol violation, and the agent stays failed', (_what, onAct, message) => {
    const agent = child(onAct);
    try {
      expect(actError(agent)).toEqual(new SubmissionError('protocol', message));
    } finally {
      agent.dispose();
    }
  });

  it('blank lines around a reply are not replies and not extra lines', () => {
    const agent = child(`printf '\\n  \\n{"action":1}\\n\\t\\n \\r\\n'`);
    try {
      for (let i = 0; i < 3; i++) expect(agent.act(obs)).toBe(1);
    } finally {
      agent.dispose();
    }
  });

  it('a child that exits during a call is reported with its exit code and last line on stderr', () => {
    const agent = child(`echo 'bad things happened' >&2; exit 3`);
    try {
      const e = actError(agent);
      expect(e.failure).toBe('crashed');
      expect(e.message).toBe('exited unexpectedly (code 3, signal null); its last line on stderr: bad things happened');
    } finally {
      agent.dispose();
    }
  });

  it('an error the child reports fails the call as its own report (load or act) and the child is killed at once', async () => {
    expect(() => ProcessAgent.start({ command: 'sh', args: ['-c', `read line; echo '{"error":"no weights"}'`], cwd: process.cwd(), env: {} }, { env: {} as EnvSpec, seed: 1 }))
      .toThrow(new SubmissionError('load', 'reported by the submission: no weights'));
    const mark = '600.7193';
    // The child lives on after its reply: only the harness's kill ends it early.
    const agent = child(`echo '{"error":"boom"}'; exec sleep ${mark}`);
    try {
      expect(actError(agent)).toEqual(new SubmissionError('threw', 'reported by the submission: boom'));
      // Not yet disposed (dispose kills a failed child too): the call itself killed it.
      expect(await eventually(() => processesWith(`sleep ${mark}`).length === 0, 10_000)).toBe(true);
    } finally {
      agent.dispose();
    }
  }, 20_000);

  it('the job limit cuts a call short and is named as the job limit: decisions of 50 ms each stop within 2x a 400 ms job', () => {
    // Sleeps need no CPU: the decisions completed measure the limit's wall time on a loaded machine too.
    const agent = child(`sleep 0.05; echo '{"action":0}'`, { jobMs: 400 });
    let completed = 0;
    try {
      for (; completed < 1000; completed++) agent.act(obs);
    } catch (e) {
      expect(e).toEqual(new SubmissionError('time-limit', 'exceeded the 400 ms job limit'));
    } finally {
      agent.dispose();
    }
    expect(completed).toBeGreaterThan(0);
    expect(completed * 50).toBeLessThan(2 * 400);
  }, 20_000);

  it('sends each queued learn once, with the next act', () => {
    // The child counts the learn lines it received and reports the count as its real steps.
    const count = `case "$line" in *'"type":"learn"'*) n=$((n+1));; *'"type":"stats"'*) echo "{\\"stats\\":{\\"realSteps\\":$n,\\"planningUpdates\\":0,\\"learnMs\\":0,\\"planningMs\\":0}}";; *'"type":"act"'*) echo '{"action":0}';; esac`;
    const agent = child(count);
    const env = new OrchestrationEnv(fixtureScenario({ learningDecisions: 60 }));
    let learned = 0;
    try {
      const wrapped = { name: 'wrapped', act: (o: Observation) => (agent.act(o), o.actionMask.indexOf(1)), learn: (t: Transition) => (learned++, agent.learn(t)), setMode: (m: AgentMode) => agent.setMode(m) };
      runEpisode(env, wrapped, 1, { learningDecisions: 60, evaluationDecisions: 0 });
      expect(learned).toBeGreaterThan(30);
      expect(agent.stats().realSteps).toBe(learned);
    } finally {
      agent.dispose();
    }
  });

  it('times every call, and the learning phase apart: decisions of at least 20 ms, the longest kept', () => {
    // The first act sleeps 300 ms, the others 20 ms.
    const agent = child(`if [ -z "$slept" ]; then slept=1; sleep 0.3; else sleep 0.02; fi; echo '{"action":0}'`);
    try {
      const t = agent.timing;
      // Each call's time is what it added to the total; the longest stays the maximum.
      const calls: number[] = [t.totalMs];
      const act = (): void => {
        const before = t.totalMs;
        const outer = performance.now();
        agent.act(obs);
        const outerMs = performance.now() - outer;
        calls.push(t.totalMs - before);
        // The call is timed inside the act this test timed around it.
        expect(calls.at(-1)).toBeLessThanOrEqual(outerMs);
        expect(t.maxMs).toBeCloseTo(Math.max(...calls), 9);
      };
      for (let i = 0; i < 3; i++) act();
      // The load call and 3 acts, all in the learning phase (the mode an agent starts in).
      expect(t.calls).toBe(4);
      expect(t.learnPhaseMs).toBe(t.totalMs);
      const learnMs = t.learnPhaseMs;
      agent.setMode('eval');
      for (let i = 0; i < 2; i++) act();
      expect(t.calls).toBe(6);
      expect(t.learnPhaseMs).toBe(learnMs);
      // A call cannot end before its reply, which comes after the child's sleep; its clock starts
      // once the request is written, and the child can begin sleeping before the write returns
      // (measured 19.91 ms for a 20 ms sleep at load 4): 1 ms of slack.
      expect(calls[1]).toBeGreaterThanOrEqual(299);
      for (const ms of calls.slice(2)) expect(ms).toBeGreaterThanOrEqual(19);
      expect(t.totalMs - learnMs).toBeGreaterThanOrEqual(2 * 19);
    } finally {
      agent.dispose();
    }
  });
});
