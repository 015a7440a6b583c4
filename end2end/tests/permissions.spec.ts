import { test, expect } from '@playwright/test';
import { createExpiredToken, createPolicy, createRole, createToken, demoSecret, nomad, suffix } from '../support/nomad';
import { Header } from '../pages/header';
import { ProfilePage } from '../pages/profilePage';
import { signIn } from '../pages/signInPage';
import { TokenPage } from '../pages/tokenPage';
import { TokenPermissionsPage } from '../pages/tokenPermissionsPage';
import { WhoCanPage } from '../pages/whoCanPage';

test.describe('effective permissions', () => {
  // Each test signs in and loads several server-rendered pages (twice without JavaScript).
  test.describe.configure({ timeout: 90_000 });

  test('a token with a direct policy and a role shows both sources; a missing policy is listed', async ({ page }) => {
    const s = suffix();
    const ns = `ns-${s}`;
    await createPolicy(`e2e-direct-${s}`, `namespace "${ns}" {\n  policy = "read"\n}\n`);
    await createPolicy(`e2e-viarole-${s}`, `namespace "${ns}" {\n  capabilities = ["alloc-exec"]\n}\nnode {\n  policy = "read"\n}\n`);
    const r = await createRole(`e2e-ops-${s}`, [`e2e-viarole-${s}`]);
    const token = await createToken({
      Name: `e2e-perm-${s}`,
      Policies: [`e2e-direct-${s}`, `e2e-ghost-${s}`],
      Roles: [{ ID: r.ID }],
    });
    const tokenPage = new TokenPage(page);
    const permissions = new TokenPermissionsPage(page);
    await signIn(page, demoSecret());
    await tokenPage.goto(token.AccessorID);
    await tokenPage.openPermissions();
    await expect(page).toHaveURL(new RegExp(`/tokens/${token.AccessorID}/permissions$`));
    await expect(permissions.name).toHaveText(`e2e-perm-${s}`);
    await expect(permissions.capability(ns, 'read-job')).toContainText(`policy e2e-direct-${s} directly`);
    await expect(permissions.capability(ns, 'alloc-exec')).toContainText(`policy e2e-viarole-${s} via role e2e-ops-${s}`);
    await expect(permissions.capability(ns, 'alloc-exec')).toContainText('granted');
    await expect(permissions.block('node')).toContainText(
      `read from policy e2e-viarole-${s} via role e2e-ops-${s}`,
    );
    await expect(permissions.missingPolicies).toContainText(`e2e-ghost-${s} directly`);
    // Never a secret in the page.
    expect(await page.content()).not.toContain(token.SecretID);
  });

  test('deny wins, and the table shows the denied right with its source', async ({ page }) => {
    const s = suffix();
    const ns = `deny-${s}`;
    await createPolicy(`e2e-writer-${s}`, `namespace "${ns}" {\n  policy = "write"\n}\n`);
    await createPolicy(`e2e-freeze-${s}`, `namespace "${ns}" {\n  policy = "deny"\n}\n`);
    const r = await createRole(`e2e-frozen-${s}`, [`e2e-freeze-${s}`]);
    const token = await createToken({ Name: `e2e-deny-${s}`, Policies: [`e2e-writer-${s}`], Roles: [{ ID: r.ID }] });
    const permissions = new TokenPermissionsPage(page);
    await signIn(page, demoSecret());
    await permissions.goto(token.AccessorID, `?right=submit-job&namespace=${ns}`);
    const deny = permissions.capability(ns, 'deny');
    await expect(deny).toContainText('denied');
    await expect(deny).toContainText(`policy e2e-freeze-${s} via role e2e-frozen-${s}`);
    await expect(permissions.capability(ns, 'submit-job')).toHaveCount(0);
    await expect(permissions.canIt.verdict).toHaveText('No (denied)');
    await expect(permissions.canIt.rule).toHaveText(`namespace "${ns}"`);
    await expect(permissions.canIt.sources).toContainText(`e2e-freeze-${s} via role e2e-frozen-${s}`);
  });

  test('the can-it form answers with the deciding rule, for a glob and an exact namespace, with and without JavaScript', async ({ page, browser }) => {
    const s = suffix();
    await createPolicy(`e2e-team-${s}`, `namespace "team-${s}-*" {\n  policy = "write"\n}\n`);
    await createPolicy(`e2e-prod-${s}`, `namespace "team-${s}-prod" {\n  policy = "read"\n}\n`);
    const token = await createToken({ Name: `e2e-ask-${s}`, Policies: [`e2e-team-${s}`, `e2e-prod-${s}`] });

    // On the profile page, signed in as the token itself.
    const profile = new ProfilePage(page);
    await signIn(page, token.SecretID);
    await profile.goto();
    await profile.canIt.ask('submit-job', `team-${s}-dev`);
    await expect(page).toHaveURL(/\/profile\?right=submit-job&namespace=team-/);
    await expect(profile.canIt.verdict).toHaveText('Yes');
    await expect(profile.canIt.rule).toHaveText(`namespace "team-${s}-*"`);
    await expect(profile.canIt.answer).toContainText('most specific matching pattern');
    await expect(profile.canIt.sources).toContainText(`policy e2e-team-${s} directly`);

    // The exact rule beats the glob; without JavaScript, on the token's page.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const nojs = new TokenPermissionsPage(await context.newPage());
    await signIn(nojs.page, demoSecret());
    await nojs.goto(token.AccessorID);
    await nojs.canIt.ask('submit-job', `team-${s}-prod`);
    await expect(nojs.canIt.verdict).toHaveText('No');
    await expect(nojs.canIt.rule).toHaveText(`namespace "team-${s}-prod"`);
    await expect(nojs.canIt.sources).toContainText(`policy e2e-prod-${s} directly`);
    await context.close();
  });

  test('who-can lists a token, a role and an expired token separately', async ({ page }) => {
    const s = suffix();
    const ns = `wc-${s}`;
    const p = `e2e-nodeexec-${s}`;
    await createPolicy(p, `namespace "${ns}" {\n  capabilities = ["alloc-node-exec"]\n}\n`);
    const r = await createRole(`e2e-wc-role-${s}`, [p]);
    const live = await createToken({ Name: `e2e-wc-live-${s}`, Roles: [{ ID: r.ID }] });
    const other = await createToken({ Name: `e2e-wc-other-${s}`, Policies: ['oncall-readonly'] });
    const { AccessorID: expired } = await createExpiredToken({ Name: `e2e-wc-expired-${s}`, Policies: [p] });
    const self = await nomad('GET', '/v1/acl/token/self');

    const whoCan = new WhoCanPage(page);
    await signIn(page, demoSecret());
    await new Header(page).navigateTo('Who can');
    await expect(page).toHaveURL(/\/who-can$/);
    await whoCan.question.ask('alloc-node-exec', ns);

    const liveRow = whoCan.tokenHolder(live.AccessorID);
    await expect(liveRow).toContainText(`namespace "${ns}"`);
    await expect(liveRow).toContainText(`policy ${p} via role e2e-wc-role-${s}`);
    await expect(whoCan.inTokens(self.AccessorID)).toContainText('management token: all permissions');
    await expect(whoCan.inTokens(other.AccessorID)).toHaveCount(0);
    await expect(whoCan.inTokens(expired)).toHaveCount(0);

    await expect(whoCan.roleHolder(r.ID)).toContainText(`policy ${p}`);
    await expect(whoCan.expiredHolder(expired)).toContainText(`policy ${p} directly`);
    await expect(whoCan.expired).not.toContainText(`e2e-wc-live-${s}`);
    await expect(whoCan.stats).toContainText('Checked');

    // The holder links to its permissions page.
    await liveRow.getByRole('link', { name: `e2e-wc-live-${s}` }).click();
    await expect(page).toHaveURL(new RegExp(`/tokens/${live.AccessorID}/permissions$`));
  });

  test('a management token says all permissions; the profile links to the permissions page', async ({ page }) => {
    const self = await nomad('GET', '/v1/acl/token/self');
    const profile = new ProfilePage(page);
    const permissions = new TokenPermissionsPage(page);
    await signIn(page, demoSecret());
    await profile.goto();
    await expect(profile.allPermissions).toContainText('all permissions');
    await profile.openPermissions();
    await expect(page).toHaveURL(new RegExp(`/tokens/${self.AccessorID}/permissions$`));
    await expect(permissions.allPermissions).toContainText('management token: it has all permissions');
    await permissions.goto(self.AccessorID, '?right=alloc-node-exec&namespace=anything');
    await expect(permissions.canIt.verdict).toHaveText('Yes');
    await expect(permissions.canIt.rule).toHaveText('management token');
  });
});
