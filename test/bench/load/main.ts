/**
 * The load benchmark alone: `npx tsx test/bench/load/main.ts` (DynamoDB Local of its own, about
 * 1–2 minutes). `npm run bench` runs the same as one of its phases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadPhase } from './index';

function table(header: string[], rows: string[][], right: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'twofactor-load-'));
  try {
    const failures: string[] = [];
    const { lines, result } = await runLoadPhase(tmp, failures, table);
    console.log(lines.join('\n'));
    if (failures.length) console.log(`FAIL:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = failures.length ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
