// The repository's import rules, checked by dependency-cruiser (`npm run depcheck`, and by `npm test`
// through scripts/test/depcheck.test.mjs): no import circle anywhere, between files or between folders, in
// any workspace; and each folder imports only what the code map below allows. docs/architecture.md
// explains the map; keep the two in step.
//
// How to read CODE_MAP: a key is a folder (relative to the repository root); its value lists the
// folders (inside the repository) and npm packages the files in it may import. A folder may always
// import from inside itself (its subfolders included, unless a subfolder has a key of its own, which
// then applies to that subfolder). Node's standard library is allowed where `node: true`.

const grammar = (folder) => `grammar/src/${folder}`;
const rt = (folder) => `runtime/src/${folder}`;
// What `@dfvisor/grammar` resolves to (the built package): importing it means importing grammar/src.
const GRAMMAR_PACKAGE = 'grammar/dist/src';

const CODE_MAP = {
  // ---- grammar/: the language core. No LSP, no network, no other workspace.
  'grammar/src': { node: true, may: ['grammar/src', 'npm:chevrotain'] }, // index.ts and api.ts re-export the folders
  [grammar('syntax')]: { may: ['npm:chevrotain'] },
  [grammar('plan')]: { may: [grammar('syntax')] },
  [grammar('headerspace')]: { may: [grammar('plan')] },
  [grammar('notation')]: { may: [grammar('plan')] },
  [grammar('diagnostics')]: { may: ['grammar/src/api.ts', grammar('syntax')] },
  [grammar('lower')]: { may: [grammar('syntax'), grammar('plan'), grammar('headerspace')] },
  [grammar('bind')]: { may: ['grammar/src/api.ts', grammar('syntax'), grammar('diagnostics')] },
  [grammar('check')]: {
    may: ['grammar/src/api.ts', grammar('syntax'), grammar('plan'), grammar('headerspace'), grammar('notation'),
      grammar('diagnostics'), grammar('lower'), grammar('bind')],
  },
  [grammar('compile')]: {
    may: ['grammar/src/api.ts', grammar('syntax'), grammar('plan'), grammar('headerspace'), grammar('notation'),
      grammar('lower'), grammar('bind'), grammar('check')],
  },
  [grammar('format')]: { may: [grammar('syntax')] },
  [grammar('workspace')]: { node: true, may: [grammar('syntax')] },
  [grammar('ide')]: {
    may: ['grammar/src/api.ts', grammar('syntax'), grammar('plan'), grammar('headerspace'), grammar('notation'),
      grammar('lower'), grammar('bind'), grammar('check')],
  },
  'grammar/test': { node: true, may: ['grammar/src', 'grammar/test', 'npm:fast-check', 'npm:ajv'] },
  'grammar/bench': { node: true, may: ['grammar/src', 'grammar/bench'] },

  // ---- server/: LSP over the grammar. No OpenFlow, no runtime.
  'server/src': { node: true, may: [GRAMMAR_PACKAGE, 'npm:vscode-languageserver', 'npm:vscode-languageserver-textdocument'] },
  'server/test': { node: true, may: ['server/test-support', GRAMMAR_PACKAGE, 'npm:vscode-languageserver-protocol'] },
  'server/test-support': { node: true, may: ['npm:vscode-languageserver-protocol'] },
  'server/bench': { node: true, may: ['server/test-support', 'server/test'] },

  // ---- client/: the VS Code extension. Talks to the runtime over HTTP only (no runtime import).
  'client/src': { node: true, may: ['npm:vscode', 'npm:vscode-languageclient'] }, // extension.ts, settings.ts, ... wire the folders
  'client/src/api': { node: true, may: ['npm:eventsource-parser'] }, // HTTP client: no vscode
  'client/src/runtime': { node: true, may: ['npm:vscode', 'client/src/api'] },
  'client/src/deploy': { node: true, may: [GRAMMAR_PACKAGE, 'npm:vscode', 'client/src/api'] }, // the workspace rule from the grammar
  'client/src/views': { node: true, may: ['npm:vscode', 'client/src', 'client/src/api', 'client/src/deploy'] },
  'client/src/commands': { node: true, may: [GRAMMAR_PACKAGE, 'npm:vscode', 'client/src', 'client/src/api', 'client/src/deploy', 'client/src/runtime', 'client/src/views'] },
  'client/test': { node: true, may: ['client/src', GRAMMAR_PACKAGE, 'npm:vscode-languageserver-protocol', 'npm:@vscode/test-electron', 'npm:mocha', 'npm:vscode'] },
  'client/e2e': { node: true, may: ['client/src', 'npm:vscode', 'npm:mocha', 'npm:@vscode/test-electron'] },

  // ---- runtime/: the hypervisor and the CLI (see docs/architecture.md for each folder's job).
  'runtime/src': { node: true, may: ['runtime/src'] }, // index.ts re-exports the folders
  [rt('openflow')]: { node: true, may: [GRAMMAR_PACKAGE] },
  [rt('classifier')]: { node: true, may: [GRAMMAR_PACKAGE] },
  [rt('store')]: { node: true, may: ['npm:hazelcast-client'] },
  [rt('ovsdb')]: { node: true, may: [GRAMMAR_PACKAGE] }, // OVSDB client and queue reconciler (plan types only)
  [rt('lab')]: { node: true, may: [GRAMMAR_PACKAGE] },
  [rt('proxy')]: { node: true, may: [GRAMMAR_PACKAGE, rt('openflow'), rt('classifier'), rt('dataplane'), rt('ovsdb'), rt('view'), 'npm:pino'] }, // ovsdb: a switch's queues at plan application; view: the plain types the API reads (virtual links)
  [rt('dataplane')]: { node: true, may: [GRAMMAR_PACKAGE] }, // cookie layout, priority bands, port meters, MPLS classes (plan types only): below the proxy and the cluster
  [rt('cluster')]: { node: true, may: [GRAMMAR_PACKAGE, rt('store'), rt('openflow'), rt('proxy'), rt('dataplane'), 'npm:pino'] },
  [rt('validation')]: { node: true, may: [GRAMMAR_PACKAGE, 'npm:ajv'] }, // JSON Schema checks (plan, config)
  [rt('view')]: { node: true, may: [] }, // what the API reads from a node: plain types below both
  [rt('deploy')]: { node: true, may: [GRAMMAR_PACKAGE, rt('store'), rt('validation')] },
  [rt('auth')]: { node: true, may: [rt('store'), rt('deploy')] },
  [rt('api')]: {
    node: true,
    may: [GRAMMAR_PACKAGE, rt('auth'), rt('deploy'), rt('store'), rt('view'), rt('validation'), 'npm:fastify', 'npm:@fastify/swagger', 'npm:@fastify/rate-limit', 'npm:pino', 'npm:prom-client'],
  },
  [rt('node')]: {
    node: true,
    may: [GRAMMAR_PACKAGE, rt('api'), rt('auth'), rt('cluster'), rt('deploy'), rt('proxy'), rt('dataplane'), rt('openflow'), rt('view'), rt('validation'),
      rt('classifier'), rt('store'), 'npm:pino', 'npm:prom-client', 'npm:fastify'],
  },
  [rt('api-client')]: { node: true, may: ['npm:eventsource-parser'] }, // the CLI's HTTP client of the API
  [rt('cli')]: {
    node: true,
    may: [GRAMMAR_PACKAGE, rt('api'), rt('auth'), rt('api-client'), rt('lab'), rt('node'), rt('store'), rt('deploy'), rt('validation'), rt('view')],
  },
  'runtime/test': { node: true, may: ['runtime/src', 'runtime/test', GRAMMAR_PACKAGE, 'npm:fast-check', 'npm:ajv', 'npm:pino', 'npm:fastify', 'npm:hazelcast-client'] },
  'runtime/bench': { node: true, may: ['runtime/src', 'runtime/test', 'runtime/bench', GRAMMAR_PACKAGE, 'npm:pino'] },
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const keys = Object.keys(CODE_MAP);
// A folder key matches its own files and the subfolders that have no key of their own.
const fromOf = (key) => ({
  path: `^${esc(key)}/`,
  pathNot: keys.filter((k) => k !== key && k.startsWith(`${key}/`)).map((k) => `^${esc(k)}/`),
});
const toPaths = (key, may) => [
  `^${esc(key)}/`,
  ...may.filter((m) => !m.startsWith('npm:')).map((m) => (m.endsWith('.ts') ? `^${esc(m)}$` : `^${esc(m)}/`)),
  ...may.filter((m) => m.startsWith('npm:')).map((m) => `(^|/)node_modules/${esc(m.slice(4))}/`),
];

const allowed = [
  ...keys.map((key) => ({ from: fromOf(key), to: { path: toPaths(key, CODE_MAP[key].may) } })),
  ...keys.filter((key) => CODE_MAP[key].node).map((key) => ({ from: fromOf(key), to: { dependencyTypes: ['core'] } })),
  // `vscode` is provided by the editor at run time (only @types/vscode is installed).
  { from: { path: '^client/' }, to: { path: '^vscode$', couldNotResolve: true } },
];

/** No circle, between files or between folders. */
const circleRule = (name, scope, comment) => ({ name, comment, severity: 'error', scope, from: {}, to: { circular: true } });

module.exports = {
  forbidden: [
    circleRule('no-circular', 'module', 'A file must not reach itself through its imports (move the shared part to a module below both).'),
    circleRule('no-circular-folders', 'folder', 'A folder must not reach itself through its imports (docs/architecture.md: layers import downwards).'),
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (except `vscode`, which the editor provides).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
    {
      name: 'not-to-other-workspace-sources',
      comment: 'Workspaces use each other through their packages (e.g. @dfvisor/grammar), never by relative paths into src/.',
      severity: 'error',
      from: { path: '^(grammar|server|client|runtime)/' },
      to: { path: '^(grammar|server|client|runtime)/src/', pathNot: '^$1/' },
    },
  ],
  allowed,
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: ['(^|/)node_modules/', '(^|/)dist/'] },
    exclude: { path: ['(^|/)(\\.e2e|node_modules|dist-bundle|dist-e2e)/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    skipAnalysisNotInRules: true,
  },
};
