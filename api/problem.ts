// Errors as RFC 9457 problem documents (application/problem+json). Every error the API answers
// is an ApiProblem; anything else is a 500 whose detail never echoes internals or secrets.
import type { Issue } from '../generator/errors.ts';

export const PROBLEM_BASE = 'https://storefleet.dev/problems/';

export interface FieldError {
  field: string;
  reason: string;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    slug: string,
    title: string,
    detail?: string,
    opts: { errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? title);
    this.name = 'ApiProblem';
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.detail = detail;
    this.errors = opts.errors;
    this.headers = opts.headers ?? {};
    this.extra = opts.extra ?? {};
  }

  body(instance?: string): Record<string, unknown> {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export function validationProblem(issues: Issue[], detail = 'The request is invalid.'): ApiProblem {
  return new ApiProblem(400, 'validation', 'Invalid request', detail, {
    errors: issues.map((i) => ({ field: i.field, reason: i.reason })),
  });
}

export function unavailableProblem(detail: string, retryAfterSeconds: number): ApiProblem {
  return new ApiProblem(503, 'git-unavailable', 'Git remote unavailable', detail, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}
