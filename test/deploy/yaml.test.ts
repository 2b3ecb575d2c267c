/**
 * Every YAML file of the repository (workflows, the action, deploy recipes, examples) and every
 * fenced yaml block of its markdown parses with the `yaml` package, without errors or warnings:
 * a user copies these as they are.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/paths.ts';

/** Files git tracks, plus new ones it does not ignore. */
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\n').filter((f) => f && !f.startsWith('node_modules/'));

/** Problems of a YAML text (empty when it parses cleanly), each with its line. */
function yamlProblems(text: string): string[] {
  return parseAllDocuments(text).flatMap((d) => [...d.errors, ...d.warnings].map((e) => `line ${(e.linePos?.[0].line ?? 0)}: ${e.message.split('\n')[0]}`));
}

describe('YAML in the repository', () => {
  const yamlFiles = files.filter((f) => /\.ya?ml$/.test(f));

  it('finds the workflows, the action and the deploy recipes', () => {
    expect(yamlFiles).toEqual(expect.arrayContaining(['action.yml', '.github/workflows/bench-gate.yml', '.github/workflows/sweep.yml', 'deploy/kubernetes/job.yaml', 'deploy/kubernetes/merge-job.yaml']));
  });

  it.each(yamlFiles)('%s parses', (f) => {
    expect(yamlProblems(readFileSync(join(REPO_ROOT, f), 'utf8'))).toEqual([]);
  });

  it('every ```yaml block of the markdown parses', () => {
    const problems: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.md'))) {
      const text = readFileSync(join(REPO_ROOT, f), 'utf8');
      for (const m of text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
        const line = text.slice(0, m.index).split('\n').length + 1;
        // The first problem of a block says where it breaks; the rest follow from it.
        for (const p of yamlProblems(m[1]!).slice(0, 1)) problems.push(`${f}: block at line ${line}: ${p}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('catches the flow-mapping mistake the old README example had', () => {
    expect(yamlProblems('with: { name: shard-${{ matrix.shard }}, path: x }\n')).not.toEqual([]);
    expect(yamlProblems('with: { name: "shard-${{ matrix.shard }}", path: x }\n')).toEqual([]);
  });
});
