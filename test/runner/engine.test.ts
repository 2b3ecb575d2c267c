import { describe, expect, it } from 'vitest';
import { register } from '../../harness/cli/run.ts';
import { engineShard } from '../../harness/runner/engine.ts';
import { inputError as refusal } from '../helpers/input-error.ts';
import { runCli } from '../report/cli.ts';

describe('--shard auto (engineShard)', () => {
  it('reads a Kubernetes Indexed Job index (0-based) with the count from --shards', () => {
    expect(engineShard({ JOB_COMPLETION_INDEX: '0' }, 8)).toEqual({ shard: { index: 1, count: 8 }, source: 'JOB_COMPLETION_INDEX=0 (Kubernetes Indexed Job), count from --shards' });
    expect(engineShard({ JOB_COMPLETION_INDEX: '7' }, 8).shard).toEqual({ index: 8, count: 8 });
  });

  it('reads a Slurm array task with the count from SLURM_ARRAY_TASK_COUNT, MIN/MAX (with STEP) or --shards', () => {
    expect(engineShard({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ shard: { index: 3, count: 4 }, source: 'SLURM_ARRAY_TASK_ID=3 (Slurm job array, MIN 1, STEP 1), count from SLURM_ARRAY_TASK_COUNT' });
    expect(engineShard({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '15' }).shard).toEqual({ index: 1, count: 16 });
    expect(engineShard({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '12', SLURM_ARRAY_TASK_STEP: '4' }).shard).toEqual({ index: 3, count: 4 });
    expect(engineShard({ SLURM_ARRAY_TASK_ID: '2' }, 5)).toMatchObject({ shard: { index: 3, count: 5 }, source: expect.stringMatching(/count from --shards$/) });
  });

  it('reads an AWS Batch array index with the count from --shards', () => {
    expect(engineShard({ AWS_BATCH_JOB_ARRAY_INDEX: '2' }, 4)).toEqual({ shard: { index: 3, count: 4 }, source: 'AWS_BATCH_JOB_ARRAY_INDEX=2 (AWS Batch array job), count from --shards' });
  });

  it('refuses no engine, two engines, a count it cannot know, a bad index and one beyond the count', () => {
    expect(() => engineShard({})).toThrow('--shard auto: expected exactly one engine index variable: JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX (or pass --shard i/n); found none set');
    expect(() => engineShard({ JOB_COMPLETION_INDEX: '1', AWS_BATCH_JOB_ARRAY_INDEX: '1' }, 4)).toThrow(/found JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX all set/);
    expect(() => engineShard({ JOB_COMPLETION_INDEX: '1' })).toThrow(/--shards: expected the number of shards \(a Kubernetes Indexed Job does not tell it/);
    expect(() => engineShard({ AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toThrow(/AWS Batch array job/);
    expect(() => engineShard({ SLURM_ARRAY_TASK_ID: '1' })).toThrow(/SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX/);
    expect(() => engineShard({ JOB_COMPLETION_INDEX: 'x' }, 4)).toThrow('$JOB_COMPLETION_INDEX: expected an integer >= 0 (an array index set by the engine); found "x"');
    expect(() => engineShard({ JOB_COMPLETION_INDEX: '4' }, 4)).toThrow(/expected an engine index below the shard count 4; found shard 5/);
    expect(() => engineShard({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '4', SLURM_ARRAY_TASK_MAX: '12' })).toThrow(/MIN \+ k x STEP/);
  });
});

describe('run --plan', () => {
  const PLAN = ['run', '--plan', '--suite', 'testing', '--scenarios', 'broadband-4u-battery-v3,lte-driving-4u-battery-v3', '--agents', 'dqn,random,static-device', '--seeds', '4'];
  type PlanJson = { jobsPlanned: number; shards: { shard: string; expectedMs: number; jobs: { agent: string; jobHash: string; expectedMs: number }[] }[] };

  it('prints each shard\'s jobs and expected time as JSON; --shard i/n prints that shard; the shards cover the plan', async () => {
    const all = JSON.parse((await runCli(register, [...PLAN, '--shards', '3', '--json'])).stdout) as PlanJson;
    expect(all.jobsPlanned).toBe(24);
    expect(all.shards.map((s) => s.shard)).toEqual(['1/3', '2/3', '3/3']);
    const hashes = all.shards.flatMap((s) => s.jobs.map((j) => j.jobHash));
    expect(new Set(hashes).size).toBe(24);
    for (const s of all.shards) expect(s.expectedMs).toBe(s.jobs.reduce((t, j) => t + j.expectedMs, 0));
    const two = JSON.parse((await runCli(register, [...PLAN, '--shard', '2/3', '--json'])).stdout) as PlanJson;
    expect(two.shards).toEqual([all.shards[1]]);
    expect((await runCli(register, [...PLAN, '--shards', '3'])).stdout).toMatch(/^24 jobs planned\nshard 1\/3: \d+ jobs, expected [\d.]+ s/);
  });

  it('--shard auto takes the shard from the engine and says which', async () => {
    const before = process.env.JOB_COMPLETION_INDEX;
    process.env.JOB_COMPLETION_INDEX = '1';
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((c: string) => (stderr.push(String(c)), true)) as typeof process.stderr.write;
    try {
      const auto = JSON.parse((await runCli(register, [...PLAN, '--shard', 'auto', '--shards', '3', '--json'])).stdout) as PlanJson;
      expect(auto.shards.map((s) => s.shard)).toEqual(['2/3']);
      expect(stderr.join('')).toBe('shard 2/3 from JOB_COMPLETION_INDEX=1 (Kubernetes Indexed Job), count from --shards\n');
      expect((await refusal(() => runCli(register, [...PLAN, '--shard', '1/3', '--shards', '4']))).message).toMatch(/--shards: expected the n of --shard 1\/3/);
    } finally {
      process.stderr.write = write;
      if (before === undefined) delete process.env.JOB_COMPLETION_INDEX;
      else process.env.JOB_COMPLETION_INDEX = before;
    }
  });
});
