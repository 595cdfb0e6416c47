// The shell blocks of a Markdown page marked to run against the dev cluster. A block is marked by
// the HTML comment `<!-- run: dev-cluster -->` on the line right before its ```sh fence. Anything
// else that looks like a run marker (a typo, another target, a marker not followed by a sh block)
// is an error, so a block can never silently drop out of CI.
import { argocdUrl, gitUrl } from './config.ts';

export const RUN_MARKER = '<!-- run: dev-cluster -->';

export interface DocBlock {
  /** 1-based line of the block's first command (the line after the opening fence). */
  line: number;
  /** The block's text as written, lines joined with \n. */
  text: string;
}

/** Marked blocks in document order; throws naming the line of any malformed or stray marker. */
export function runnableBlocks(markdown: string, file = 'the page'): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s*```/.test(l)) inFence = !inFence;
    // A marker is an HTML comment on a line of its own, outside code blocks; prose may quote one.
    if (inFence || !/^\s*<!--/.test(l) || !/\b(run|dev-cluster)\b/i.test(l)) continue;
    if (l.trim() !== RUN_MARKER) throw new Error(`${file}:${i + 1}: malformed run marker ${JSON.stringify(l.trim())}; write exactly ${RUN_MARKER}`);
    if (lines[i + 1] !== '```sh') throw new Error(`${file}:${i + 1}: ${RUN_MARKER} must be followed directly by a \`\`\`sh block`);
    const end = lines.indexOf('```', i + 2);
    if (end < 0) throw new Error(`${file}:${i + 2}: the marked sh block is never closed`);
    blocks.push({ line: i + 3, text: lines.slice(i + 2, end).join('\n') });
  }
  return blocks;
}

/** A documented text substitution the runner applies to the marked blocks (and nowhere else). */
export interface Substitution {
  from: string;
  to: string;
  why: string;
}

/** Applies every substitution; one that matches no marked block is stale and an error. */
export function substitute(blocks: DocBlock[], subs: Substitution[]): DocBlock[] {
  for (const s of subs) {
    if (!blocks.some((b) => b.text.includes(s.from))) throw new Error(`substitution ${JSON.stringify(s.from)} matches no marked block: remove it or fix the page`);
  }
  return blocks.map((b) => ({ ...b, text: subs.reduce((t, s) => t.split(s.from).join(s.to), b.text) }));
}

/** The page's placeholders that differ on the dev cluster (listed in docs/dev-cluster.md). */
export const SUBSTITUTIONS: Substitution[] = [
  { from: 'https://github.com/acme/shops-gitops.git', to: gitUrl, why: "the dev cluster's Argo CD reads its own Git server, not GitHub" },
  { from: '127.0.0.1:8080', to: argocdUrl.replace(/^http:\/\//, ''), why: 'argocd-server listens on 127.0.0.1 directly; there is no pod to port-forward to' },
];
