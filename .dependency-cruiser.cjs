// The one-way import rule (docs/architecture.md, "Layers"), checked in `npm test`
// (tools/dependency-rules.test.ts). Tests and benchmarks are included: a test of a layer imports
// only what that layer may import.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'constructs-stay-pure',
      comment: 'constructs/ never imports generator/ or api/: the generator validates, constructs only build objects.',
      severity: 'error',
      from: { path: '^constructs/' },
      to: { path: '^(generator|api|bench|ui|e2e)/' },
    },
    {
      name: 'generator-without-api',
      comment: 'generator/ (the CLI, render, check) never imports api/ or Express.',
      severity: 'error',
      // Two tests cover the whole `storefleet` binary (every command's help, serve and token
      // included; the operations walkthrough): they belong in e2e/ and are allowed until moved.
      from: { path: '^generator/', pathNot: '^generator/test/(usage|operations-doc)\\.test\\.ts$' },
      to: { path: ['^(api|bench|ui|e2e)/', '(^|/)node_modules/(express|pino-http|helmet|express-rate-limit)/'] },
    },
    {
      name: 'ui-without-server-code',
      comment:
        'The dashboard (ui/src, its unit tests included) imports no server code; a shared contract/ module at the repo root is allowed, type-only (checked by text in tools/dependency-rules.test.ts: the swc parser used here does not tell type-only imports apart).',
      severity: 'error',
      // The one exception: the test that checks the dashboard's name rule against the server's
      // schema (it moves to contract/ with the name rule).
      // generator/store-access.ts is shared on purpose (no imports: Vite bundles it as it is); it
      // belongs in contract/ once that exists.
      from: { path: '^ui/src/', pathNot: '^ui/src/lib/store-name\\.test\\.ts$' },
      to: { path: '^(api|generator|constructs|bench|e2e|bin|argocd)/', pathNot: '^generator/store-access\\.ts$' },
    },
    {
      name: 'store-rules-without-transport',
      comment:
        'api/stores/ (the rules of create, delete and restore) uses no Express, no git command line and no Octokit: the transports behind its port do (docs/api.md, "The store service").',
      severity: 'error',
      from: { path: '^api/stores/', pathNot: '\\.test\\.ts$' },
      to: {
        path: [
          '^api/(app|server|serve)\\.ts$',
          '^api/(http|github)/',
          '^api/git/(?!types\\.ts$|trailers\\.ts$)',
          '(^|/)node_modules/(express|@octokit/[^/]+|simple-git)/',
          '^(child_process|node:child_process)$',
        ],
      },
    },
    {
      name: 'transports-without-routes',
      comment: 'The Git transports (api/git/, api/github/) never import the HTTP layer: routes call the store service, not the other way round.',
      severity: 'error',
      from: { path: '^api/(git|github)/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^api/(app|server|serve)\\.ts$', '^api/http/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
