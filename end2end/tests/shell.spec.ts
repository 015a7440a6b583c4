import { test, expect } from '@playwright/test';
import { demoSecret } from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { NotFoundPage } from '../pages/notFoundPage';
import { OverviewPage } from '../pages/overviewPage';
import { SignInPage } from '../pages/signInPage';

test.describe('app shell', () => {
  test('the page is complete before JavaScript runs', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const signInPage = new SignInPage(page);
    const overview = new OverviewPage(page);
    const res = await signInPage.goto();
    expect(res?.status()).toBe(200);
    await expect(signInPage.heading).toBeVisible();
    await expect(page).toHaveTitle('Sign in · Nomad ACL Console');
    // Signing in is a plain form post: it works without the wasm.
    await signInPage.submit(demoSecret());
    await expect(overview.heading).toBeVisible();
    await expect(page).toHaveTitle('Overview · Nomad ACL Console');
    await expect(overview.count('tokens')).toHaveText(/^\d+$/);
    await context.close();
  });

  test('hydration makes the page interactive', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await hydrated(page);
    const secret = signInPage.secretId;
    await expect(secret).toHaveAttribute('type', 'password');
    await signInPage.showSecret.click();
    await expect(secret).toHaveAttribute('type', 'text');
    await signInPage.hideSecret.press('Enter');
    await expect(secret).toHaveAttribute('type', 'password');
    expect(errors, 'no CSP violations or wasm errors in the console').toEqual([]);
  });

  test('unknown URLs get the 404 page with status 404', async ({ page, request }) => {
    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    const notFound = new NotFoundPage(page);
    await expect(notFound.heading).toBeVisible();
    await expect(notFound.overviewLink).toHaveAttribute('href', '/');
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
      expect(h['referrer-policy'], path).toBe('same-origin');
      expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
    }
  });
});
