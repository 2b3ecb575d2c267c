/** `leaderboard.md`: the leaderboard's sections as GitHub-flavoured Markdown. */
import { sections, type Table } from './sections.ts';
import type { Leaderboard } from './types.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(t: Table): string {
  const lines = [
    ...(t.caption ? [`**${cell(t.caption)}**`, ''] : []),
    `| ${t.header.map(cell).join(' | ')} |`,
    `| ${t.header.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** The Markdown page (plots are in leaderboard.html; their vega-lite specs in leaderboard.json). */
export function toMarkdown(lb: Leaderboard): string {
  const parts = [`# ${lb.title}`, 'Plots: see `leaderboard.html`; their vega-lite specs are in `leaderboard.json` (`plots`).'];
  for (const s of sections(lb)) {
    parts.push(`## ${s.title}`, ...s.text, ...s.tables.map(table));
  }
  return `${parts.join('\n\n')}\n`;
}
