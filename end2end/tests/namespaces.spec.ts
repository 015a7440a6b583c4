import { test, expect } from '@playwright/test';
import { createPolicy, demoSecret, nomad, suffix } from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { NamespaceEditor } from '../pages/namespaceEditor';
import { NamespacePage } from '../pages/namespacePage';
import { NamespacesListPage } from '../pages/namespacesListPage';
import { PolicyEditor } from '../pages/policyEditor';
import { PolicyPreview } from '../pages/policyPreview';
import { WhoCanPage } from '../pages/whoCanPage';
import { TokenPermissionsPage } from '../pages/tokenPermissionsPage';
import { OverviewPage } from '../pages/overviewPage';
import { signIn } from '../pages/signInPage';

test.describe('namespaces', () => {
  test('the list shows each namespace with how many tokens and roles reach it', async ({ page }) => {
    await signIn(page, demoSecret());
    const list = new NamespacesListPage(page);
    await list.goto();
    await expect(list.row('default')).toBeVisible();
    await expect(list.row('payments-dev')).toContainText('only docker, exec');
    // The payments-developer role reaches payments-dev (exactly) and search-dev (the *-dev glob).
    await expect(list.roles('payments-dev')).not.toHaveText('0');
    await expect(list.roles('search-dev')).not.toHaveText('0');
  });

  test('a namespace says who can do what in it, with the deciding rule and where it comes from', async ({ page }) => {
    await signIn(page, demoSecret());
    const ns = new NamespacePage(page);
    await ns.goto('search-dev');
    await expect(ns.title).toHaveText('search-dev');
    const role = ns.roleAccess('payments-developer');
    await expect(role).toContainText('namespace "*-dev"');
    await expect(role).toContainText('team-payments-dev');
    const token = ns.tokenAccess('payments-dev-dana');
    await expect(token).toContainText('namespace "*-dev"');
    await expect(token).toContainText('through payments-developer');
    await ns.goto('payments-dev');
    await expect(ns.roleAccess('payments-developer')).toContainText('namespace "payments-dev"');
    await expect(ns.roleAccess('payments-developer')).toContainText('submit-job');
    await expect(ns.policies).toContainText('team-payments-dev');
  });

  test('create, edit and delete a namespace; Nomad\'s rules at the field first', async ({ page }) => {
    const name = `e2e-ns-${suffix()}`;
    const policy = `e2e-ns-p-${suffix()}`;
    await signIn(page, demoSecret());
    const editor = new NamespaceEditor(page);
    await editor.gotoNew();
    await hydrated(page);
    await editor.name.fill('bad name!');
    await expect(editor.errorsOf('namespace-name')).toContainText('invalid name');
    await editor.name.fill(name);
    await expect(editor.errorsOf('namespace-name')).toHaveCount(0);
    // The description's length is checked as typed, with the core's rule and text.
    await editor.description.fill('d'.repeat(257));
    await expect(editor.errorsOf('namespace-description')).toHaveText('description longer than 256');
    await editor.description.fill('<b>made by</b> the e2e suite');
    await expect(editor.errorsOf('namespace-description')).toHaveCount(0);
    await editor.enabledDrivers.fill('docker, exec');
    await editor.meta.fill('owner=e2e');
    await editor.create();
    const ns = new NamespacePage(page);
    await expect(page).toHaveURL(new RegExp(`/namespaces/${name}\\?saved=1$`));
    await expect(ns.description).toHaveText('<b>made by</b> the e2e suite');
    await expect(page.locator('b', { hasText: 'made by' })).toHaveCount(0);
    await expect(ns.meta).toContainText('owner');
    const stored = await nomad('GET', `/v1/namespace/${name}`);
    expect(stored.Capabilities.EnabledTaskDrivers).toEqual(['docker', 'exec']);

    await createPolicy(policy, `namespace "${name}" { policy = "read" }`);
    await editor.gotoEdit(name);
    await hydrated(page);
    await expect(editor.name).toHaveAttribute('readonly', '');
    await editor.description.fill('changed');
    await editor.save();
    await expect(ns.description).toHaveText('changed');
    expect((await nomad('GET', `/v1/namespace/${name}`)).Meta).toEqual({ owner: 'e2e' });

    await ns.goto(name);
    await hydrated(page);
    await ns.openDelete();
    await expect(ns.deletePolicies).toContainText(policy);
    await ns.confirmDelete(name);
    await expect(page).toHaveURL(/\/namespaces\?deleted=/);
    await expect(new NamespacesListPage(page).row(name)).toHaveCount(0);
  });

  test('default cannot be deleted, and the page says so', async ({ page }) => {
    await signIn(page, demoSecret());
    const ns = new NamespacePage(page);
    await ns.goto('default');
    await expect(ns.defaultCannotBeDeleted).toContainText('always exists');
    await expect(ns.deletePanel).toHaveCount(0);
  });

  test('without JavaScript: a refused create comes back with the draft and the error at its field, then succeeds', async ({ browser }) => {
    const name = `e2e-ns-nojs-${suffix()}`;
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    const editor = new NamespaceEditor(page);
    await editor.gotoNew();
    await editor.name.fill(name);
    await editor.meta.fill('not a pair');
    await editor.create();
    await expect(page).toHaveURL(/\/namespaces\/new\?/);
    await expect(editor.errorsOf('namespace-meta')).toContainText('not key=value');
    await expect(editor.name).toHaveValue(name);
    await editor.meta.fill('team=search');
    await editor.create();
    await expect(page).toHaveURL(new RegExp(`/namespaces/${name}\\?saved=1$`));
    expect((await nomad('GET', `/v1/namespace/${name}`)).Meta).toEqual({ team: 'search' });
    await nomad('DELETE', `/v1/namespace/${name}`);
    await context.close();
  });

  test('the list follows a namespace created elsewhere, live', async ({ page }) => {
    const name = `e2e-ns-live-${suffix()}`;
    await signIn(page, demoSecret());
    const list = new NamespacesListPage(page);
    await list.goto();
    await hydrated(page);
    await expect(list.row('default')).toBeVisible();
    await nomad('PUT', `/v1/namespace/${name}`, { Name: name, Description: 'made by the CLI' });
    await expect(list.row(name)).toBeVisible({ timeout: 15_000 });
    await nomad('DELETE', `/v1/namespace/${name}`);
  });

  test('the policy editor says which existing namespaces each rule decides, and warns about a rule that decides none', async ({ page }) => {
    await signIn(page, demoSecret());
    const editor = new PolicyEditor(page);
    const preview = new PolicyPreview(page);
    await editor.gotoNew();
    await hydrated(page);
    await editor.rules.fill('namespace "payments-dev" {\n  policy = "write"\n}\nnamespace "*-dev" {\n  policy = "read"\n}\nnamespace "nowhere-e2e" {\n  policy = "read"\n}\n');
    await expect(preview.decides('*-dev')).toContainText('search-dev');
    await expect(preview.decides('*-dev')).not.toContainText('payments-dev');
    await expect(preview.decides('payments-dev')).toContainText('payments-dev');
    await expect(preview.decidesNone('nowhere-e2e')).toBeVisible();
  });

  test('who-can without a namespace for a namespace right says so at the namespace field', async ({ page }) => {
    await signIn(page, demoSecret());
    const whoCan = new WhoCanPage(page);
    await whoCan.goto('?right=submit-job');
    await expect(whoCan.namespaceError).toContainText('namespace');
    await expect(page.getByText('Something went wrong')).toHaveCount(0);
  });

  test('who-can in every namespace lists only holders allowed in each existing namespace', async ({ page }) => {
    const tokens = (await nomad('GET', '/v1/acl/tokens')) as { Name: string; AccessorID: string; Type: string }[];
    const dana = tokens.find((t) => t.Name === 'payments-dev-dana')!;
    const admin = tokens.find((t) => t.Type === 'management')!;
    await signIn(page, demoSecret());
    const whoCan = new WhoCanPage(page);
    // In payments-dev alone dana may submit jobs; not in every namespace (not in archive).
    await whoCan.goto('?right=submit-job&namespace=payments-dev');
    await expect(whoCan.tokenHolder(dana.AccessorID)).toBeVisible();
    await whoCan.goto('?right=submit-job&every=1');
    await expect(whoCan.everyNamespace).toBeChecked();
    await expect(whoCan.tokenHolder(admin.AccessorID)).toBeVisible();
    await expect(whoCan.inTokens(dana.AccessorID)).toHaveCount(0);
    await expect(whoCan.namespaceError).toHaveCount(0);
  });

  test('the overview counts the namespaces and links them', async ({ page }) => {
    await signIn(page, demoSecret());
    await new OverviewPage(page).goto();
    const card = page.getByRole('region', { name: 'Namespaces' });
    // default and the five demo namespaces, plus any another test has just made.
    await expect(card.getByTestId('count-namespaces')).toHaveText(/^([6-9]|[1-9]\d+)$/);
    await expect(card.getByRole('link', { name: 'Create namespace' })).toBeVisible();
  });

  test('the permissions of a token say what it may do in each existing namespace, and by which rule', async ({ page }) => {
    const tokens = (await nomad('GET', '/v1/acl/tokens')) as { Name: string; AccessorID: string }[];
    const dana = tokens.find((t) => t.Name === 'payments-dev-dana')!;
    await signIn(page, demoSecret());
    const perms = new TokenPermissionsPage(page);
    await perms.goto(dana.AccessorID);
    await expect(perms.matrixCell('payments-dev', 'submit-job')).toHaveAttribute('data-granted', 'true');
    await expect(perms.matrixRow('payments-dev')).toContainText('namespace "payments-dev"');
    await expect(perms.matrixRow('search-dev')).toContainText('namespace "*-dev"');
    await expect(perms.matrixCell('archive', 'submit-job')).toHaveAttribute('data-granted', 'false');
    await expect(perms.matrixCell('payments-dev', 'submit-job')).toContainText('✓');
  });
});
