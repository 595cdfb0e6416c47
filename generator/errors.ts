import type { z } from 'zod';

/** One problem with an input file: which file, which field (dotted path), and why. */
export interface Issue {
  file: string;
  field: string;
  reason: string;
}

export function formatIssue(issue: Issue): string {
  return issue.field ? `${issue.file}: ${issue.field}: ${issue.reason}` : `${issue.file}: ${issue.reason}`;
}

/** Thrown when store.yaml, platform.yaml or a request body is invalid. Carries every issue found. */
export class ValidationError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** zod issues → our issues, with messages that name what is expected. */
export function issuesFromZod(file: string, error: z.ZodError): Issue[] {
  const out: Issue[] = [];
  for (const i of error.issues) {
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) {
        out.push({ file, field: fieldPath([...i.path, key]), reason: 'unknown field' });
      }
      continue;
    }
    // A bad record key (e.g. a plan name) carries the key's own issues: report those.
    if (i.code === 'invalid_key' && i.issues.length > 0) {
      out.push({ file, field: fieldPath(i.path), reason: i.issues[0].message });
      continue;
    }
    // A missing field reads better as "is required" than as a type mismatch against undefined.
    const missing = (i.code === 'invalid_type' || i.code === 'invalid_value') && 'input' in i && i.input === undefined;
    out.push({ file, field: fieldPath(i.path), reason: missing ? 'is required' : i.message });
  }
  return out;
}
