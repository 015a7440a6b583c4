import { test, expect } from '@playwright/test';
import { recordSecret } from '../support/nomad';
import { startConsole, startDevNomad } from '../support/console';

async function bootstrap(addr: string): Promise<string> {
  const res = await fetch(`${addr}/v1/acl/bootstrap`, { method: 'PUT' });
  const token = await res.json();
  recordSecret(token.SecretID);
  return token.SecretID;
}

test('Nomad going down mid-session gives a clear message, and the console keeps serving', async ({ page }) => {
  // Two processes started and stopped, on a machine that may be busy with other workers.
  test.setTimeout(90_000);
  const nomad = await startDevNomad();
  const console_ = await startConsole(['serve', '--address', nomad.addr, '--connect-timeout', '2s']);
  try {
    const secret = await bootstrap(nomad.addr);
    await page.goto(`${console_.url}/sign-in`);
    await page.getByLabel('Secret ID').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('count-tokens')).toHaveText('1');

    await nomad.stop();
    // The message is in the server-rendered HTML: no need to wait for the wasm and other assets.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect(page.getByRole('alert')).toContainText('Nomad is not answering');
    await expect(page.getByRole('alert')).toContainText(new RegExp(`cannot reach Nomad at ${nomad.addr}`, 'i'));
    // The frame still works: navigation, profile menu, health check.
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
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
    const management = await bootstrap(nomad.addr);
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

    await page.goto(`${console_.url}/sign-in`);
    await page.getByLabel('Secret ID').fill(token.SecretID);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('time-left')).toHaveText(/^\d+s left$|^0m 0\ds left$|expired/);
    await expect(page.getByTestId('time-left')).toHaveText('expired', { timeout: 6_000 });
    await page.goto(`${console_.url}/profile`);
    await expect(page).toHaveURL(/\/sign-in\?return_to=\/profile$/);
    await expect(page.getByTestId('session-ended')).toContainText('your token expired');
  } finally {
    await console_.stop();
    await nomad.stop();
  }
});
