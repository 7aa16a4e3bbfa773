/**
 * The end-to-end tests against the synthesized stack (TEST_SERVER_MODE=synth: `npm run test:synth`),
 * then the IAM test over the AWS calls they made: queued last, it waits until every other suite has
 * finished (iam-last-sequencer.js), so the suites can share two workers (they mostly wait on cold
 * starts and the browser; three measured no faster).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '**/test/e2e/server.test.ts',
    '**/test/e2e/browser*.test.ts',
    '**/test/e2e/security-headers.test.ts',
    '**/test/iam/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  testSequencer: '<rootDir>/test/support/iam-last-sequencer.js',
  reporters: ['default', '<rootDir>/test/support/suites-done-reporter.js'],
  maxWorkers: 2,
};
