import { test, expect } from '@playwright/test';
import { startConsole, startDevNomad } from '../support/console';
import { seriousAxeViolations } from '../support/accessibility';
import { expectTextNotMarkup } from '../support/markup';
import {
  bootstrap,
  createExpiredToken,
  createPolicy as createNomadPolicy,
  createRole,
  createToken,
  demoSecret,
  getOrNull,
  nomad,
  suffix,
} from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { OverviewPage } from '../pages/overviewPage';
import { RoleEditor } from '../pages/roleEditor';
import { RolePage } from '../pages/rolePage';
import { RolesListPage } from '../pages/rolesListPage';
import { signIn } from '../pages/signInPage';
import { TokensListPage } from '../pages/tokensListPage';

// Other specs run at the same time against the same demo: every assertion is
// about objects this spec created, found through unique names.

const createPolicy = (name: string) => createNomadPolicy(name, 'node { policy = "read" }', `about ${name}`);
const roleByName = (name: string) => getOrNull(`/v1/acl/role/name/${name}`);

test.describe('roles', () => {
  test('create, rename (its tokens show the new name) and delete with a confirmation naming its tokens', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-rp-${s}`;
    const name = `e2e-role-${s}`;
    const renamed = `e2e-renamed-${s}`;
    await createPolicy(policy);
    const editor = new RoleEditor(page);
    const rolePage = new RolePage(page);
    const list = new RolesListPage(page);
    await signIn(page, demoSecret());

    await editor.gotoNew();
    await hydrated(page);
    await editor.name.fill(name);
    await editor.description.fill('On-call engineers');
    await editor.pick(policy);
    await expect(editor.picker).toContainText(`1 selected: ${policy}`);
    await editor.create();
    await expect(page).toHaveURL(/\/roles\/[0-9a-f-]{36}\?saved=1$/);
    await expect(rolePage.savedNotice).toBeVisible();
    await expect(rolePage.name).toHaveText(name);
    await expect(rolePage.description).toHaveText('On-call engineers');
    await expect(rolePage.policies.getByRole('link', { name: policy })).toHaveAttribute('href', `/policies/${policy}`);
    await expect(rolePage.cli).toHaveText(
      `nomad acl role create -name=${name} -description='On-call engineers' -policy=${policy}`,
    );
    await expect(rolePage.noTokens).toBeVisible();
    const stored = await roleByName(name);
    expect(stored.Description).toBe('On-call engineers');
    expect(stored.Policies).toEqual([{ Name: policy }]);
    await expect(rolePage.id).toHaveText(stored.ID);

    const token = await createToken({ Name: `e2e-rt-${s}`, Roles: [{ ID: stored.ID }] });
    await page.reload();
    await expect(rolePage.tokens.getByRole('link', { name: `e2e-rt-${s}` })).toHaveAttribute('href', `/tokens/${token.AccessorID}`);

    await rolePage.edit();
    await expect(page).toHaveURL(new RegExp(`/roles/${stored.ID}/edit$`));
    await hydrated(page);
    await expect(editor.policyCheckbox(policy)).toBeChecked();
    await editor.name.fill(renamed);
    await editor.save();
    await expect(page).toHaveURL(new RegExp(`/roles/${stored.ID}\\?saved=1$`));
    await expect(rolePage.name).toHaveText(renamed);
    expect((await nomad('GET', `/v1/acl/role/${stored.ID}`)).Name).toBe(renamed);

    const tokens = new TokensListPage(page);
    await tokens.goto(`?search=e2e-rt-${s}`);
    const tokenRow = tokens.row(token.AccessorID);
    await expect(tokenRow.getByRole('link', { name: renamed })).toHaveAttribute('href', `/roles/${stored.ID}`);
    await expect(tokenRow).not.toContainText(name);

    await list.goto(`?search=${renamed}`);
    await expect(list.cell(renamed, 3)).toHaveText('1');
    await list.startDelete(renamed);
    await expect(page).toHaveURL(new RegExp(`/roles/${stored.ID}\\?delete=1#delete$`));
    const panel = rolePage.deletePanel;
    await expect(panel).toHaveAttribute('open', '');
    await expect(panel.getByTestId('delete-tokens')).toContainText(`e2e-rt-${s}`);
    await expect(panel.getByTestId('delete-tokens')).toContainText(token.AccessorID);
    await hydrated(page);
    await rolePage.confirmDelete(renamed);
    await expect(page).toHaveURL(new RegExp(`/roles\\?deleted=${renamed}$`));
    await expect(list.deletedNotice).toHaveText(`The role ${renamed} was deleted.`);
    expect(await roleByName(renamed)).toBeNull();
    await expect(list.table).not.toContainText(renamed);
    await nomad('DELETE', `/v1/acl/token/${token.AccessorID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('each field is checked as you type, with Nomad\'s own messages', async ({ page }) => {
    const policy = `e2e-rv-${suffix()}`;
    await createPolicy(policy);
    const editor = new RoleEditor(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await hydrated(page);
    const name = editor.name;
    await name.fill('bad name');
    await expect(editor.nameError).toHaveText("invalid name 'bad name'");
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await name.fill('good-name');
    await expect(editor.nameError).toHaveText('');
    await expect(name).toHaveAttribute('aria-invalid', 'false');

    await editor.description.fill('d'.repeat(257));
    await expect(editor.descriptionError).toHaveText('description longer than 256');
    await expect(page.getByText('257 of 256 characters')).toBeVisible();
    await editor.description.fill('d'.repeat(256));
    await expect(editor.descriptionError).toHaveText('');

    await expect(editor.policiesError).toHaveText('');
    // Hidden until a search finds nothing (a `hidden` attribute: the CSP blocks inline styles).
    await expect(editor.noPolicyMatches).toBeHidden();
    await editor.pick(policy);
    await editor.policyCheckbox(policy).uncheck();
    await expect(editor.policiesError).toHaveText('at least one policy should be specified');

    // The search box filters the picker.
    await editor.pickerSearch.fill(`nothing-${suffix()}`);
    await expect(editor.policy(policy)).toBeHidden();
    await expect(editor.noPolicyMatches).toBeVisible();
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test("Nomad's refusals show at their field: a taken name, a policy deleted meanwhile, a rename onto a taken name", async ({ page }) => {
    const s = suffix();
    const policy = `e2e-rr-${s}`;
    const gone = `e2e-rgone-${s}`;
    const taken = `e2e-taken-${s}`;
    await createPolicy(policy);
    await createPolicy(gone);
    const existing = await createRole(taken, [policy], '');
    const editor = new RoleEditor(page);
    await signIn(page, demoSecret());

    await editor.gotoNew();
    await hydrated(page);
    await editor.name.fill(taken);
    await editor.pick(policy);
    await editor.create();
    await expect(editor.nameServerError).toHaveText(`role with name ${taken} already exists`);
    await expect(page).toHaveURL(/\/roles\/new$/);

    const fresh = `e2e-fresh-${s}`;
    await editor.name.fill(fresh);
    await editor.pick(gone);
    await nomad('DELETE', `/v1/acl/policy/${gone}`);
    await editor.create();
    await expect(editor.policiesServerError).toHaveText(`cannot find policy ${gone}`);
    expect(await roleByName(fresh)).toBeNull();

    // Renaming onto a taken name: Nomad answers 500 with its text, still shown at the name.
    const other = await createRole(`e2e-other-${s}`, [policy], '');
    await editor.gotoEdit(other.ID);
    await hydrated(page);
    await editor.name.fill(taken);
    await editor.save();
    await expect(editor.nameServerError).toHaveText(`ACL role with name ${taken} already exists`);
    expect((await nomad('GET', `/v1/acl/role/${other.ID}`)).Name).toBe(`e2e-other-${s}`);
    await nomad('DELETE', `/v1/acl/role/${other.ID}`);
    await nomad('DELETE', `/v1/acl/role/${existing.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('a deleted policy is marked on the role, not linked, in the list, the detail page and the editor', async ({ page }) => {
    const s = suffix();
    const kept = `e2e-kept-${s}`;
    const gone = `e2e-dp-${s}`;
    const name = `e2e-dangling-${s}`;
    await createPolicy(kept);
    await createPolicy(gone);
    const role = await createRole(name, [kept, gone], '');
    await nomad('DELETE', `/v1/acl/policy/${gone}`);
    const list = new RolesListPage(page);
    const rolePage = new RolePage(page);
    const editor = new RoleEditor(page);
    await signIn(page, demoSecret());

    await list.goto(`?search=${name}`);
    const row = list.row(name);
    await expect(row.getByRole('link', { name: kept })).toBeVisible();
    await expect(list.deletedPolicy(name, gone)).toContainText('(deleted)');
    await expect(list.deletedPolicy(name, gone)).toHaveAttribute('title', /deleted/);
    await expect(row.getByRole('link', { name: gone })).toHaveCount(0);

    await rolePage.goto(role.ID);
    await expect(rolePage.deletedPolicy(gone)).toBeVisible();
    await expect(rolePage.deletedPoliciesNote).toBeVisible();

    await editor.gotoEdit(role.ID);
    await expect(editor.policy(gone)).toContainText('deleted');
    await expect(editor.policyCheckbox(gone)).toBeChecked();
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${kept}`);
  });

  test('?unused=1 keeps only the roles no token carries; counts show expired tokens', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-ru-${s}`;
    await createPolicy(policy);
    const used = await createRole(`e2e-used-${s}`, [policy], '');
    const idle = await createRole(`e2e-idle-${s}`, [policy], '');
    const live = await createToken({ Name: `e2e-live-${s}`, Roles: [{ ID: used.ID }] });
    const { AccessorID: expiredAccessor } = await createExpiredToken({ Name: `e2e-old-${s}`, Roles: [{ ID: used.ID }] });
    const list = new RolesListPage(page);
    await signIn(page, demoSecret());

    await list.goto(`?search=${s}`);
    await expect(list.rows).toHaveCount(2);
    await expect(list.cell(`e2e-used-${s}`, 3)).toHaveText('2');
    await expect(list.cell(`e2e-used-${s}`, 4)).toHaveText('1 expired');
    await expect(list.cell(`e2e-idle-${s}`, 3)).toHaveText('0');

    await list.goto(`?unused=1&search=${s}`);
    await expect(list.rows).toHaveCount(1);
    await expect(list.row(`e2e-idle-${s}`)).toBeVisible();
    await expect(list.unusedOnly).toBeChecked();

    // The overview's link lands on the same filter.
    const overview = new OverviewPage(page);
    await overview.goto();
    await overview.unusedRolesLink.click();
    await expect(page).toHaveURL(/\/roles\?unused=1$/);
    await expect(list.row(`e2e-idle-${s}`)).toBeVisible();
    await expect(list.row(`e2e-used-${s}`)).toHaveCount(0);

    await nomad('DELETE', `/v1/acl/token/${live.AccessorID}`);
    await nomad('DELETE', `/v1/acl/token/${expiredAccessor}`);
    await nomad('DELETE', `/v1/acl/role/${used.ID}`);
    await nomad('DELETE', `/v1/acl/role/${idle.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('without JavaScript: a refused create comes back with the draft and the error at the field, then the create succeeds', async ({ browser }) => {
    const s = suffix();
    const a = `e2e-nja-${s}`;
    const b = `e2e-njb-${s}`;
    const name = `e2e-nojs-${s}`;
    await createPolicy(a);
    await createPolicy(b);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const editor = new RoleEditor(page);
    const rolePage = new RolePage(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await editor.name.fill('bad name');
    await editor.description.fill('made without JavaScript');
    await editor.policyCheckbox(a).check();
    await editor.policyCheckbox(b).check();
    await editor.create();
    await expect(page).toHaveURL(/\/roles\/new\?/);
    await expect(editor.nameServerError).toHaveText("invalid name 'bad name'");
    await expect(editor.name).toHaveValue('bad name');
    await expect(editor.description).toHaveValue('made without JavaScript');
    await expect(editor.policyCheckbox(a)).toBeChecked();
    await expect(editor.policyCheckbox(b)).toBeChecked();

    await editor.name.fill(name);
    await editor.create();
    await expect(page).toHaveURL(/\/roles\/[0-9a-f-]{36}\?saved=1$/);
    await expect(rolePage.name).toHaveText(name);
    const stored = await roleByName(name);
    expect(stored.Policies.map((p: any) => p.Name).sort()).toEqual([a, b].sort());
    expect(stored.Description).toBe('made without JavaScript');

    // Delete, still without JavaScript: the confirmation is a plain form.
    await rolePage.goto(stored.ID, '?delete=1');
    await rolePage.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/roles\\?deleted=${name}$`));
    expect(await roleByName(name)).toBeNull();
    await context.close();
    await nomad('DELETE', `/v1/acl/policy/${a}`);
    await nomad('DELETE', `/v1/acl/policy/${b}`);
  });

  test('user text shows as text, never as HTML', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-rh-${s}`;
    await createPolicy(policy);
    const description = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const role = await createRole(`e2e-html-${s}`, [policy], description);
    const rolePage = new RolePage(page);
    await signIn(page, demoSecret());
    const pages = [`/roles?search=e2e-html-${s}`, `/roles/${role.ID}`, `/roles/${role.ID}/edit`];
    await expectTextNotMarkup(page, pages, 'main b, main img');
    await rolePage.goto(role.ID);
    await expect(rolePage.description).toHaveText(description);
    await expect(rolePage.cli).toContainText(`-description='${description}'`);
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('on a cluster without policies, the editor says a policy is needed and links to creating one', async ({ page }) => {
    const devNomad = await startDevNomad();
    const console_ = await startConsole(['serve', '--address', devNomad.addr]);
    try {
      // Not recorded for the log check: that reads the shared demo console's logs, not this one's.
      const token = await bootstrap(devNomad.addr);
      const list = new RolesListPage(page, console_.url);
      const editor = new RoleEditor(page, console_.url);
      await signIn(page, token.SecretID, console_.url);
      await list.goto();
      await expect(list.empty).toContainText('No roles yet');
      await editor.gotoNew();
      await expect(editor.noPolicies).toContainText('No policy exists yet');
      await expect(editor.noPolicies.getByRole('link', { name: 'Create a policy' })).toHaveAttribute('href', '/policies/new');
      await expect(editor.createButton).toBeDisabled();
    } finally {
      await console_.stop();
      await devNomad.stop();
    }
  });

  for (const path of ['/roles', '/roles/new', '/roles/ID', '/roles/ID/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const s = suffix();
      await createPolicy(`e2e-axe-${s}`);
      const role = await createRole(`e2e-axe-${s}`, [`e2e-axe-${s}`], 'axe');
      await signIn(page, demoSecret());
      await page.goto(path.replace('ID', role.ID));
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await nomad('DELETE', `/v1/acl/role/${role.ID}`);
      await nomad('DELETE', `/v1/acl/policy/${`e2e-axe-${s}`}`);
    });
  }
});

test('a save over a change made elsewhere is not written until the user chooses to overwrite it', async ({ page }) => {
  const s = suffix();
  const policy = `e2e-conflict-p-${s}`;
  await createNomadPolicy(policy);
  const role = await createRole(`e2e-conflict-${s}`, [policy], 'as first made');
  await signIn(page, demoSecret());
  const editor = new RoleEditor(page);
  await editor.gotoEdit(role.ID);
  await hydrated(page);
  // Someone else (the CLI, Terraform) changes the role while the editor is open.
  await nomad('POST', `/v1/acl/role/${role.ID}`, { ID: role.ID, Name: role.Name, Description: 'changed by the CLI', Policies: [{ Name: policy }] });
  await editor.description.fill('changed in the console');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('changed elsewhere');
  await expect(editor.refusal.panel).toContainText('Its description now differs from yours');
  expect((await nomad('GET', `/v1/acl/role/${role.ID}`)).Description).toBe('changed by the CLI');

  await editor.refusal.overwrite.check();
  await editor.save();
  await expect(page).toHaveURL(new RegExp(`/roles/${role.ID}\\?saved=1$`));
  expect((await nomad('GET', `/v1/acl/role/${role.ID}`)).Description).toBe('changed in the console');
});
