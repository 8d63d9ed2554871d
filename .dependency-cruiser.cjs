/** Import rules checked in CI (`npm run check:imports`). */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make start-up order and testing fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'gateway-not-cloud',
      severity: 'error',
      comment: 'The gateway and the cloud speak only through @solarhub/shared.',
      from: { path: '^gateway/' },
      to: { path: '^cloud/' },
    },
    {
      name: 'cloud-not-gateway',
      severity: 'error',
      from: { path: '^cloud/' },
      to: { path: '^gateway/' },
    },
    {
      name: 'shared-stands-alone',
      severity: 'error',
      comment: 'The wire contract depends on nothing of ours.',
      from: { path: '^shared/' },
      to: { path: '^(gateway|cloud|scripts)/' },
    },
    {
      name: 'product-not-scripts',
      severity: 'error',
      comment: 'Simulators, demo and benchmarks are not part of the product (tests and *.test-support.ts, which are not built, may use them).',
      from: { path: '^(gateway|cloud)/src/', pathNot: '\\.test(-support)?\\.ts$' },
      to: { path: '^scripts/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
