// Benchmark figure of the namespace pages at the demo's largest scale (10,000 extra
// tokens, 500 policies, 100 roles): the server-rendered /namespaces/<name> (who can do
// what there) and /namespaces (how many tokens and roles reach each). Not a test: it
// asserts only that it could measure, prints the figures and writes
// bench/namespaces-results.json. Run with `bash .ci/bench`, or after a build:
//   NOMAD_ACL_CONSOLE_BIN=... npx playwright test -c playwright.bench.config.ts namespaces
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, SCALE, startAtScale, timedGet } from './support';

const RUNS = Number(process.env.BENCH_NAMESPACE_RUNS ?? 20);
const PAGES = ['/namespaces/payments-dev', '/namespaces/archive', '/namespaces'];

test('benchmark: namespace pages at 10,000 tokens, 500 policies, 100 roles', async ({ browser }) => {
  const { c, cookie } = await startAtScale(browser);
  try {

    const get = async (path: string) => {
      const url = `${c.url}${path}`;
      const { status, html, ms } = await timedGet(url, cookie);
      expect(status, url).toBe(200);
      expect(html, url).toContain('Namespace');
      return ms;
    };

    const cold = await get(PAGES[0]);
    const rows = [];
    for (const path of PAGES) {
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await get(path));
      runs.sort((a, b) => a - b);
      rows.push({ page: path, p50: percentile(runs, 50), p99: percentile(runs, 99) });
    }
    const summary = [
      `namespace pages at ${SCALE.tokens} extra tokens, ${SCALE.policies} policies, ${SCALE.roles} roles (${RUNS} runs each; ms, whole server-rendered page)`,
      `first page, cold caches: ${cold.toFixed(1)} ms`,
      ...rows.map((r) => `${r.page.padEnd(28)} p50 ${r.p50.toFixed(1).padStart(7)}  p99 ${r.p99.toFixed(1).padStart(7)}`),
    ].join('\n');
    console.log(`\n${summary}\n`);
    writeFileSync(
      join(__dirname, 'namespaces-results.json'),
      JSON.stringify({ date: new Date().toISOString(), binary: process.env.NOMAD_ACL_CONSOLE_BIN ?? 'target/release', scale: SCALE, runs: RUNS, cold, rows, table: summary }, null, 2) + '\n',
    );
  } finally {
    await c.stop();
  }
});
