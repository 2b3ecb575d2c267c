/** `leaderboard.md`: the leaderboard's sections as GitHub-flavoured Markdown. */
import { sections, type PageReferences, type Table } from './sections.ts';
import type { Leaderboard } from './types.ts';

/**
 * Text as Markdown that renders as that text: HTML is escaped, and so is what would make a link
 * (e.g. a failure reason a submission wrote: `[click](javascript:...)`): a `]` before `(` or `[`,
 * and a `[` opening a line (a link reference definition). Other brackets (intervals) stay as written.
 */
const text = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\](?=[([])/g, '\\]').replace(/^(\s{0,3})\[/gm, '$1\\[');
const cell = (s: string): string => text(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

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
export function toMarkdown(lb: Leaderboard, refs?: PageReferences): string {
  const parts = [`# ${text(lb.title)}`, 'Plots: see `leaderboard.html`; their vega-lite specs are in `leaderboard.json` (`plots`).'];
  for (const s of sections(lb, refs)) {
    parts.push(`## ${text(s.title)}`, ...s.text.map(text), ...s.tables.map(table));
  }
  return `${parts.join('\n\n')}\n`;
}
