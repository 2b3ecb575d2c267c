/**
 * `leaderboard.html`: one static, self-contained page (inline CSS, inline SVG plots, no script,
 * no external URL). It is also well-formed XML (XHTML syntax), which the tests check.
 */
import { sections, type PageReferences, type Table } from './sections.ts';
import type { Leaderboard } from './types.ts';

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
nav a { margin-right: .8rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .8rem 0; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
figure.plot { display: inline-block; max-width: 100%; margin: .5rem 1rem .5rem 0; }
figure.plot svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; }
code { background: #f3f3f3; padding: 0 .2rem; }
`;

function table(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table>${t.caption ? `<caption>${esc(t.caption)}</caption>` : ''}\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody></table></div>`;
}

/**
 * The HTML page.
 * @param svgs rendered SVG per plot id (from `renderSvg`); a section's plots missing here are skipped.
 */
export function toHtml(lb: Leaderboard, svgs: ReadonlyMap<string, string>, refs?: PageReferences): string {
  const secs = sections(lb, refs);
  const nav = `<nav>${secs.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('\n')}</nav>`;
  const body = secs.map((s) => {
    const plots = s.plots.filter((id) => svgs.has(id)).map((id) => {
      const p = lb.plots.find((x) => x.id === id)!;
      return `<figure class="plot" id="plot-${esc(id)}" data-plot="${esc(id)}">${svgs.get(id)!}<figcaption>${esc(p.title)} (vega-lite spec: <code>plots[id=${esc(id)}]</code> in leaderboard.json)</figcaption></figure>`;
    });
    return [`<section id="${esc(s.id)}">`, `<h2>${esc(s.title)}</h2>`, ...s.text.map((t) => `<p>${esc(t)}</p>`), ...plots, ...s.tables.map(table), '</section>'].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
    `<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${esc(lb.title)}</title><style>${CSS}</style></head>`,
    '<body>',
    `<h1>${esc(lb.title)}</h1>`,
    nav,
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
