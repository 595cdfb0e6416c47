// What a push to the watched branch tells its hooks (the Argo CD webhook sender, the event stream).
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
  /** Owner of each store the push changed (from its store.yaml): who may hear about it before any re-read. */
  owners?: Record<string, string>;
}

/** Called after every successful push (direct mode); a failing hook never fails the write. */
export type PushHook = (headSha: string, changedStores: string[], details: PushDetails) => void | Promise<void>;
