/** Jest: unit, integration and e2e suites against one DynamoDB Local started in globalSetup. */
const esmPackages = ['jose', '@middy', '@simplewebauthn', '@levischuck', '@peculiar', 'otplib', '@otplib', '@noble', '@scure'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // jest.synth.config.js runs, against the synthesized stack (what deploys), the browser suites (once:
  // a second pass against the in-process server judged the same page build through the same local
  // gateway, about a fifth of this run's time) and test/iam, which judges the calls they made.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/iam/', '<rootDir>/test/e2e/browser', '<rootDir>/test/e2e/security-headers'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/after-env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
