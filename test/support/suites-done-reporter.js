/**
 * Writes the path of each finished test file to TEST_DATA_DIR/finished-suites (the global setup
 * makes that folder before any test runs): the IAM test waits on it (iam-last-sequencer.js).
 */
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');

class SuitesDoneReporter {
  onTestFileResult(test) {
    if (process.env.TEST_DATA_DIR) appendFileSync(join(process.env.TEST_DATA_DIR, 'finished-suites'), `${test.path}\n`);
  }
}

module.exports = SuitesDoneReporter;
