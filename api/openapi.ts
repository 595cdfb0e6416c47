// GET /api/openapi.json, from the API contract (contract/): the request schemas are the very zod
// objects that validate requests, the status list is the one list.
import { z } from 'zod';
import { storeSpecSchema } from '../generator/spec.ts';
import { createStoreRequest, forceDeleteRequest, rollbackStoreRequest, STATUSES } from '../contract/index.ts';

import { engineIds } from '../constructs/engines/index.ts';

// The engine field is checked against the registry when parsing; the document lists its ids.
// zod puts named schemas (Engine) into the converted schema's own `$defs`, which `#/$defs/…`
// would look up at the document's root: they move to components.schemas and their refs follow.
function jsonSchemas(defs: Record<string, unknown>) {
  return (schema: z.ZodType): Record<string, unknown> => {
    const converted = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      override: (ctx) => {
        if ((ctx.jsonSchema as { id?: unknown }).id === 'Engine') Object.assign(ctx.jsonSchema, { enum: engineIds() });
      },
    }) as Record<string, unknown>;
    const { $defs, $schema: _dialect, ...rest } = JSON.parse(JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
    Object.assign(defs, $defs);
    return rest;
  };
}

export function openApiDocument(version: string): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  const json = jsonSchemas(defs);
  const problem = { $ref: '#/components/schemas/Problem' };
  const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });
  const errors = {
    '400': problemResponse('Invalid request (field errors in `errors`)'),
    '401': problemResponse('Missing or invalid bearer token'),
    '404': problemResponse('No such store (or not yours)'),
    '429': problemResponse('Rate limited; see Retry-After'),
    '503': problemResponse('Git remote unreachable; see Retry-After'),
  };
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
  const idem = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', pattern: '^[\\x21\\x23-\\x7e]{1,128}$' },
    description: 'Same key and body → same result, also after a restart (recorded as a commit trailer).',
  };
  const storeSummary = {
    type: 'object',
    required: ['name', 'engine', 'plan', 'displayName', 'owner', 'createdAt', 'status'],
    properties: {
      ...(json(storeSpecSchema).properties as object),
      status: { type: 'string', enum: [...STATUSES] },
      reason: { type: 'string' },
      urls: { type: 'object', properties: { storefront: { type: 'string' }, admin: { type: 'string' } } },
      commit: { type: 'string' },
      pullRequest: { type: 'string' },
      deletedAt: { type: 'string', format: 'date-time', description: 'Deleted stores (include=deleted): when the delete was committed.' },
      deletedBy: { type: 'string', description: 'Deleted stores (include=deleted): who requested the delete.' },
      backupWarning: { $ref: '#/components/schemas/BackupWarning' },
      restorableUntil: { type: 'string', format: 'date-time', description: 'Deleted stores with a backup target: until when a restore brings the data back (absent: it restores empty).' },
    },
  };
  const backupWarning = {
    type: 'object',
    required: ['reason', 'since'],
    description: "The store's backups need attention (a warning; the store's status is unchanged).",
    properties: { reason: { type: 'string' }, since: { type: 'string', format: 'date-time' } },
  };
  const storeBackups = {
    type: 'object',
    required: ['target', 'backups'],
    properties: {
      target: { type: 'boolean', description: 'platform.yaml configures a backup target' },
      backups: {
        type: 'array',
        description: 'Newest first',
        items: {
          type: 'object',
          required: ['id', 'shortId', 'time', 'kind'],
          properties: {
            id: { type: 'string' },
            shortId: { type: 'string' },
            time: { type: 'string', format: 'date-time' },
            kind: { type: 'string', enum: ['scheduled', 'manual', 'final', 'other'] },
            sizeBytes: { type: 'integer', description: 'Bytes of the database dump (restic snapshot summary)' },
          },
        },
      },
      lastSuccessAt: { type: 'string', format: 'date-time' },
      warning: { $ref: '#/components/schemas/BackupWarning' },
      restorableUntil: { type: 'string', format: 'date-time' },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Storefleet API', version, description: 'Creates, lists, deletes and restores stores by committing to the GitOps repository.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        CreateStoreRequest: json(createStoreRequest),
        ForceDeleteRequest: json(forceDeleteRequest),
        RollbackStoreRequest: json(rollbackStoreRequest),
        StoreSpec: json(storeSpecSchema),
        StoreSummary: storeSummary,
        BackupWarning: backupWarning,
        StoreBackups: storeBackups,
        ...defs,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/stores': {
        get: {
          summary: 'List stores (members: their own; admins: all)',
          parameters: [{ name: 'include', in: 'query', schema: { type: 'string', enum: ['deleted'] } }],
          responses: { '200': { description: 'Stores', content: { 'application/json': { schema: { type: 'object', properties: { stores: { type: 'array', items: { $ref: '#/components/schemas/StoreSummary' } } } } } } }, '401': errors['401'] },
        },
        post: {
          summary: 'Create a store: render, commit, push (or open a pull request)',
          parameters: [idem],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateStoreRequest' } } } },
          responses: {
            '201': { description: 'Committed. `adminLogin` appears in this answer only.' },
            ...errors,
            '403': problemResponse('Store limit of platform.yaml reached'),
            '409': problemResponse('Name taken'),
            '413': problemResponse('Body too large'),
            '415': problemResponse('Not application/json'),
            '422': problemResponse('Idempotency-Key reused with another body'),
          },
        },
      },
      '/api/stores/{name}': {
        get: { summary: 'Store detail: spec, URLs, folder history, rendered files, live status', parameters: [name], responses: { '200': { description: 'Store' }, ...errors } },
        delete: {
          summary: "Delete. Without a backup target in platform.yaml: a commit reverting the store's addition. With one: a commit marking the store `deleting` (store.yaml), which renders only its database and the Job final-backup-<hash of the mark>; the API removes the folder once Argo CD reports the Job complete. If the Job fails the store stays, `failed` with the reason; a Delete then re-marks it (a new mark, a new Job: the retry). A store whose Application never synced successfully goes in one commit; the answer's `notice` says no final backup was taken because it never ran.",
          parameters: [name, idem],
          responses: { '200': { description: 'Deleted, or marked (`store.status` is `deleting`)' }, ...errors, '409': problemResponse('Already being deleted, or a pull request is open') },
        },
      },
      '/api/stores/{name}/force-delete': {
        post: {
          summary: 'Admins only: remove a store marked `deleting` without its final backup (e.g. the Job failed). Its data since the last backup is lost; `confirm` must be the store name.',
          parameters: [name, idem],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ForceDeleteRequest' } } } },
          responses: {
            '200': { description: 'Removed (a commit, or a pull request)' },
            ...errors,
            '400': problemResponse('`confirm` is not the store name (field errors in `errors`)'),
            '403': problemResponse('Not an admin'),
            '409': problemResponse('The store is not being deleted (DELETE it first), or a pull request is open'),
          },
        },
      },
      '/api/stores/{name}/restore': {
        post: { summary: 'Restore: a revert of the deleting commit', parameters: [name, idem], responses: { '201': { description: 'Restored' }, ...errors, '409': problemResponse('Exists') } },
      },
      '/api/stores/{name}/backups': {
        get: {
          summary: "The store's backups (live and deleted stores), newest first, with any warning and, deleted, until when it restores with its data",
          parameters: [name],
          responses: {
            '200': { description: 'Backups', content: { 'application/json': { schema: { $ref: '#/components/schemas/StoreBackups' } } } },
            ...errors,
            '503': problemResponse('Git remote or backup target unreachable (type backup-target-unavailable: the detail says why, never a secret)'),
          },
        },
        post: {
          summary: '"Back up now" (owner or admin): commits `manualBackup` into store.yaml; the rendered manual-backup Job stores a snapshot tagged `manual`',
          parameters: [name, idem],
          responses: {
            '202': { description: 'Committed (or pull request opened); the backup runs once Argo CD has synced it' },
            ...errors,
            '409': problemResponse('No backup target in platform.yaml, or the store is being changed'),
            '422': problemResponse('Idempotency-Key reused with another request'),
          },
        },
      },
      '/api/stores/{name}/backups/{snapshot}/restore': {
        post: {
          summary: "Roll the live store back to a snapshot (admins): commits `rollback` into store.yaml; the app restarts and its restore step replaces the database once. Overwrites the store's current data.",
          parameters: [name, { name: 'snapshot', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{8,64}$' } }, idem],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/RollbackStoreRequest' } } } },
          responses: {
            '202': { description: 'Committed (or pull request opened); the roll-back runs once Argo CD has synced it' },
            ...errors,
            '400': problemResponse('`confirm` is not the store\'s name, or the snapshot ID is malformed (field errors in `errors`)'),
            '403': problemResponse('Only admins roll stores back'),
            '409': problemResponse('No backup target in platform.yaml, or the store is being changed'),
            '415': problemResponse('Not application/json'),
            '422': problemResponse('Idempotency-Key reused with another request'),
          },
        },
      },
      '/api/stores/{name}/manifests/{file}': {
        get: { summary: 'One rendered manifest (YAML)', parameters: [name, { name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'YAML', content: { 'application/yaml': {} } }, ...errors } },
      },
      '/api/platform': { get: { summary: 'Mode, the requesting user (id, role), remote, branch, head SHA, Argo CD state, platform.yaml summary', responses: { '200': { description: 'Platform' } } } },
      '/healthz': { get: { security: [], summary: 'Liveness', responses: { '200': { description: 'Alive' } } } },
      '/readyz': { get: { security: [], summary: 'Readiness (Git remote reachable)', responses: { '200': { description: 'Ready' }, '503': errors['503'] } } },
      '/metrics': { get: { security: [], summary: 'Prometheus metrics', responses: { '200': { description: 'Metrics' } } } },
    },
  };
}
