/** Jest: unit, integration and e2e suites against one DynamoDB Local started in globalSetup. */
const esmPackages = ['jose', '@middy', '@simplewebauthn', '@levischuck', '@peculiar', 'otplib', '@otplib', '@noble', '@scure'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/iam judges the calls of the synthesized stack: jest.synth.config.js runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/iam/'],
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
