// What a write request is and what it answers, shared by the direct (Git push) and pull-request writers.
import type { AdminLogin } from '../../generator/render.ts';
import type { StoreSpec } from '../../generator/spec.ts';
import type { StoreAction } from './trailers.ts';

export type Role = 'admin' | 'member';

export interface Requester {
  /** Token subject: the owner of stores this user creates, and the Requested-by trailer. */
  id: string;
  role: Role;
  name: string;
  email: string;
}

export interface CreateInput {
  name: string;
  /** An engine id of the registry (constructs/engines/index.ts); validated by the request schema. */
  engine: string;
  plan?: string;
  displayName?: string;
}

interface Common {
  requester: Requester;
  idempotencyKey?: string;
  /** Digest of the request (action + body): the same key with another body is refused. */
  digest: string;
}

export type WriteRequest =
  | (Common & { action: 'create'; input: CreateInput })
  | (Common & { action: 'delete' | 'restore'; name: string });

export interface WriteResult {
  action: StoreAction;
  name: string;
  /** Commit on the branch (direct mode) or on the pull request's branch. */
  commit: string;
  pullRequest?: string;
  spec?: StoreSpec;
  /** Only on the answer that created the secret; never stored, never logged. */
  adminLogin?: AdminLogin;
  replayed: boolean;
}

/** One pushed commit, in the shape a GitHub push webhook lists it (what Argo CD's webhook reads). */
export interface PushedCommit {
  sha: string;
  message: string;
  timestamp: string;
  author: { name: string; email: string };
  added: string[];
  modified: string[];
  removed: string[];
}

export interface PushDetails {
  branch: string;
  before: string;
  after: string;
  /** Oldest first. */
  commits: PushedCommit[];
}

/** Called after every successful push (direct mode); a failing hook never fails the write. */
export type PushHook = (headSha: string, changedStores: string[], details: PushDetails) => void | Promise<void>;

export interface StoreWriter {
  readonly mode: 'direct' | 'pull-request';
  write(req: WriteRequest): Promise<WriteResult>;
  onPush(hook: PushHook): void;
}
