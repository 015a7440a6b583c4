import { test, expect, Page } from '@playwright/test';
import { createToken, demoSecret, nomad, recordSecret, signIn, suffix } from '../support/nomad';

async function policy(name: string, rules: string) {
  await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Rules: rules });
}

async function role(name: string, policies: string[]): Promise<any> {
  return nomad('PUT', '/v1/acl/role', { Name: name, Policies: policies.map((p) => ({ Name: p })) });
}

/** Uploads a client token whose life ended a minute ago. */
async function expiredToken(name: string, policies: string[]): Promise<string> {
  const now = Date.now();
  const secret = crypto.randomUUID();
  recordSecret(secret);
  const accessor = crypto.randomUUID();
  await nomad('PUT', `/v1/acl/token/${accessor}`, {
    AccessorID: accessor,
    SecretID: secret,
    Name: name,
    Type: 'client',
    Policies: policies,
    CreateTime: new Date(now - 2 * 3600_000).toISOString(),
    // A minute ago: Nomad collects expired tokens only an hour after they expire.
    ExpirationTime: new Date(now - 60_000).toISOString(),
  });
  return accessor;
}

const nsTable = (page: Page, pattern: string) => page.locator(`[data-testid="ns-table"][data-pattern="${pattern}"]`);
const capRow = (page: Page, pattern: string, cap: string) =>
  nsTable(page, pattern).locator(`[data-testid="capability-row"][data-capability="${cap}"]`);

test.describe('effective permissions', () => {
  // Each test signs in and loads several server-rendered pages (twice without JavaScript).
  test.describe.configure({ timeout: 90_000 });

  test('a token with a direct policy and a role shows both sources; a missing policy is listed', async ({ page }) => {
    const s = suffix();
    const ns = `ns-${s}`;
    await policy(`e2e-direct-${s}`, `namespace "${ns}" {\n  policy = "read"\n}\n`);
    await policy(`e2e-viarole-${s}`, `namespace "${ns}" {\n  capabilities = ["alloc-exec"]\n}\nnode {\n  policy = "read"\n}\n`);
    const r = await role(`e2e-ops-${s}`, [`e2e-viarole-${s}`]);
    const token = await createToken({
      Name: `e2e-perm-${s}`,
      Policies: [`e2e-direct-${s}`, `e2e-ghost-${s}`],
      Roles: [{ ID: r.ID }],
    });
    await signIn(page, demoSecret());
    await page.goto(`/tokens/${token.AccessorID}`);
    await page.getByRole('link', { name: 'Effective permissions' }).click();
    await expect(page).toHaveURL(new RegExp(`/tokens/${token.AccessorID}/permissions$`));
    await expect(page.getByTestId('permissions-name')).toHaveText(`e2e-perm-${s}`);
    await expect(capRow(page, ns, 'read-job')).toContainText(`policy e2e-direct-${s} directly`);
    await expect(capRow(page, ns, 'alloc-exec')).toContainText(`policy e2e-viarole-${s} via role e2e-ops-${s}`);
    await expect(capRow(page, ns, 'alloc-exec')).toContainText('granted');
    await expect(page.locator('[data-testid="block-row"][data-block="node"]')).toContainText(
      `read from policy e2e-viarole-${s} via role e2e-ops-${s}`,
    );
    await expect(page.getByTestId('missing-policies')).toContainText(`e2e-ghost-${s} directly`);
    // Never a secret in the page.
    expect(await page.content()).not.toContain(token.SecretID);
  });

  test('deny wins, and the table shows the denied right with its source', async ({ page }) => {
    const s = suffix();
    const ns = `deny-${s}`;
    await policy(`e2e-writer-${s}`, `namespace "${ns}" {\n  policy = "write"\n}\n`);
    await policy(`e2e-freeze-${s}`, `namespace "${ns}" {\n  policy = "deny"\n}\n`);
    const r = await role(`e2e-frozen-${s}`, [`e2e-freeze-${s}`]);
    const token = await createToken({ Name: `e2e-deny-${s}`, Policies: [`e2e-writer-${s}`], Roles: [{ ID: r.ID }] });
    await signIn(page, demoSecret());
    await page.goto(`/tokens/${token.AccessorID}/permissions?right=submit-job&namespace=${ns}`);
    const deny = capRow(page, ns, 'deny');
    await expect(deny).toContainText('denied');
    await expect(deny).toContainText(`policy e2e-freeze-${s} via role e2e-frozen-${s}`);
    await expect(capRow(page, ns, 'submit-job')).toHaveCount(0);
    await expect(page.getByTestId('answer-verdict')).toHaveText('No (denied)');
    await expect(page.getByTestId('answer-rule')).toHaveText(`namespace "${ns}"`);
    await expect(page.getByTestId('answer-sources')).toContainText(`e2e-freeze-${s} via role e2e-frozen-${s}`);
  });

  test('the can-it form answers with the deciding rule, for a glob and an exact namespace, with and without JavaScript', async ({ page, browser }) => {
    const s = suffix();
    await policy(`e2e-team-${s}`, `namespace "team-${s}-*" {\n  policy = "write"\n}\n`);
    await policy(`e2e-prod-${s}`, `namespace "team-${s}-prod" {\n  policy = "read"\n}\n`);
    const token = await createToken({ Name: `e2e-ask-${s}`, Policies: [`e2e-team-${s}`, `e2e-prod-${s}`] });

    // On the profile page, signed in as the token itself.
    await signIn(page, token.SecretID);
    await page.goto('/profile');
    await page.getByLabel('Right', { exact: true }).selectOption('submit-job');
    await page.getByLabel('Namespace', { exact: true }).fill(`team-${s}-dev`);
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page).toHaveURL(/\/profile\?right=submit-job&namespace=team-/);
    await expect(page.getByTestId('answer-verdict')).toHaveText('Yes');
    await expect(page.getByTestId('answer-rule')).toHaveText(`namespace "team-${s}-*"`);
    await expect(page.getByTestId('answer')).toContainText('most specific matching pattern');
    await expect(page.getByTestId('answer-sources')).toContainText(`policy e2e-team-${s} directly`);

    // The exact rule beats the glob; without JavaScript, on the token's page.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const nojs = await context.newPage();
    await signIn(nojs, demoSecret());
    await nojs.goto(`/tokens/${token.AccessorID}/permissions`);
    await nojs.getByLabel('Right', { exact: true }).selectOption('submit-job');
    await nojs.getByLabel('Namespace', { exact: true }).fill(`team-${s}-prod`);
    await nojs.getByRole('button', { name: 'Check' }).click();
    await expect(nojs.getByTestId('answer-verdict')).toHaveText('No');
    await expect(nojs.getByTestId('answer-rule')).toHaveText(`namespace "team-${s}-prod"`);
    await expect(nojs.getByTestId('answer-sources')).toContainText(`policy e2e-prod-${s} directly`);
    await context.close();
  });

  test('who-can lists a token, a role and an expired token separately', async ({ page }) => {
    const s = suffix();
    const ns = `wc-${s}`;
    const p = `e2e-nodeexec-${s}`;
    await policy(p, `namespace "${ns}" {\n  capabilities = ["alloc-node-exec"]\n}\n`);
    const r = await role(`e2e-wc-role-${s}`, [p]);
    const live = await createToken({ Name: `e2e-wc-live-${s}`, Roles: [{ ID: r.ID }] });
    const other = await createToken({ Name: `e2e-wc-other-${s}`, Policies: ['oncall-readonly'] });
    const expired = await expiredToken(`e2e-wc-expired-${s}`, [p]);
    const self = await nomad('GET', '/v1/acl/token/self');

    await signIn(page, demoSecret());
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Who can' }).click();
    await expect(page).toHaveURL(/\/who-can$/);
    await page.getByLabel('Right', { exact: true }).selectOption('alloc-node-exec');
    await page.getByLabel('Namespace', { exact: true }).fill(ns);
    await page.getByRole('button', { name: 'Check' }).click();

    const tokens = page.getByTestId('who-tokens');
    const liveRow = tokens.locator(`[data-testid="holder"][data-id="${live.AccessorID}"]`);
    await expect(liveRow).toContainText(`namespace "${ns}"`);
    await expect(liveRow).toContainText(`policy ${p} via role e2e-wc-role-${s}`);
    await expect(tokens.locator(`[data-id="${self.AccessorID}"]`)).toContainText('management token: all permissions');
    await expect(tokens.locator(`[data-id="${other.AccessorID}"]`)).toHaveCount(0);
    await expect(tokens.locator(`[data-id="${expired}"]`)).toHaveCount(0);

    const roleRow = page.getByTestId('who-roles').locator(`[data-testid="holder"][data-id="${r.ID}"]`);
    await expect(roleRow).toContainText(`policy ${p}`);
    const expiredRow = page.getByTestId('who-expired').locator(`[data-testid="holder"][data-id="${expired}"]`);
    await expect(expiredRow).toContainText(`policy ${p} directly`);
    await expect(page.getByTestId('who-expired')).not.toContainText(`e2e-wc-live-${s}`);
    await expect(page.getByTestId('who-can-stats')).toContainText('Checked');

    // The holder links to its permissions page.
    await liveRow.getByRole('link', { name: `e2e-wc-live-${s}` }).click();
    await expect(page).toHaveURL(new RegExp(`/tokens/${live.AccessorID}/permissions$`));
  });

  test('a management token says all permissions; the profile links to the permissions page', async ({ page }) => {
    const self = await nomad('GET', '/v1/acl/token/self');
    await signIn(page, demoSecret());
    await page.goto('/profile');
    await expect(page.getByTestId('all-permissions')).toContainText('all permissions');
    await page.getByTestId('permissions-link').click();
    await expect(page).toHaveURL(new RegExp(`/tokens/${self.AccessorID}/permissions$`));
    await expect(page.getByTestId('all-permissions')).toContainText('management token: it has all permissions');
    await page.goto(`/tokens/${self.AccessorID}/permissions?right=alloc-node-exec&namespace=anything`);
    await expect(page.getByTestId('answer-verdict')).toHaveText('Yes');
    await expect(page.getByTestId('answer-rule')).toHaveText('management token');
  });
});
