/** The layer rules `npm test` enforces (issue 15): see README "Code layout". */
const io = '^src/(config|slack|azure|queue|outbox|runtime)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core holds the rules as values: it reads no configuration and reaches no Slack, Azure, Redis or process wiring.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: io },
    },
    {
      name: 'jobs-behind-ports',
      comment: 'A job reaches Slack, Azure and the queue only through the ports it is given, never by importing an adapter.',
      severity: 'error',
      from: { path: '^jobs/' },
      to: { path: '^src/(slack|azure|queue)/' },
    },
    {
      name: 'product-not-test',
      comment: 'What ships never imports the test tree (emulators, fakes).',
      severity: 'error',
      from: { path: '^(src|jobs)/' },
      to: { path: '^test/' },
    },
    {
      name: 'product-not-dev-dep',
      comment: 'What ships never imports a devDependency: the image installs production dependencies only.',
      severity: 'error',
      from: { path: '^(src|jobs)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'Modules depend one way; a cycle (type-only imports included) means a type or function lives in the wrong layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the resolver cannot find is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports count: a cycle through types is still a cycle between layers
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
