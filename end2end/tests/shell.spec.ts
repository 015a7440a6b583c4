import { test, expect } from '@playwright/test';

test.describe('app shell', () => {
  test('the page is complete before JavaScript runs', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto('/sign-in');
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page).toHaveTitle('Sign in · Nomad ACL Console');
    // Signing in is a plain form post: it works without the wasm.
    await page.getByLabel('Secret ID').fill(process.env.E2E_DEMO_SECRET!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Access Control' })).toBeVisible();
    await expect(page).toHaveTitle('Overview · Nomad ACL Console');
    await expect(page.getByTestId('count-tokens')).toHaveText(/^\d+$/);
    await context.close();
  });

  test('hydration makes the page interactive', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto('/sign-in');
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    const secret = page.getByLabel('Secret ID');
    await expect(secret).toHaveAttribute('type', 'password');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(secret).toHaveAttribute('type', 'text');
    await page.getByRole('button', { name: 'Hide' }).press('Enter');
    await expect(secret).toHaveAttribute('type', 'password');
    expect(errors, 'no CSP violations or wasm errors in the console').toEqual([]);
  });

  test('unknown URLs get the 404 page with status 404', async ({ page, request }) => {
    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Go to the overview' })).toHaveAttribute('href', '/');
    expect((await request.get('/profile/nope')).status()).toBe(404);

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
