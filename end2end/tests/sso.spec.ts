import { test, expect, Page } from '@playwright/test';
import { nomad, recordSecret } from '../support/nomad';
import { DemoIdentityProvider } from '../pages/demoIdentityProvider';
import { Header } from '../pages/header';
import { hydrated } from '../pages/hydrated';
import { ProfilePage } from '../pages/profilePage';
import { SignInPage } from '../pages/signInPage';

// Single sign-on end to end, in Chromium: the console's sign-in page, the demo
// identity provider that `demo` mode runs on loopback (its own origin), and back on
// the console with a token made by the `demo-sso` method's binding rules.

/** Console messages about a Content Security Policy (e.g. a blocked form target). */
function cspReports(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|form-action/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

/** From the sign-in page to the provider's page: returns the provider. */
async function toProvider(page: Page, consoleOrigin: string): Promise<DemoIdentityProvider> {
  await new SignInPage(page).continueWith('demo-sso');
  const idp = new DemoIdentityProvider(page);
  await expect(idp.heading).toBeVisible();
  const provider = new URL(page.url());
  expect(provider.origin).not.toBe(consoleOrigin);
  expect(provider.pathname).toBe('/authorize');
  // Nomad asked for the code flow with PKCE and this console's callback.
  expect(provider.searchParams.get('code_challenge_method')).toBe('S256');
  expect(provider.searchParams.get('redirect_uri')).toBe(`${consoleOrigin}/sign-in/oidc/callback`);
  return idp;
}

/** The token the session holds, read from Nomad, so the run's log check covers its secret. */
async function recordSessionSecret(page: Page) {
  const accessor = (await new ProfilePage(page).accessor.textContent())!.trim();
  const token = await nomad('GET', `/v1/acl/token/${accessor}`);
  recordSecret(token.SecretID);
  return token;
}

test.describe('single sign-on through the demo identity provider', () => {
  test('Carol signs in and holds the role and policy her groups bind to', async ({ page, baseURL }) => {
    const csp = cspReports(page);
    const origin = new URL(baseURL!).origin;
    await new SignInPage(page).goto('?return_to=%2Fprofile');
    await hydrated(page);
    const idp = await toProvider(page, origin);
    await expect(idp.user('carol')).toContainText('payments-engineers');
    await idp.signInAs('carol');

    // Back on the console, signed in, where the sign-in started to go.
    await expect(page).toHaveURL(`${origin}/profile`);
    await expect(new ProfilePage(page).name).toHaveText('OIDC-carol');
    const main = page.locator('main');
    await expect(main).toContainText('team-payments-dev');
    await expect(main).toContainText('ops-oncall');
    const token = await recordSessionSecret(page);
    expect(token.Name).toBe('OIDC-carol');
    expect(token.Type).toBe('client');
    expect(token.Policies).toEqual(['team-payments-dev']);
    expect(token.Roles.map((r: { Name: string }) => r.Name)).toEqual(['ops-oncall']);
    // Neither the code nor the secret ever was in the console's URL.
    expect(page.url()).not.toContain('code=');
    expect(csp).toEqual([]);
  });

  test('Alice, a platform admin, gets a management token', async ({ page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    await new SignInPage(page).goto('?return_to=%2Fprofile');
    const idp = await toProvider(page, origin);
    await idp.signInAs('alice');
    await expect(page).toHaveURL(`${origin}/profile`);
    await expect(new ProfilePage(page).name).toHaveText('OIDC-alice');
    await expect(new Header(page).tokenType).toHaveText('management');
    expect((await recordSessionSecret(page)).Type).toBe('management');
  });

  test('without JavaScript too: Bob gets the ops-oncall role', async ({ browser, baseURL }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const csp = cspReports(page);
    const origin = new URL(baseURL!).origin;
    await new SignInPage(page).goto('?return_to=%2Fprofile');
    const idp = await toProvider(page, origin);
    await idp.signInAs('bob');
    await expect(page).toHaveURL(`${origin}/profile`);
    await expect(new ProfilePage(page).name).toHaveText('OIDC-bob');
    await expect(page.locator('main')).toContainText('ops-oncall');
    const token = await recordSessionSecret(page);
    expect(token.Policies ?? []).toEqual([]);
    expect(token.Roles.map((r: { Name: string }) => r.Name)).toEqual(['ops-oncall']);
    expect(csp).toEqual([]);
    await context.close();
  });

  test('Dave matches no binding rule: Nomad refuses, and the sign-in page says so', async ({ page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    const idp = await toProvider(page, origin);
    await idp.signInAs('dave');
    await expect(page).toHaveURL(`${origin}/sign-in`);
    await expect(signInPage.ssoError).toHaveText(
      'Nomad refused the sign-in with demo-sso: no role or policy bindings matched',
    );
    await expect(signInPage.secretId).toBeVisible();
  });

  test('cancelled at the provider: a fixed sentence, not the provider\'s text', async ({ page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    const idp = await toProvider(page, origin);
    await idp.cancel();
    await expect(page).toHaveURL(`${origin}/sign-in`);
    await expect(signInPage.ssoError).toHaveText(
      'The identity provider did not sign you in. Try again, or ask your administrator to check the auth method.',
    );
    await expect(signInPage.ssoError).not.toContainText('cancelled');
  });
});
