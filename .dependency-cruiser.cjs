/**
 * The layering, checked on every `npm test` (`npm run lint:layers`) so the structure cannot decay.
 *
 * Handlers call the domain, the domain calls repositories, repositories call the DynamoDB client;
 * nothing imports back up, and no folder imports one above it (so there is no cycle between folders).
 * `import type` of a leaf type is free; a type that two folders need lives in shared/model/.
 */

/** Top to bottom: a module may import its own layer and any below it, never one above. */
const LAYERS = [
  ['functions/'],
  ['shared/identity/'],
  ['shared/factors/'],
  ['shared/policy/'],
  ['shared/tokens/'],
  ['shared/audit/', 'shared/mail/'],
  ['shared/ratelimit/', 'shared/crypto/', 'shared/adapters/'],
  ['shared/store/'],
  ['shared/model/', 'shared/http/', 'shared/config.ts', 'shared/clock.ts', 'shared/errors.ts', 'shared/log.ts', 'shared/metrics.ts'],
];

const escape = (s) => s.replace(/[.]/g, '\\.');
const anyOf = (paths) => `^(${paths.map(escape).join('|')})`;

const layerRules = LAYERS.slice(1).map((layer, i) => ({
  name: `layer-${layer[0].replace(/^shared\//, '').replace(/\/$|\.ts$/, '')}`,
  comment: `${layer.join(', ')} must not import a layer above it (${LAYERS.slice(0, i + 1).flat().join(', ')})`,
  severity: 'error',
  from: { path: anyOf(layer) },
  to: { path: anyOf(LAYERS.slice(0, i + 1).flat()), dependencyTypesNot: ['type-only'] },
}));

/** Repositories: the only modules that speak DynamoDB. */
const REPOSITORY = '(^shared/store/|^shared/.*store\\.ts$)';

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'No import cycle, between modules or (with the layer rules) between folders',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'only-repositories-speak-dynamodb',
      comment: 'Expressions, conditions and commands live in repositories (store.ts, *-store.ts, shared/store/)',
      severity: 'error',
      from: { path: '^(shared|functions)/', pathNot: REPOSITORY },
      to: { path: ['@aws-sdk/(client|lib)-dynamodb', '^shared/store/(client|commands|keys)\\.ts$'] },
    },
    {
      name: 'repositories-do-not-call-the-domain',
      comment: 'A repository returns domain values; it imports only the store, leaves and other repositories',
      severity: 'error',
      from: { path: REPOSITORY },
      to: {
        path: '^shared/',
        pathNot: [REPOSITORY, anyOf(LAYERS[LAYERS.length - 1])],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'handlers-call-the-domain',
      comment: 'A handler calls domain functions, never a repository or the table (the health probe asks the store itself)',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: ['^shared/.*store\\.ts$', '^shared/store/(client|keys)\\.ts$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'the-page-takes-only-types',
      comment: "The page's bundle holds only its own code: it takes the API's types, never its modules",
      severity: 'error',
      from: { path: '^web/' },
      // Except the User-Agent wording, a dependency-free leaf the notification emails share.
      to: { path: '^(functions|shared|infra)/', pathNot: '^shared/model/user-agent\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-knows-no-handlers',
      comment: 'The domain knows nothing of HTTP events, handlers or the deployment',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|infra|web)/' },
    },
    {
      name: 'cdk-app-loads-no-runtime',
      comment: 'Synthesizing the stack must not load the service: no AWS SDK client, middleware or domain code (leaf constants and config only)',
      severity: 'error',
      from: { path: '^infra/(?!local/)' },
      to: {
        path: ['@aws-sdk/', '@middy/', '@aws-lambda-powertools/', '^shared/(?!config\\.ts$|model/|http/|store/keys\\.ts$|adapters/kms-context\\.ts$)'],
        reachable: true,
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(gen|dist|cdk\\.out|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
