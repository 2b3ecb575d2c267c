import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every inline link target `[text](target)` outside code fences and code spans, with its line. */
function links(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, (code) => (code.includes('](') ? '' : code));
    for (const m of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

const root = REPO_ROOT;
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('documentation links', () => {
  it('finds the README and the docs/ files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('headingAnchors follows GitHub: punctuation dropped, repeats numbered', () => {
    const a = headingAnchors('# Running, results and the leaderboard\n## A b\n## A b\n```\n# not a heading\n```\n');
    expect([...a]).toEqual(['running-results-and-the-leaderboard', 'a-b', 'a-b-1']);
  });

  for (const file of files) {
    it(`every relative link in ${file} resolves (file and #anchor)`, () => {
      const text = readFileSync(join(root, file), 'utf8');
      const broken: string[] = [];
      for (const { target, line } of links(text)) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const abs = path === '' ? join(root, file) : resolve(dirname(join(root, file)), path);
        const rel = relative(root, abs);
        if (!existsSync(abs)) {
          broken.push(`${file}:${line}: ${target} (no such file)`);
          continue;
        }
        if (anchor === undefined || !abs.endsWith('.md') || statSync(abs).isDirectory()) continue;
        if (!headingAnchors(readFileSync(abs, 'utf8')).has(anchor)) {
          broken.push(`${file}:${line}: ${target} (no heading with anchor #${anchor} in ${rel})`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
