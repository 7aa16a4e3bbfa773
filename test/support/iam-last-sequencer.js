/**
 * Runs test/iam last: it judges the AWS calls the other suites of the run made. With two workers the
 * IAM test may start while another suite still runs, so the suites it waits for are handed to it
 * (TEST_SUITES_BEFORE_IAM, inherited by the workers) and its beforeAll waits until the reporter
 * (suites-done-reporter.js) has seen each of them finish (support/iam.ts, otherSuitesFinished).
 */
const Sequencer = require('@jest/test-sequencer').default;

class IamLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = [...(await super.sort(tests))];
    const isIam = (test) => /[\\/]test[\\/]iam[\\/]/.test(test.path);
    const others = sorted.filter((t) => !isIam(t));
    process.env.TEST_SUITES_BEFORE_IAM = JSON.stringify(others.map((t) => t.path));
    return [...others, ...sorted.filter(isIam)];
  }
}

module.exports = IamLastSequencer;
