import { test, expect } from '@playwright/test';
import { bootstrap, recordSecret } from '../support/nomad';
import { startConsole, startDevNomad } from '../support/console';
import { Header } from '../pages/header';
import { OverviewPage } from '../pages/overviewPage';
import { ProfilePage } from '../pages/profilePage';
import { SignInPage } from '../pages/signInPage';

/** Bootstraps the ACL system of a fresh Nomad; its secret is recorded for the log check. */
async function bootstrapped(addr: string): Promise<string> {
  const token = await bootstrap(addr);
  recordSecret(token.SecretID);
  return token.SecretID;
}

test('Nomad going down mid-session gives a clear message, and the console keeps serving', async ({ page }) => {
  // Two processes started and stopped, on a machine that may be busy with other workers.
  test.setTimeout(90_000);
  const nomad = await startDevNomad();
  const console_ = await startConsole(['serve', '--address', nomad.addr, '--connect-timeout', '2s']);
  try {
    const secret = await bootstrapped(nomad.addr);
    const signInPage = new SignInPage(page, console_.url);
    const overview = new OverviewPage(page);
    await signInPage.goto();
    await signInPage.submit(secret);
    await expect(overview.count('tokens')).toHaveText('1');

    await nomad.stop();
    // The message is in the server-rendered HTML: no need to wait for the wasm and other assets.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect(overview.alert).toContainText('Nomad is not answering');
    await expect(overview.alert).toContainText(new RegExp(`cannot reach Nomad at ${nomad.addr}`, 'i'));
    // The frame still works: navigation, profile menu, health check.
    await expect(new Header(page).mainNavigation).toBeVisible();
    expect((await fetch(`${console_.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${console_.url}/readyz`)).status).toBe(503);
  } finally {
    await console_.stop();
    await nomad.stop();
  }
});

test('the session ends when the token expires', async ({ page }) => {
  // A cluster that allows 2-second tokens, so the test need not wait a minute.
  const nomad = await startDevNomad(['--token-min-ttl', '1s']);
  const console_ = await startConsole(['serve', '--address', nomad.addr]);
  try {
    const management = await bootstrapped(nomad.addr);
    await fetch(`${nomad.addr}/v1/acl/policy/readonly`, {
      method: 'PUT',
      headers: { 'X-Nomad-Token': management },
      body: JSON.stringify({ Name: 'readonly', Rules: 'namespace "default" { policy = "read" }' }),
    });
    const res = await fetch(`${nomad.addr}/v1/acl/token`, {
      method: 'PUT',
      headers: { 'X-Nomad-Token': management },
      body: JSON.stringify({ Name: 'short-lived', Type: 'client', Policies: ['readonly'], ExpirationTTL: '3s' }),
    });
    const token = await res.json();
    recordSecret(token.SecretID);

    const signInPage = new SignInPage(page, console_.url);
    const header = new Header(page);
    await signInPage.goto();
    await signInPage.submit(token.SecretID);
    await expect(header.timeLeft).toHaveText(/^\d+s left$|^0m 0\ds left$|expired/);
    await expect(header.timeLeft).toHaveText('expired', { timeout: 6_000 });
    await new ProfilePage(page, console_.url).goto();
    await expect(page).toHaveURL(/\/sign-in\?return_to=\/profile$/);
    await expect(signInPage.sessionEnded).toContainText('your token expired');
  } finally {
    await console_.stop();
    await nomad.stop();
  }
});
