// Benchmark results as a Markdown table, and the section of docs/benchmarks.md they replace.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface BenchTable {
  /** Section id: the text between <!-- bench:<id> --> and <!-- /bench:<id> --> is replaced. */
  id: string;
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function toMarkdown(t: BenchTable): string {
  const lines = [`### ${t.title}`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`];
  for (const r of t.rows) lines.push(`| ${r.join(' | ')} |`);
  if (t.notes?.length) lines.push('', ...t.notes);
  return lines.join('\n');
}

export function writeSection(file: string, t: BenchTable, stamp: string): void {
  const open = `<!-- bench:${t.id} -->`;
  const close = `<!-- /bench:${t.id} -->`;
  const body = `${open}\n${toMarkdown(t)}\n\n_Measured ${stamp}._\n${close}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  doc = start >= 0 && end > start ? doc.slice(0, start) + body + doc.slice(end + close.length) : `${doc.trimEnd()}\n\n${body}\n`;
  writeFileSync(file, doc);
}
