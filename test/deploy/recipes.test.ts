/**
 * The shipped deploy recipes: Kubernetes objects validated against the Kubernetes object schema
 * (kubernetes-models), the image tag and the Dockerfile's version tied to package.json, and the
 * shard counts of every engine's recipe consistent with its array size.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { VERSION } from '../../harness/version.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const read = (...p: string[]): string => readFileSync(join(REPO_ROOT, ...p), 'utf8');
const docs = (file: string): Record<string, unknown>[] => parseAllDocuments(read('deploy', 'kubernetes', file)).map((d) => d.toJS() as Record<string, unknown>);

/** The kubernetes-models class for a manifest's kind; validate() throws with the JSON pointer of each violation. */
function validate(o: Record<string, unknown>): void {
  if (o.apiVersion === 'batch/v1' && o.kind === 'Job') new Job(o as ConstructorParameters<typeof Job>[0]).validate();
  else if (o.apiVersion === 'v1' && o.kind === 'PersistentVolumeClaim') new PersistentVolumeClaim(o as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate();
  else throw new Error(`no model for ${String(o.apiVersion)} ${String(o.kind)}`);
}

interface JobManifest { spec: { completions?: number; parallelism?: number; completionMode?: string; template: { spec: { containers: { image: string; args: string[] }[]; volumes: { persistentVolumeClaim: { claimName: string } }[] } } } }

describe('deploy/kubernetes', () => {
  const files = ['job.yaml', 'merge-job.yaml', 'pvc.yaml'];

  it.each(files)('%s validates against the Kubernetes object schema', (f) => {
    const objects = docs(f);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(() => validate(o)).not.toThrow();
  });

  it('the validator catches a malformed Job (it is not a no-op)', () => {
    const job = docs('job.yaml')[0]! as unknown as JobManifest;
    const broken = structuredClone(job) as unknown as Record<string, unknown> & JobManifest;
    (broken.spec as Record<string, unknown>).completions = 'four';
    delete (broken.spec.template.spec.containers[0] as Partial<{ image: string }>).image;
    (broken.spec.template.spec.containers[0] as unknown as Record<string, unknown>).name = undefined;
    expect(() => validate(broken)).toThrow(/completions must be integer/);
  });

  it('the Indexed Job runs --shard auto with --shards equal to its completions, on the claim the merge reads, with the package version', () => {
    const job = docs('job.yaml')[0]! as unknown as JobManifest;
    const merge = docs('merge-job.yaml')[0]! as unknown as JobManifest;
    const pvc = docs('pvc.yaml')[0]! as { metadata: { name: string } };
    expect(job.spec.completionMode).toBe('Indexed');
    const args = job.spec.template.spec.containers[0]!.args.join(' ');
    expect(args).toMatch(/--shard auto/);
    expect(Number(/--shards (\d+)/.exec(args)![1])).toBe(job.spec.completions);
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(args).toMatch(/--resume/);
    expect(merge.spec.template.spec.containers[0]!.args.join(' ')).toMatch(/merge \/results\/shard-\* --strict --out \/results\/merged/);
    for (const j of [job, merge]) {
      expect(j.spec.template.spec.containers[0]!.image).toBe(`orchbench:${VERSION}`);
      expect(j.spec.template.spec.volumes[0]!.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    }
  });
});

describe('deploy/Dockerfile', () => {
  it('takes its version from package.json: no version literal, and the build script passes it and tags with it', () => {
    const dockerfile = read('deploy', 'Dockerfile');
    expect(dockerfile).not.toMatch(/\b\d+\.\d+\.\d+\b/);
    expect(dockerfile).toMatch(/^ARG ORCHBENCH_VERSION$/m);
    expect(dockerfile).toMatch(/test "\$ORCHBENCH_VERSION" = "\$\(node -p 'require\("\.\/package\.json"\)\.version'\)"/);
    // The build as the script runs it, with `echo` standing in for docker.
    const r = spawnSync('bash', [join(REPO_ROOT, 'deploy', 'build-image.sh'), 'ghcr.io/example/orchbench'], { env: { ...process.env, DOCKER: 'echo' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`ghcr.io/example/orchbench:${VERSION}\n`);
    const root = resolve(REPO_ROOT);
    expect(r.stderr).toBe(`build -f ${root}/deploy/Dockerfile --build-arg ORCHBENCH_VERSION=${VERSION} -t ghcr.io/example/orchbench:${VERSION} ${root}\n`);
  });
});

describe('deploy/slurm and the GitHub Actions matrix', () => {
  it('the Slurm array script shards with --shard auto and resumes; the merge script is strict', () => {
    const sweep = read('deploy', 'slurm', 'sweep.sbatch');
    expect(sweep).toMatch(/^#SBATCH --array=0-3$/m);
    expect(sweep).toMatch(/--shard auto .* --resume/);
    expect(read('deploy', 'slurm', 'merge.sbatch')).toMatch(/merge "\$results"\/shard-\* --strict/);
    for (const f of ['sweep.sbatch', 'merge.sbatch']) expect(spawnSync('bash', ['-n', join(REPO_ROOT, 'deploy', 'slurm', f)]).status).toBe(0);
  });

  it('the Slurm script takes its shard from the array variables (run with --plan as Slurm would start task 2 of 0-3)', () => {
    const script = read('deploy', 'slurm', 'sweep.sbatch').replace(/--out "[^"]*"/, '--plan');
    const r = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SLURM_SUBMIT_DIR: REPO_ROOT, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '4', RUN_ARGS: '--suite testing --scenarios broadband-4u-battery-v3 --agents random --seeds 4' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^shard 3\/4 from SLURM_ARRAY_TASK_ID=2 \(Slurm job array, MIN 0, STEP 1\), count from SLURM_ARRAY_TASK_COUNT$/m);
    expect(r.stdout).toMatch(/^shard 3\/4: 1 jobs, expected/m);
  });

  it('the sweep workflow gives every matrix entry its own shard of as many as the matrix has, and merges strictly', () => {
    const wf = parse(read('.github', 'workflows', 'sweep.yml')) as { jobs: { shard: { strategy: { matrix: { shard: number[] } }; steps: { run?: string }[] }; merge: { steps: { run?: string }[] } } };
    const matrix = wf.jobs.shard.strategy.matrix.shard;
    const run = wf.jobs.shard.steps.map((s) => s.run ?? '').find((r) => r.includes('orchbench run'))!;
    expect(run).toContain(`--shard \${{ matrix.shard }}/${matrix.length}`);
    expect(matrix).toEqual(Array.from({ length: matrix.length }, (_, i) => i + 1));
    expect(wf.jobs.merge.steps.some((s) => /orchbench merge shards\/shard-\* --strict/.test(s.run ?? ''))).toBe(true);
  });
});
