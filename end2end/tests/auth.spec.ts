import { test, expect } from '@playwright/test';
import { createExpiredToken, createToken, demoSecret, nomad, nomadAddr, recordSecret, suffix } from '../support/nomad';
import { startConsole, startDevNomad } from '../support/console';
import { seriousAxeViolations } from '../support/accessibility';
import { BootstrappedPage } from '../pages/bootstrappedPage';
import { hydrated } from '../pages/hydrated';
import { Header } from '../pages/header';
import { OverviewPage } from '../pages/overviewPage';
import { ProfilePage } from '../pages/profilePage';
import { SignInPage, signIn } from '../pages/signInPage';

test.describe('sign-in', () => {
  test('a management token signs in and sees the overview, with counts matching Nomad', async ({ page }) => {
    const header = new Header(page);
    const overview = new OverviewPage(page);
    await signIn(page, demoSecret());
    await expect(page).toHaveURL(/\/$/);
    await expect(header.cluster).toContainText(nomadAddr());
    await expect(header.tokenType).toHaveText('management');
    await expect(header.timeLeft).toHaveText('never expires');
    const [tokens, roles, policies, methods, rules] = await Promise.all(
      ['tokens', 'roles', 'policies', 'auth-methods', 'binding-rules'].map((k) => nomad('GET', `/v1/acl/${k}`)),
    );
    // Other specs add objects concurrently: the page shows at least what Nomad had before it loaded.
    await page.reload();
    for (const [kind, list] of [
      ['tokens', tokens],
      ['roles', roles],
      ['policies', policies],
      ['auth-methods', methods],
      ['binding-rules', rules],
    ] as const) {
      expect(Number(await overview.count(kind).textContent()), `count-${kind}`).toBeGreaterThanOrEqual(list.length);
    }
    // Health links lead to filtered lists.
    await expect(overview.expiredTokensLink).toHaveAttribute('href', '/tokens?expiry=expired');
    await expect(overview.missingPolicies).toContainText('prometheus-scrape');
  });

  test('an unknown token is refused with a clear message next to the field', async ({ page }) => {
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await signInPage.submit('6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21');
    await expect(signInPage.error).toContainText('Nomad does not know this token');
    await expect(page).toHaveURL(/\/sign-in$/);
    // The message is gone on the next visit (it was shown once).
    await page.reload();
    await expect(signInPage.error).toHaveCount(0);
  });

  test('a malformed token is refused without asking Nomad', async ({ page }) => {
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await signInPage.submit('not-a-token');
    await expect(signInPage.error).toContainText('not a Nomad token Secret ID');
  });

  test('an expired token is refused as expired', async ({ page }) => {
    // Upload a token with caller-chosen IDs whose life ended a minute ago.
    const { SecretID: secret } = await createExpiredToken({ Name: `expired-${suffix()}`, Policies: ['oncall-readonly'] });
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await signInPage.submit(secret);
    await expect(signInPage.error).toContainText('expired');
  });

  test('a one-time token link signs in and leaves no secret in the URL', async ({ page }) => {
    const token = await createToken({ Name: `ott-${suffix()}`, Policies: ['oncall-readonly'] });
    const ott = await nomad('PUT', '/v1/acl/token/onetime', undefined, token.SecretID);
    recordSecret(ott.OneTimeToken.OneTimeSecretID);
    await new SignInPage(page).goto(`?ott=${ott.OneTimeToken.OneTimeSecretID}`);
    await expect(new OverviewPage(page).heading).toBeVisible();
    expect(page.url()).not.toContain(ott.OneTimeToken.OneTimeSecretID);
    await expect(new Header(page).tokenName).toHaveText(token.Name);

    // One use only.
    const again = await page.context().browser()!.newContext();
    const p2 = new SignInPage(await again.newPage(), process.env.E2E_BASE_URL);
    await p2.goto(`?ott=${ott.OneTimeToken.OneTimeSecretID}`);
    await expect(p2.error).toContainText('not valid');
    await again.close();
  });

  test('sign-out ends the session; a protected page then asks to sign in and returns there', async ({ page }) => {
    const signInPage = new SignInPage(page);
    const profile = new ProfilePage(page);
    await signIn(page, demoSecret());
    await new Header(page).signOut();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(signInPage.signedOutNotice).toBeVisible();

    await profile.goto();
    await expect(page).toHaveURL(/\/sign-in\?return_to=\/profile$/);
    await signInPage.submit(demoSecret());
    await expect(page).toHaveURL(/\/profile$/);
    await expect(profile.heading).toBeVisible();
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
    const profile = new ProfilePage(page);
    await profile.goto();
    await expect(profile.heading).toBeVisible();
  });

  test('no Secret ID in any page until the user reveals it', async ({ page }) => {
    const secret = demoSecret();
    await signIn(page, secret);
    for (const path of ['/', '/profile', '/tokens', '/roles', '/policies', '/auth-methods', '/binding-rules']) {
      const res = await page.goto(path);
      expect(await res!.text(), path).not.toContain(secret);
      expect(await page.content(), path).not.toContain(secret);
    }
    const profile = new ProfilePage(page);
    await profile.goto();
    await hydrated(page);
    await profile.reveal();
    await expect(profile.revealedSecret).toHaveText(secret);
  });
});

test.describe('non-management tokens', () => {
  test('see what they may, and where their permissions come from', async ({ page }) => {
    const roleName = 'payments-developer';
    const token = await createToken({ Name: `dev-${suffix()}`, Policies: ['oncall-readonly'], Roles: [{ Name: roleName }] });
    const overview = new OverviewPage(page);
    const profile = new ProfilePage(page);
    await signIn(page, token.SecretID);
    await expect(new Header(page).tokenType).toHaveText('client');
    await expect(overview.count('tokens')).toHaveText('—');
    await expect(overview.healthNeedsManagement).toBeVisible();

    await profile.goto();
    await expect(profile.name).toHaveText(token.Name);
    const role = await nomad('GET', `/v1/acl/role/name/${roleName}`);
    await expect(page.getByText(roleName, { exact: false }).first()).toBeVisible();
    for (const p of role.Policies) {
      await expect(profile.policyRules(p.Name)).toBeVisible();
    }
    const direct = await nomad('GET', '/v1/acl/policy/oncall-readonly');
    await expect(profile.policyRules('oncall-readonly')).toHaveText(direct.Rules);
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
    const profile = new ProfilePage(page);
    await signIn(page, token.SecretID);
    await profile.goto();
    await expect(profile.name).toHaveText(`token ${evil}`);
    await expect(profile.policyRules(name)).toContainText('<script>window.__pwned=2</script>');
    await expect(page.getByText(`desc ${evil}`)).toBeVisible();
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  });
});

test.describe('bootstrap', () => {
  test('a fresh cluster is bootstrapped from the sign-in page, once', async ({ page }) => {
    const devNomad = await startDevNomad();
    const console_ = await startConsole(['serve', '--address', devNomad.addr]);
    try {
      const signInPage = new SignInPage(page, console_.url);
      await signInPage.goto();
      const bootstrapped = new BootstrappedPage(page);
      await signInPage.bootstrap();
      await expect(bootstrapped.heading).toBeVisible();
      const secret = (await bootstrapped.secret.textContent())!;
      recordSecret(secret);
      expect(secret).toMatch(/^[0-9a-f-]{36}$/);
      await expect(bootstrapped.warning).toContainText('will not be shown again');
      // Shown once: a reload does not show it again.
      await page.reload();
      await expect(bootstrapped.nothingToShow).toBeVisible();
      // Signed in with the new management token.
      await new OverviewPage(page, console_.url).goto();
      await expect(new Header(page).tokenName).toHaveText('Bootstrap Token');

      const other = await page.context().browser()!.newContext();
      const p2 = new SignInPage(await other.newPage(), console_.url);
      await p2.goto();
      await p2.bootstrap();
      await expect(p2.error).toContainText('already bootstrapped');
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
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
  }
});

test.describe('toasts', () => {
  test('copying the accessor puts it on the clipboard and says so', async ({ browser }) => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const profile = new ProfilePage(page);
    const toasts = new Header(page).toasts;
    await signIn(page, demoSecret());
    await profile.goto();
    await hydrated(page);
    const accessor = (await profile.accessor.textContent())!;
    await profile.copyAccessor();
    await expect(toasts).toContainText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(accessor);
    await expect(toasts).not.toContainText('Copied', { timeout: 8_000 });
    await context.close();
  });
});
