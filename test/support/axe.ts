/**
 * Accessibility checks in the browser tests: axe-core (Deque's rules engine) on the screen the page
 * shows, against WCAG 2.1 level A and AA. One call per screen:
 *
 *   await expectNoAxeViolations(page, 'sign in');
 *
 * fails with every violation in words (rule, impact, the elements and what to fix). The page follows
 * the system's light or dark setting: every rule runs in the light scheme, the colour rules again in
 * the dark one. axe looks only at what
 * is rendered: hidden screens are not checked, so call it once the screen you mean is showing.
 * The browser suites run against the synthesized stack (`npm run test:synth`).
 */
import { readFileSync } from 'node:fs';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/** The WCAG 2.1 A and AA rules (issue 19: the page stays free of WCAG 2.1 AA violations). */
export const WCAG_21_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Read once; put into the page with evaluate rather than a <script> tag, which the page's CSP
// (script-src 'self') refuses, and which would surface as a console error failing the test.
let axeSource: string | undefined;
const source = () => (axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/** The rules whose outcome depends on the colours: the only ones worth a second run in the other scheme. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block', 'non-text-contrast'];

/** The violations axe finds on what `page` shows now (in its current colour scheme); `colourOnly`: the colour rules only. */
export async function axeViolations(page: Page, options: { colourOnly?: boolean } = {}): Promise<Result[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source());
  const known = await page.evaluate(() => (window as unknown as { axe: { getRules(): { ruleId: string }[] } }).axe.getRules().map((r) => r.ruleId));
  const runOnly: RunOptions['runOnly'] = options.colourOnly
    ? { type: 'rule', values: COLOUR_RULES.filter((rule) => known.includes(rule)) }
    : { type: 'tag', values: WCAG_21_AA_TAGS };
  const runOptions: RunOptions = { runOnly, resultTypes: ['violations'] };
  const results = await page.evaluate((opts) => (window as unknown as { axe: { run(context: Document, o: RunOptions): Promise<AxeResults> } }).axe.run(document, opts), runOptions);
  return results.violations;
}

/** Every violation in words: the rule, its impact and help page, and each element with what to fix. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n\s*/g, '\n      ')}`).join('\n');
      return `  ${v.id} (${v.impact ?? 'unknown'} impact): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Fails, naming the screen and every violation, unless the page as shown passes WCAG 2.1 A and AA, in light and dark. */
export async function expectNoAxeViolations(page: Page, screenName: string): Promise<void> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const violations = await axeViolations(page, { colourOnly: colorScheme === 'dark' });
    if (violations.length) found.push(`${colorScheme} scheme:\n${describeViolations(violations)}`);
  }
  await page.emulateMedia({ colorScheme: null });
  if (found.length) throw new Error(`Accessibility violations (WCAG 2.1 AA) on the "${screenName}" screen:\n${found.join('\n')}`);
}
