// What `npm run cluster:docs` runs: the marked shell blocks of a page, found without a cluster.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitUrl } from '../lib/config.ts';
import { RUN_MARKER, runnableBlocks, substitute, SUBSTITUTIONS } from '../lib/doc-blocks.ts';

const page = (...parts: string[]) => parts.join('\n');

describe('runnableBlocks', () => {
  it('returns the marked sh blocks in order with their first line, and ignores unmarked ones', () => {
    const md = page(
      '# Title',
      '```sh',
      'k3d cluster create x',
      '```',
      RUN_MARKER,
      '```sh',
      'kubectl get nodes',
      'kubectl get ns',
      '```',
      'Prose that quotes the marker `<!-- run: dev-cluster -->` is not a marker.',
      '<!-- a comment about something else -->',
      RUN_MARKER,
      '```sh',
      'argocd app list',
      '```',
    );
    expect(runnableBlocks(md)).toEqual([
      { line: 7, text: 'kubectl get nodes\nkubectl get ns' },
      { line: 14, text: 'argocd app list' },
    ]);
  });

  it('finds nothing in a page without markers', () => {
    expect(runnableBlocks(page('```sh', 'kubectl get nodes', '```'))).toEqual([]);
  });

  it.each([
    ['<!-- run: dev-clustr -->'],
    ['<!-- run:dev-cluster -->'],
    ['<!-- rnu: dev-cluster -->'],
    ['<!-- run: prod -->'],
    ['  <!-- RUN: dev-cluster -->'],
  ])('rejects the typo %j, naming its line', (marker) => {
    expect(() => runnableBlocks(page('text', marker, '```sh', 'kubectl get nodes', '```'), 'ops.md')).toThrow(/^ops\.md:2: malformed run marker/);
  });

  it('rejects a marker not directly followed by a sh block', () => {
    expect(() => runnableBlocks(page(RUN_MARKER, '', '```sh', 'kubectl get nodes', '```'), 'ops.md')).toThrow(/ops\.md:1: .* must be followed directly by a ```sh block/);
    expect(() => runnableBlocks(page(RUN_MARKER, '```yaml', 'a: 1', '```'), 'ops.md')).toThrow(/must be followed directly/);
    expect(() => runnableBlocks(page(RUN_MARKER, '```sh', 'kubectl get nodes'), 'ops.md')).toThrow(/never closed/);
  });

  it('does not read a comment inside a code block as a marker', () => {
    expect(runnableBlocks(page('```html', '<!-- run: dev-clustr -->', '```'))).toEqual([]);
  });
});

describe('substitute', () => {
  const blocks = [{ line: 3, text: 'argocd login 127.0.0.1:8080 --plaintext' }];
  it('replaces every occurrence, only in the marked blocks', () => {
    expect(substitute(blocks, [{ from: '127.0.0.1:8080', to: '127.0.0.1:16080', why: 'test' }])).toEqual([{ line: 3, text: 'argocd login 127.0.0.1:16080 --plaintext' }]);
  });
  it('rejects a substitution that matches nothing (stale after a docs change)', () => {
    expect(() => substitute(blocks, [{ from: 'github.com/acme', to: 'x', why: 'test' }])).toThrow(/matches no marked block/);
  });
});

describe('docs/operations.md', () => {
  const blocks = runnableBlocks(readFileSync(join(import.meta.dirname, '../../../docs/operations.md'), 'utf8'), 'docs/operations.md');
  it('marks the walkthrough blocks that run on the dev cluster, and every substitution applies', () => {
    const text = substitute(blocks, SUBSTITUTIONS).map((b) => b.text).join('\n');
    for (const cmd of ['npx storefleet init ', 'create secret tls storefleet-sealing-key', 'npx storefleet bootstrap ', 'kubectl apply --server-side --field-manager=storefleet -f ./bootstrap', 'argocd login ', 'argocd proj role create-token stores api-reader', 'patch applicationset stores']) {
      expect(text, cmd).toContain(cmd);
    }
    expect(text).toContain(`--repo ${gitUrl} `);
    expect(text).not.toContain('github.com');
  });
  it('marks no block that needs what the dev cluster lacks (GitHub, port-forward, Deployments, kubeseal, age, Docker, k3d)', () => {
    for (const b of blocks) expect(b.text).not.toMatch(/git push|port-forward|rollout restart|kubeseal|\bage\b|docker|k3d/);
  });
});
