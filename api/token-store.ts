// The API's tokens: SHA-256 digests in a YAML/JSON file (tokens are 256-bit random values, so a
// fast hash is enough), re-read while the API runs.
//
// An edit applies as a whole or not at all: the new file must parse and every entry must be valid,
// else the last good tokens stay in force (locking everybody out would be worse), the error is
// logged with the file's line, and health() (→ /readyz) reports it until a good file arrives. A
// changed file applies only when two reads SETTLE_MS apart agree, so a file caught mid-write (a
// valid prefix that drops later entries) is never taken for the new set.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { z } from 'zod';
import { owner as ownerSchema } from '../generator/spec.ts';
import type { Requester } from './stores/types.ts';

export const tokensFileSchema = z.strictObject({
  tokens: z.array(
    z.strictObject({
      user: ownerSchema,
      role: z.enum(['admin', 'member']),
      name: z.string().min(1).max(100).regex(/^[^<>\n\r]+$/).optional(),
      email: z.string().regex(/^[^<>\s@]+@[^<>\s@]+$/).optional(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected the hex SHA-256 of the token' }),
    }),
  ),
});
export type TokensFile = z.infer<typeof tokensFileSchema>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokensYaml(t: TokensFile): string {
  return (
    '# Storefleet API tokens: only SHA-256 digests are stored.\n' +
    '# Add or revoke users with: storefleet token create <user> --role admin|member; storefleet token revoke <user>\n' +
    stringify(t)
  );
}

/** How often the file is re-read: a revoked token stops working (and its event streams end) within about this long. */
export const TOKENS_RELOAD_MS = 1000;
const SETTLE_MS = 100;

type Parsed = { ok: true; byHash: Map<string, Requester> } | { ok: false; error: string };

/** Parses a tokens file; an error names the file and line (never a value: a pasted token could be in it). */
export function parseTokensFile(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => (offset === undefined ? '' : ` line ${lines.linePos(offset).line}`);
  if (doc.errors.length) {
    const e = doc.errors[0];
    return { ok: false, error: `${file}${at(e.pos[0])}: ${e.message.split('\n')[0]}` };
  }
  const parsed = tokensFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${file}${at(offsetOf(doc, issue.path as (string | number)[]))}: ${issue.path.join('.') || '(top level)'}: ${issue.message}` };
  }
  const byHash = new Map<string, Requester>();
  for (const [i, t] of parsed.data.tokens.entries()) {
    if (byHash.has(t.sha256)) return { ok: false, error: `${file}${at(offsetOf(doc, ['tokens', i, 'sha256']))}: tokens.${i}.sha256: the same digest appears twice` };
    byHash.set(t.sha256, { id: t.user, role: t.role, name: t.name ?? t.user, email: t.email ?? `${t.user}@users.storefleet.invalid` });
  }
  return { ok: true, byHash };
}

/** Start offset of the deepest node on `path` (a missing key points at its entry). */
function offsetOf(doc: Document, path: (string | number)[]): number | undefined {
  for (let p = path; ; p = p.slice(0, -1)) {
    const node = (p.length ? doc.getIn(p, true) : doc.contents) as { range?: [number, number, number] } | undefined;
    if (node?.range) return node.range[0];
    if (!p.length) return undefined;
  }
}

export interface TokenStoreOptions {
  log?: Logger;
  reloadMs?: number;
}

export class TokenStore {
  readonly file: string;
  readonly #log: Logger;
  #byHash: Map<string, Requester>;
  #applied: string;
  #error?: string;
  #rejected?: string;
  #timer?: ReturnType<typeof setInterval>;
  #settling?: ReturnType<typeof setTimeout>;
  readonly #listeners = new Set<() => void>();

  /** Reads the file once (throws when it is missing or invalid: the API does not start), then re-reads it every reloadMs. */
  constructor(file: string, opts: TokenStoreOptions = {}) {
    this.file = file;
    this.#log = opts.log ?? pino({ level: 'silent' });
    this.#applied = readFileSync(file, 'utf8');
    const first = parseTokensFile(this.#applied, file);
    if (!first.ok) throw new Error(first.error);
    this.#byHash = first.byHash;
    this.#timer = setInterval(() => this.#check(), opts.reloadMs ?? TOKENS_RELOAD_MS);
    this.#timer.unref();
  }

  lookup(token: string): Requester | undefined {
    return this.byDigest(hashToken(token));
  }

  /** The user a token digest stands for now (undefined once it is revoked). */
  byDigest(digest: string): Requester | undefined {
    // Keyed by the digest of what was presented: lookup timing says nothing about a valid token.
    return this.#byHash.get(digest);
  }

  /** For /readyz: whether the file on disk is the one in force. */
  health(): { ok: true } | { ok: false; reason: string } {
    return this.#error ? { ok: false, reason: `${this.#error} (the last good tokens stay in force)` } : { ok: true };
  }

  /** Called after a new set of tokens took effect. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#settling);
  }

  #read(): string | undefined {
    try {
      return readFileSync(this.file, 'utf8');
    } catch (err) {
      this.#reject(`${this.file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined);
      return undefined;
    }
  }

  #check(): void {
    if (this.#settling) return;
    const text = this.#read();
    if (text === undefined || text === this.#rejected) return;
    if (text === this.#applied) {
      this.#clearError();
      return;
    }
    this.#settling = setTimeout(() => {
      this.#settling = undefined;
      if (this.#read() === text) this.#consider(text);
    }, SETTLE_MS);
    this.#settling.unref();
  }

  #consider(text: string): void {
    const parsed = parseTokensFile(text, this.file);
    if (!parsed.ok) return this.#reject(parsed.error, text);
    this.#byHash = parsed.byHash;
    this.#applied = text;
    this.#rejected = undefined;
    this.#clearError();
    this.#log.info({ file: this.file, tokens: parsed.byHash.size }, 'tokens file reloaded');
    for (const l of this.#listeners) l();
  }

  #reject(error: string, text: string | undefined): void {
    if (this.#error !== error) this.#log.error({ file: this.file }, `tokens file not applied, the last good tokens stay in force: ${error}`);
    this.#error = error;
    this.#rejected = text;
  }

  #clearError(): void {
    if (!this.#error) return;
    this.#error = undefined;
    this.#rejected = undefined;
  }
}
