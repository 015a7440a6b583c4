import { test, expect } from '@playwright/test';

test.describe('app shell', () => {
  test('the page is complete before JavaScript runs', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Access Control' })).toBeVisible();
    await expect(page.getByTestId('nomad-status')).toContainText('Connected to Nomad at http://127.0.0.1:');
    await expect(page).toHaveTitle('Overview · Nomad ACL Console');
    await context.close();
  });

  test('hydration makes the page interactive', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto('/');
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByTestId('check-count')).toHaveText('Checked again once.');
    await expect(page.getByTestId('nomad-status')).toContainText('Connected to Nomad');
    await page.getByRole('button', { name: 'Check again' }).press('Enter');
    await expect(page.getByTestId('check-count')).toHaveText('Checked again 2 times.');
    expect(errors, 'no CSP violations or wasm errors in the console').toEqual([]);
  });

  test('unknown URLs get the 404 page with status 404', async ({ page, request }) => {
    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Go to the overview' })).toHaveAttribute('href', '/');

    const api = await request.get('/pkg/nope/missing.wasm');
    expect(api.status()).toBe(404);
  });

  test('every response carries the security headers', async ({ request }) => {
    const page = await request.get('/');
    const csp = page.headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // The nonce in the header is the one on the hydration script, and changes per request.
    const nonce = csp.match(/'nonce-([^']+)'/)![1];
    expect(await page.text()).toContain(`nonce="${nonce}"`);
    const again = await request.get('/');
    expect(again.headers()['content-security-policy']).not.toContain(nonce);

    for (const path of ['/', '/healthz', '/readyz', '/no/such/page', '/favicon.svg']) {
      const res = await request.get(path);
      const h = res.headers();
      expect(h['x-content-type-options'], path).toBe('nosniff');
      expect(h['referrer-policy'], path).toBe('no-referrer');
      expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
    }
  });
});
