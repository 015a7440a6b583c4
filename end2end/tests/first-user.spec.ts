import { test, expect } from '@playwright/test';
import { createPolicy, createRole, createToken, demoSecret, suffix } from '../support/nomad';
import { Header } from '../pages/header';
import { hydrated } from '../pages/hydrated';
import { PolicyPage } from '../pages/policyPage';
import { signIn } from '../pages/signInPage';

test('sign out is in sight in the header, without opening the token menu', async ({ page }) => {
  await signIn(page, demoSecret());
  await page.goto('/');
  await hydrated(page);
  const header = new Header(page);
  await expect(header.tokenMenu).not.toHaveAttribute('open', '');
  await expect(header.signOutButton).toBeVisible();
  await header.signOut();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a policy's page links the roles and tokens that use it", async ({ page }) => {
  const s = suffix();
  const policy = `e2e-used-${s}`;
  await createPolicy(policy, 'node { policy = "read" }');
  const role = await createRole(`e2e-user-role-${s}`, [policy]);
  const token = await createToken({ Name: `e2e-user-token-${s}`, Policies: [policy] });
  await signIn(page, demoSecret());
  const policyPage = new PolicyPage(page);
  await policyPage.goto(policy);
  await hydrated(page);
  await policyPage.roles.getByRole('link', { name: role.Name }).click();
  await expect(page).toHaveURL(new RegExp(`/roles/${role.ID}$`));
  await policyPage.goto(policy);
  await hydrated(page);
  await policyPage.tokens.getByRole('link', { name: token.Name }).click();
  await expect(page).toHaveURL(new RegExp(`/tokens/${token.AccessorID}$`));
});
