import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { demoSecret } from '../support/nomad';
import { startConsole } from '../support/console';
import { signIn } from '../pages/signInPage';

test.describe('metrics', () => {
  test('/metrics shows requests by route template and Nomad calls by endpoint, and no secret', async ({ page }) => {
    await signIn(page, demoSecret());
    await page.goto('/tokens?filter=secret-looking-query');
    const res = await page.request.get('/metrics');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/plain');
    const text = await res.text();
    // Console routes, by axum's matched template.
    expect(text).toMatch(/console_http_requests_total\{method="GET",route="\/tokens",status="200"\} \d+/);
    expect(text).toMatch(/console_http_requests_total\{method="POST",route="\/sign-in",status="303"\} \d+/);
    expect(text).toContain('console_http_request_duration_seconds_bucket{method="GET",route="/tokens",le="');
    // Upstream Nomad calls, by method and path template, with a latency histogram.
    expect(text).toMatch(/console_nomad_request_duration_seconds_count\{endpoint="GET \/v1\/acl\/token\/self"\} \d+/);
    expect(text).toContain('console_nomad_request_duration_seconds_bucket{endpoint="GET /v1/acl/tokens",le="');
    // No query string, raw ID or secret anywhere.
    expect(text).not.toContain('secret-looking-query');
    const secretsFile = process.env.E2E_SECRETS_FILE;
    const secrets = [demoSecret(), ...(secretsFile && existsSync(secretsFile) ? readFileSync(secretsFile, 'utf8').split('\n') : [])]
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    for (const s of secrets) expect(text.includes(s), 'a secret in /metrics').toBe(false);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});

test('a server-rendered page asks Nomad once per list, however often Leptos renders it', async () => {
  const running = await startConsole(['demo']);
  try {
    const signIn = await fetch(`${running.url}/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `secret=${running.secret}`,
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const calls = async () => {
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      const count = (endpoint: string) =>
        Number(metrics.match(new RegExp(`_count\\{endpoint="${endpoint}"\\} (\\d+)`))?.[1] ?? 0);
      return [count('GET /v1/acl/tokens'), count('GET /v1/acl/roles'), count('GET /v1/acl/policies')];
    };
    const load = async (path: string) => {
      const page = await fetch(`${running.url}${path}`, { headers: { Cookie: cookie, Accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      await page.text();
    };
    // First page: the token list, then (the caller shown to be management) an index
    // probe and the list of roles and of policies, kept from then on.
    await load('/tokens');
    expect(await calls()).toEqual([1, 2, 2]);
    // Every later page, whichever lists it shows: one small index check per list.
    await load('/');
    expect(await calls()).toEqual([2, 3, 3]);
    await load('/tokens');
    expect(await calls()).toEqual([3, 4, 4]);
  } finally {
    await running.stop();
  }
});
