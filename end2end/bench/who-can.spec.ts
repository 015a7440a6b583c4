// Benchmark figure of issue 7: time to answer /who-can at the demo's largest scale
// (10,000 extra tokens, 500 policies, 100 roles). Not a test: it asserts only that it
// could measure, prints the figures and writes bench/who-can-results.json.
// Run with `bash .ci/bench`, or after a build:
//   NOMAD_ACL_CONSOLE_BIN=... npx playwright test -c playwright.bench.config.ts who-can
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, SCALE, startAtScale, timedGet } from './support';

const RUNS = Number(process.env.BENCH_WHO_CAN_RUNS ?? 20);
const QUESTIONS = [
  'right=submit-job&namespace=payments',
  'right=alloc-exec&namespace=payments-dev',
  'right=node%3Awrite&namespace=default',
  'right=variables%3Awrite&namespace=default&path=app%2Fconfig',
];

test('benchmark: who-can at 10,000 tokens, 500 policies, 100 roles', async ({ browser }) => {
  const { c, cookie } = await startAtScale(browser);
  try {

    const get = async (q: string) => {
      const url = `${c.url}/who-can?${q}`;
      const { status, html, ms } = await timedGet(url, cookie);
      expect(status, url).toBe(200);
      const m = html.match(/Checked (\d+) tokens \((\d+) distinct policy sets\), (\d+) roles and (\d+) policies: loaded in (\d+) ms, answered in (\d+) ms/);
      expect(m, 'the page shows its figures').not.toBeNull();
      return { ms, tokens: +m![1], sets: +m![2], roles: +m![3], policies: +m![4], loadMs: +m![5], computeMs: +m![6] };
    };

    // The first question reads every policy from Nomad (cold cache).
    const cold = await get(QUESTIONS[0]);
    const rows = [];
    for (const q of QUESTIONS) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await get(q));
      const total = runs.map((r) => r.ms).sort((a, b) => a - b);
      const compute = runs.map((r) => r.computeMs).sort((a, b) => a - b);
      const load = runs.map((r) => r.loadMs).sort((a, b) => a - b);
      rows.push({
        question: decodeURIComponent(q),
        p50: percentile(total, 50),
        p99: percentile(total, 99),
        loadP50: percentile(load, 50),
        computeP50: percentile(compute, 50),
        tokens: runs[0].tokens,
        sets: runs[0].sets,
        roles: runs[0].roles,
        policies: runs[0].policies,
      });
    }
    const lines = [
      `who-can at ${rows[0].tokens} tokens, ${rows[0].roles} roles, ${rows[0].policies} policies (${RUNS} runs each; ms)`,
      `first question, cold policy cache: ${cold.ms.toFixed(1)} ms (Nomad loads ${cold.loadMs} ms, answer ${cold.computeMs} ms)`,
      ...rows.map(
        (r) =>
          `${r.question.padEnd(58)} page p50 ${r.p50.toFixed(1).padStart(7)}  p99 ${r.p99.toFixed(1).padStart(7)}  ` +
          `Nomad loads p50 ${String(r.loadP50).padStart(4)}  answer p50 ${String(r.computeP50).padStart(4)}  (${r.sets} policy sets)`,
      ),
    ];
    const summary = lines.join('\n');
    console.log(`\n${summary}\n`);
    writeFileSync(
      join(__dirname, 'who-can-results.json'),
      JSON.stringify({ date: new Date().toISOString(), binary: process.env.NOMAD_ACL_CONSOLE_BIN ?? 'target/release', scale: SCALE, runs: RUNS, cold, rows, table: summary }, null, 2) + '\n',
    );
  } finally {
    await c.stop();
  }
});
