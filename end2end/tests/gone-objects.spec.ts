import { test, expect } from '@playwright/test';
import { createPolicy, createRole, createToken, demoSecret, nomad, suffix } from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { NotFoundPage } from '../pages/notFoundPage';
import { OverviewPage } from '../pages/overviewPage';
import { TokenPage } from '../pages/tokenPage';
import { TokensListPage } from '../pages/tokensListPage';
import { Header } from '../pages/header';
import { ProfilePage } from '../pages/profilePage';
import { SignInPage, signIn } from '../pages/signInPage';

// Objects deleted behind the console's back (the CLI, Terraform, another admin).

test.describe('objects gone elsewhere', () => {
  test('a session whose token was deleted elsewhere ends at its next page, says why, and comes back there after signing in', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-ended-p-${s}`;
    await createPolicy(policy, 'node { policy = "read" }');
    const token = await createToken({ Name: `e2e-ended-${s}`, Policies: [policy] });
    await signIn(page, token.SecretID);
    await hydrated(page);
    const header = new Header(page);
    await expect(header.tokenName).toHaveText(`e2e-ended-${s}`);

    await nomad('DELETE', `/v1/acl/token/${token.AccessorID}`);
    // In-app navigation: the page's first call to Nomad meets "ACL token not found".
    await header.mainNavigation.getByRole('link', { name: 'Profile' }).click();
    const signInPage = new SignInPage(page);
    await expect(page).toHaveURL(/\/sign-in\?return_to=%2Fprofile$|\/sign-in\?return_to=\/profile$/);
    await expect(signInPage.error).toContainText('no longer knows its token');
    await expect(page.getByText('Permission denied')).toHaveCount(0);

    // The session is over on the server too: a reload does not bring it back.
    await new ProfilePage(page).goto();
    await expect(page).toHaveURL(/\/sign-in\?return_to=/);

    await signInPage.submit(demoSecret());
    await expect(page).toHaveURL(/\/profile$/);
    await expect(header.tokenName).not.toHaveText(`e2e-ended-${s}`);
  });


  test('a role deleted elsewhere shows struck out and unlinked on the tokens list and the token page, and the overview counts it', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-gone-p-${s}`;
    await createPolicy(policy, 'node { policy = "read" }');
    const gone = await createRole(`e2e-gone-${s}`, [policy]);
    const kept = await createRole(`e2e-kept-${s}`, [policy]);
    const token = await createToken({ Name: `e2e-holder-${s}`, Roles: [{ ID: gone.ID }, { ID: kept.ID }] });
    await nomad('DELETE', `/v1/acl/role/${gone.ID}`);
    await signIn(page, demoSecret());

    const list = new TokensListPage(page);
    await list.goto(`?search=e2e-holder-${s}`);
    await hydrated(page);
    await expect(list.deletedRoles).toHaveCount(1);
    await expect(list.deletedRoles).toContainText('(deleted)');
    await expect(list.roleLink(gone.ID)).toHaveCount(0);
    await expect(list.roleLink(kept.ID)).toHaveCount(1);

    const tokenPage = new TokenPage(page);
    await tokenPage.goto(token.AccessorID);
    await hydrated(page);
    await expect(tokenPage.roles.getByTestId('deleted-role')).toContainText('(deleted)');
    await expect(tokenPage.roles.locator(`a[href="/roles/${kept.ID}"]`)).toBeVisible();

    const overview = new OverviewPage(page);
    await overview.goto();
    await hydrated(page);
    await expect(overview.missingRoles.locator(`code[title="${gone.ID}"]`)).toBeVisible();
  });

  test('a missing object answers 404 and says which is gone, with the way back to its list', async ({ page }) => {
    await signIn(page, demoSecret());
    const res = await page.goto('/roles/00000000-0000-4000-8000-000000000000');
    expect(res?.status()).toBe(404);
    await hydrated(page);
    const missing = new NotFoundPage(page);
    await expect(missing.missingObject).toContainText('The role does not exist');
    await missing.backToList('roles').click();
    await expect(page).toHaveURL(/\/roles$/);
  });
});
