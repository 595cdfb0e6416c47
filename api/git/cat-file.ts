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

interface Proc {
  child: ChildProcessWithoutNullStreams;
  buf: Buffer;
  queue: Pending[];
}

export class CatFile {
  private proc?: Proc;
  private readonly cwd: string;

  constructor(repoDir: string) {
    this.cwd = repoDir;
  }

  private start(): Proc {
    if (this.proc) return this.proc;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    // Each process has its own queue: closing one (to get a fresh view) never fails the next one's reads.
    const proc: Proc = { child, buf: Buffer.alloc(0), queue: [] };
    child.stdout.on('data', (d: Buffer) => {
      proc.buf = proc.buf.length === 0 ? d : Buffer.concat([proc.buf, d]);
      drain(proc);
    });
    child.stderr.resume();
    child.stdin.on('error', () => {});
    const fail = (e: Error) => {
      if (this.proc === proc) this.proc = undefined;
      const q = proc.queue;
      proc.queue = [];
      for (const p of q) p.reject(e);
    };
    child.on('error', fail);
    child.on('close', () => fail(new Error('git cat-file exited')));
    this.proc = proc;
    return proc;
  }

  /** Reads `<sha>` or `<tree-ish>:<path>`; undefined when it does not exist. */
  read(spec: string): Promise<CatFileObject | undefined> {
    if (spec.includes('\n')) return Promise.resolve(undefined);
    const proc = this.start();
    return new Promise((resolve, reject) => {
      proc.queue.push({ resolve, reject });
      proc.child.stdin.write(spec + '\n');
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

  /** Ends the process once its pending reads are answered; the next read starts a new one. */
  close(): void {
    const p = this.proc;
    this.proc = undefined;
    if (p) p.child.stdin.end();
  }
}

function drain(proc: Proc): void {
  while (proc.queue.length > 0) {
    const nl = proc.buf.indexOf(10);
    if (nl < 0) return;
    const header = proc.buf.subarray(0, nl).toString('utf8');
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      proc.buf = proc.buf.subarray(nl + 1);
      proc.queue.shift()!.resolve(undefined);
      continue;
    }
    const [sha, type, sizeText] = header.split(' ');
    const size = Number(sizeText);
    if (proc.buf.length < nl + 1 + size + 1) return;
    const content = Buffer.from(proc.buf.subarray(nl + 1, nl + 1 + size));
    proc.buf = proc.buf.subarray(nl + 2 + size);
    proc.queue.shift()!.resolve({ sha, type, content });
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
