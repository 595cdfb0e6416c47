// One long-running `git cat-file --batch` per repository: reading thousands of blobs (every
// store.yaml of a 10,000-store repo) costs one process, not one per file.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { gitEnv } from './exec.ts';

export interface CatFileObject {
  sha: string;
  type: string;
  content: Buffer;
}

interface Pending {
  resolve: (o: CatFileObject | undefined) => void;
  reject: (e: Error) => void;
}

export class CatFile {
  private child?: ChildProcessWithoutNullStreams;
  private buf: Buffer = Buffer.alloc(0);
  private queue: Pending[] = [];
  private readonly cwd: string;

  constructor(repoDir: string) {
    this.cwd = repoDir;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.drain();
    });
    child.stderr.resume();
    child.stdin.on('error', () => {});
    const fail = (e: Error) => {
      if (this.child === child) this.child = undefined;
      this.buf = Buffer.alloc(0);
      const q = this.queue;
      this.queue = [];
      for (const p of q) p.reject(e);
    };
    child.on('error', fail);
    child.on('close', () => fail(new Error('git cat-file exited')));
    this.child = child;
    return child;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift()!.resolve(undefined);
        continue;
      }
      const [sha, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if (this.buf.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 2 + size);
      this.queue.shift()!.resolve({ sha, type, content });
    }
  }

  /** Reads `<sha>` or `<tree-ish>:<path>`; undefined when it does not exist. */
  read(spec: string): Promise<CatFileObject | undefined> {
    if (spec.includes('\n')) return Promise.resolve(undefined);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      child.stdin.write(spec + '\n');
    });
  }

  async readText(spec: string): Promise<string | undefined> {
    const o = await this.read(spec);
    return o && o.type === 'blob' ? o.content.toString('utf8') : undefined;
  }

  /** Entries of a tree object: name → { mode, type, sha }. */
  async readTree(spec: string): Promise<Map<string, { mode: string; type: string; sha: string }> | undefined> {
    const o = await this.read(spec);
    if (!o || o.type !== 'tree') return undefined;
    return parseTree(o.content);
  }

  close(): void {
    const c = this.child;
    this.child = undefined;
    if (c) {
      c.stdin.end();
      c.kill();
    }
  }
}

/** Binary tree object → entries ("<mode> <name>\0<20-byte sha>" repeated). */
export function parseTree(buf: Buffer): Map<string, { mode: string; type: string; sha: string }> {
  const out = new Map<string, { mode: string; type: string; sha: string }>();
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(32, i);
    const nul = buf.indexOf(0, sp);
    const mode = buf.subarray(i, sp).toString('latin1');
    const name = buf.subarray(sp + 1, nul).toString('utf8');
    const sha = buf.subarray(nul + 1, nul + 21).toString('hex');
    out.set(name, { mode, type: mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob', sha });
    i = nul + 21;
  }
  return out;
}
