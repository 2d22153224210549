// StrykerJS options shared by every mutation run. `npm run mutation -- <file>` (scripts/mutation.mjs)
// adds the file to mutate and the command that runs that file's own tests; it is not part of
// `npm test` (a run takes minutes: one node process per mutant).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  // the command runner cannot tell which test covers which mutant: every mutant runs the whole command
  coverageAnalysis: 'off',
  // two cores shared with other work: two mutants at a time
  concurrency: 2,
  // one mutant's test run (tsx start-up included) may take a few seconds; a mutant that loops forever
  // is reported as a timeout (a detection), not waited on
  timeoutMS: 20_000,
  timeoutFactor: 3,
  reporters: ['clear-text', 'progress', 'json'],
  // the sandbox copies only what a single engine test file needs; node_modules is linked, not copied
  // NB: machines/ and storage/ are copied: tsconfig.base.json's paths send @mtswarm/* to their src/
  // (without them tsx falls back to node_modules, i.e. dist/, which a checkout has not built)
  ignorePatterns: ['/bench', '/examples', '/test', '/reports', '/tmp', '/.mutation-baseline', '/.stryker-tmp*', '*.lmdb*'],
  tempDirName: process.env.MUTATION_TMP ?? '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 95, low: 90 },
}
