import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createToken, demoSecret, nomad, nomadAddr, recordSecret, signIn, suffix } from '../support/nomad';
import { startConsole, startDevNomad } from '../support/console';

test.describe('sign-in', () => {
  test('a management token signs in and sees the overview, with counts matching Nomad', async ({ page }) => {
    await signIn(page, demoSecret());
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('cluster')).toContainText(nomadAddr());
    await expect(page.locator('.profile-menu .badge')).toHaveText('management');
    await expect(page.getByTestId('time-left')).toHaveText('never expires');
    const [tokens, roles, policies, methods, rules] = await Promise.all(
      ['tokens', 'roles', 'policies', 'auth-methods', 'binding-rules'].map((k) => nomad('GET', `/v1/acl/${k}`)),
    );
    // Other specs add objects concurrently: the page shows at least what Nomad had before it loaded.
    await page.reload();
    for (const [id, list] of [
      ['count-tokens', tokens],
      ['count-roles', roles],
      ['count-policies', policies],
      ['count-auth-methods', methods],
      ['count-binding-rules', rules],
    ] as const) {
      expect(Number(await page.getByTestId(id).textContent()), id).toBeGreaterThanOrEqual(list.length);
    }
    // Health links lead to filtered lists.
    await expect(page.getByRole('link', { name: /expired tokens?$/ })).toHaveAttribute('href', '/tokens?expiry=expired');
    await expect(page.getByTestId('missing-policies')).toContainText('prometheus-scrape');
  });

  test('an unknown token is refused with a clear message next to the field', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByLabel('Secret ID').fill('6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toContainText('Nomad does not know this token');
    await expect(page).toHaveURL(/\/sign-in$/);
    // The message is gone on the next visit (it was shown once).
    await page.reload();
    await expect(page.getByTestId('sign-in-error')).toHaveCount(0);
  });

  test('a malformed token is refused without asking Nomad', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByLabel('Secret ID').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toContainText('not a Nomad token Secret ID');
  });

  test('an expired token is refused as expired', async ({ page }) => {
    // Upload a token with caller-chosen IDs whose life ended a minute ago.
    const now = Date.now();
    const secret = crypto.randomUUID();
    recordSecret(secret);
    const accessor = crypto.randomUUID();
    await nomad('PUT', `/v1/acl/token/${accessor}`, {
      AccessorID: accessor,
      SecretID: secret,
      Name: `expired-${suffix()}`,
      Type: 'client',
      Policies: ['oncall-readonly'],
      CreateTime: new Date(now - 2 * 3600_000).toISOString(),
      // A minute ago: Nomad collects expired tokens only an hour after they expire.
      ExpirationTime: new Date(now - 60_000).toISOString(),
    });
    await page.goto('/sign-in');
    await page.getByLabel('Secret ID').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toContainText('expired');
  });

  test('a one-time token link signs in and leaves no secret in the URL', async ({ page }) => {
    const token = await createToken({ Name: `ott-${suffix()}`, Policies: ['oncall-readonly'] });
    const ott = await nomad('PUT', '/v1/acl/token/onetime', undefined, token.SecretID);
    recordSecret(ott.OneTimeToken.OneTimeSecretID);
    await page.goto(`/sign-in?ott=${ott.OneTimeToken.OneTimeSecretID}`);
    await expect(page.getByRole('heading', { name: 'Access Control' })).toBeVisible();
    expect(page.url()).not.toContain(ott.OneTimeToken.OneTimeSecretID);
    await expect(page.locator('.profile-menu .token-name')).toHaveText(token.Name);

    // One use only.
    const again = await page.context().browser()!.newContext();
    const p2 = await again.newPage();
    await p2.goto(`${process.env.E2E_BASE_URL}/sign-in?ott=${ott.OneTimeToken.OneTimeSecretID}`);
    await expect(p2.getByTestId('sign-in-error')).toContainText('not valid');
    await again.close();
  });

  test('sign-out ends the session; a protected page then asks to sign in and returns there', async ({ page }) => {
    await signIn(page, demoSecret());
    await page.locator('.profile-menu summary').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();

    await page.goto('/profile');
    await expect(page).toHaveURL(/\/sign-in\?return_to=\/profile$/);
    await page.getByLabel('Secret ID').fill(demoSecret());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole('heading', { name: 'Your token' })).toBeVisible();
  });

  test('session cookie flags; a cross-origin POST is refused and changes nothing', async ({ page }) => {
    await signIn(page, demoSecret());
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'nac_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(session.value).not.toContain(demoSecret());

    const res = await page.request.post('/sign-out', { headers: { Origin: 'http://evil.example' }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    const bootstrap = await page.request.post('/sign-in/bootstrap', {
      headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      maxRedirects: 0,
    });
    expect(bootstrap.status()).toBe(403);
    // Still signed in.
    await page.goto('/profile');
    await expect(page.getByRole('heading', { name: 'Your token' })).toBeVisible();
  });

  test('no Secret ID in any page until the user reveals it', async ({ page }) => {
    const secret = demoSecret();
    await signIn(page, secret);
    for (const path of ['/', '/profile', '/tokens', '/roles', '/policies', '/auth-methods', '/binding-rules']) {
      const res = await page.goto(path);
      expect(await res!.text(), path).not.toContain(secret);
      expect(await page.content(), path).not.toContain(secret);
    }
    await page.goto('/profile');
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect(page.getByTestId('revealed-secret')).toHaveText(secret);
  });
});

test.describe('non-management tokens', () => {
  test('see what they may, and where their permissions come from', async ({ page }) => {
    const roleName = 'payments-developer';
    const token = await createToken({ Name: `dev-${suffix()}`, Policies: ['oncall-readonly'], Roles: [{ Name: roleName }] });
    await signIn(page, token.SecretID);
    await expect(page.locator('.profile-menu .badge')).toHaveText('client');
    await expect(page.getByTestId('count-tokens')).toHaveText('—');
    await expect(page.getByText('The health checks need a management token')).toBeVisible();

    await page.goto('/profile');
    await expect(page.getByTestId('profile-name')).toHaveText(token.Name);
    const role = await nomad('GET', `/v1/acl/role/name/${roleName}`);
    await expect(page.getByText(roleName, { exact: false }).first()).toBeVisible();
    for (const p of role.Policies) {
      await expect(page.locator(`#policy-${p.Name} pre`)).toBeVisible();
    }
    const direct = await nomad('GET', '/v1/acl/policy/oncall-readonly');
    await expect(page.locator('#policy-oncall-readonly pre')).toHaveText(direct.Rules);
  });
});

test.describe('user text is shown as text', () => {
  test('HTML in names, descriptions and rules does not run', async ({ page }) => {
    const name = `xss-${suffix()}`;
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await nomad('PUT', `/v1/acl/policy/${name}`, {
      Name: name,
      Description: `desc ${evil}`,
      Rules: `# ${evil}\nnamespace "default" { policy = "read" }`,
    });
    const token = await createToken({ Name: `token ${evil}`, Policies: [name] });
    await signIn(page, token.SecretID);
    await page.goto('/profile');
    await expect(page.getByTestId('profile-name')).toHaveText(`token ${evil}`);
    await expect(page.locator(`#policy-${name} pre`)).toContainText('<script>window.__pwned=2</script>');
    await expect(page.getByText(`desc ${evil}`)).toBeVisible();
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  });
});

test.describe('bootstrap', () => {
  test('a fresh cluster is bootstrapped from the sign-in page, once', async ({ page }) => {
    const devNomad = await startDevNomad();
    const console_ = await startConsole(['serve', '--address', devNomad.addr]);
    try {
      await page.goto(`${console_.url}/sign-in`);
      await page.getByText('New cluster? Bootstrap the ACL system').click();
      await page.getByRole('button', { name: 'Bootstrap ACL system' }).click();
      await expect(page.getByRole('heading', { name: 'ACL system bootstrapped' })).toBeVisible();
      const secret = (await page.getByTestId('bootstrap-secret').textContent())!;
      recordSecret(secret);
      expect(secret).toMatch(/^[0-9a-f-]{36}$/);
      await expect(page.getByRole('alert')).toContainText('will not be shown again');
      // Shown once: a reload does not show it again.
      await page.reload();
      await expect(page.getByRole('heading', { name: 'Nothing to show' })).toBeVisible();
      // Signed in with the new management token.
      await page.goto(`${console_.url}/`);
      await expect(page.locator('.profile-menu .token-name')).toHaveText('Bootstrap Token');

      const other = await page.context().browser()!.newContext();
      const p2 = await other.newPage();
      await p2.goto(`${console_.url}/sign-in`);
      await p2.getByText('New cluster? Bootstrap the ACL system').click();
      await p2.getByRole('button', { name: 'Bootstrap ACL system' }).click();
      await expect(p2.getByTestId('sign-in-error')).toContainText('already bootstrapped');
      await other.close();
    } finally {
      await console_.stop();
      await devNomad.stop();
    }
  });
});

test.describe('accessibility', () => {
  for (const path of ['/sign-in', '/', '/profile', '/tokens']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      if (path !== '/sign-in') await signIn(page, demoSecret());
      await page.goto(path);
      await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  }
});

test.describe('toasts', () => {
  test('copying the accessor puts it on the clipboard and says so', async ({ browser }) => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await page.goto('/profile');
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    const accessor = (await page.locator('.facts dd.secret-row code').first().textContent())!;
    await page.getByRole('button', { name: 'Copy the accessor ID' }).click();
    await expect(page.getByTestId('toasts')).toContainText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(accessor);
    await expect(page.getByTestId('toasts')).not.toContainText('Copied', { timeout: 8_000 });
    await context.close();
  });
});
