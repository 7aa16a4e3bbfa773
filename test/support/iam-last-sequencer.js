/** Runs test/iam last: it judges the AWS calls the other suites of the run made. */
const Sequencer = require('@jest/test-sequencer').default;

class IamLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = [...(await super.sort(tests))];
    const isIam = (test) => /[\\/]test[\\/]iam[\\/]/.test(test.path);
    return [...sorted.filter((t) => !isIam(t)), ...sorted.filter(isIam)];
  }
}

module.exports = IamLastSequencer;
