/**
 * `--shard auto`: the shard of this process from the array index a batch engine gives it.
 *
 * - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based); the count is not in the pod's
 *   environment, so `--shards N` (the Job's `completions`) is required.
 * - Slurm job array: `SLURM_ARRAY_TASK_ID`, with `SLURM_ARRAY_TASK_MIN` (default 0) and
 *   `SLURM_ARRAY_TASK_STEP` (default 1); the count from `--shards N`, else
 *   `SLURM_ARRAY_TASK_COUNT`, else `(MAX - MIN) / STEP + 1` from `SLURM_ARRAY_TASK_MAX`.
 * - AWS Batch array job: `AWS_BATCH_JOB_ARRAY_INDEX` (0-based); `--shards N` (the array size)
 *   is required.
 */
import { InputError } from '../errors.ts';
import type { Shard } from './plan.ts';

/** The shard and a sentence saying where it came from. */
export interface EngineShard {
  shard: Shard;
  source: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const INDEX_VARS = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

/** A non-negative integer from variable `name`; throws naming the variable otherwise. */
function intVar(env: Env, name: string): number {
  const text = env[name] ?? '';
  if (!/^\d+$/.test(text.trim())) throw new InputError({ file: `$${name}`, expected: 'an integer >= 0 (an array index set by the engine)', found: JSON.stringify(text) });
  return Number(text);
}

/**
 * The shard for `--shard auto` from the engine's variables in `env`.
 * @param shards `--shards N`, when given (required for Kubernetes and AWS Batch, optional for Slurm)
 * @throws InputError when no engine variable (or more than one engine's) is set, a variable is not
 *   an index, the count is unknown, or the index is outside the count
 */
export function engineShard(env: Env, shards?: number): EngineShard {
  const set = INDEX_VARS.filter((v) => env[v] !== undefined && env[v] !== '');
  if (set.length !== 1) {
    throw new InputError({ file: '--shard auto', expected: `exactly one engine index variable: ${INDEX_VARS.join(', ')} (or pass --shard i/n)`, found: set.length ? `${set.join(' and ')} all set` : 'none set' });
  }
  const needCount = (engine: string): number => {
    if (shards === undefined) throw new InputError({ file: '--shards', expected: `the number of shards (${engine} does not tell it to the process)`, found: 'none' });
    return shards;
  };
  let zeroBased: number;
  let count: number;
  let source: string;
  switch (set[0]) {
    case 'JOB_COMPLETION_INDEX':
      zeroBased = intVar(env, 'JOB_COMPLETION_INDEX');
      count = needCount('a Kubernetes Indexed Job');
      source = `JOB_COMPLETION_INDEX=${zeroBased} (Kubernetes Indexed Job), count from --shards`;
      break;
    case 'SLURM_ARRAY_TASK_ID': {
      const id = intVar(env, 'SLURM_ARRAY_TASK_ID');
      const min = env.SLURM_ARRAY_TASK_MIN ? intVar(env, 'SLURM_ARRAY_TASK_MIN') : 0;
      const step = env.SLURM_ARRAY_TASK_STEP ? intVar(env, 'SLURM_ARRAY_TASK_STEP') : 1;
      if (step < 1 || id < min || (id - min) % step !== 0) {
        throw new InputError({ file: '$SLURM_ARRAY_TASK_ID', expected: `an index MIN + k x STEP (MIN ${min}, STEP ${step})`, found: String(id) });
      }
      zeroBased = (id - min) / step;
      if (shards !== undefined) count = shards;
      else if (env.SLURM_ARRAY_TASK_COUNT) count = intVar(env, 'SLURM_ARRAY_TASK_COUNT');
      else if (env.SLURM_ARRAY_TASK_MAX) count = Math.floor((intVar(env, 'SLURM_ARRAY_TASK_MAX') - min) / step) + 1;
      else throw new InputError({ file: '--shards', expected: 'the number of shards, or SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX set by Slurm', found: 'none' });
      const how = shards !== undefined ? '--shards' : env.SLURM_ARRAY_TASK_COUNT ? 'SLURM_ARRAY_TASK_COUNT' : 'SLURM_ARRAY_TASK_MIN/MAX';
      source = `SLURM_ARRAY_TASK_ID=${id} (Slurm job array, MIN ${min}, STEP ${step}), count from ${how}`;
      break;
    }
    default:
      zeroBased = intVar(env, 'AWS_BATCH_JOB_ARRAY_INDEX');
      count = needCount('an AWS Batch array job');
      source = `AWS_BATCH_JOB_ARRAY_INDEX=${zeroBased} (AWS Batch array job), count from --shards`;
  }
  if (count < 1 || zeroBased >= count) {
    throw new InputError({ file: '--shard auto', expected: `an engine index below the shard count ${count}`, found: `shard ${zeroBased + 1} (${source})` });
  }
  return { shard: { index: zeroBased + 1, count }, source };
}
