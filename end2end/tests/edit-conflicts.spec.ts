import { test, expect } from '@playwright/test';
import { createJwtMethod, createPolicy, createToken, demoSecret, nomad, suffix } from '../support/nomad';
import { AuthMethodEditor } from '../pages/authMethodEditor';
import { BindingRuleEditor } from '../pages/bindingRuleEditor';
import { hydrated } from '../pages/hydrated';
import { NamespaceEditor } from '../pages/namespaceEditor';
import { PolicyEditor } from '../pages/policyEditor';
import { signIn } from '../pages/signInPage';
import { TokenPage } from '../pages/tokenPage';

// Someone else (the CLI, Terraform) changes an object while its editor is open: the
// console's save must not write over that change unseen. It says what now differs and
// writes only once the user ticks "Overwrite the other change".

test('a policy changed elsewhere is not overwritten until the user chooses to', async ({ page }) => {
  const name = `e2e-conflict-policy-${suffix()}`;
  await createPolicy(name, 'node { policy = "read" }', 'as first made');
  await signIn(page, demoSecret());
  const editor = new PolicyEditor(page);
  await editor.gotoEdit(name);
  await hydrated(page);
  await createPolicy(name, 'node { policy = "write" }', 'as first made');
  await editor.description.fill('changed in the console');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('this policy was changed elsewhere');
  await expect(editor.refusal.panel).toContainText('Its description and rules now differ from yours');
  expect((await nomad('GET', `/v1/acl/policy/${name}`)).Rules).toBe('node { policy = "write" }');

  await editor.refusal.overwrite.check();
  await editor.save();
  await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
  expect((await nomad('GET', `/v1/acl/policy/${name}`)).Description).toBe('changed in the console');
  await nomad('DELETE', `/v1/acl/policy/${name}`);
});

test('without JavaScript a policy changed elsewhere is not overwritten either, not even by a second save', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const name = `e2e-conflict-nojs-${suffix()}`;
  await createPolicy(name, 'node { policy = "read" }', 'as first made');
  await signIn(page, demoSecret());
  const editor = new PolicyEditor(page);
  await editor.gotoEdit(name);
  await createPolicy(name, 'node { policy = "read" }', 'changed by the CLI');
  await editor.rules.fill('node { policy = "deny" }');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('this policy was changed elsewhere');
  expect((await nomad('GET', `/v1/acl/policy/${name}`)).Rules).toBe('node { policy = "read" }');
  // The draft came back; saving it again without the tick is refused again.
  await expect(editor.rules).toHaveValue('node { policy = "deny" }');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('this policy was changed elsewhere');
  expect((await nomad('GET', `/v1/acl/policy/${name}`)).Rules).toBe('node { policy = "read" }');
  // Ticked: written on purpose.
  await editor.refusal.overwrite.check();
  await editor.save();
  await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
  expect((await nomad('GET', `/v1/acl/policy/${name}`)).Rules).toBe('node { policy = "deny" }');
  await nomad('DELETE', `/v1/acl/policy/${name}`);
  await context.close();
});

test('a token changed elsewhere is not overwritten until the user chooses to', async ({ page }) => {
  const policy = `e2e-conflict-tp-${suffix()}`;
  await createPolicy(policy, 'node { policy = "read" }');
  const token = await createToken({ Name: `e2e-conflict-token-${suffix()}`, Type: 'client', Policies: [policy] });
  await signIn(page, demoSecret());
  const tokenPage = new TokenPage(page);
  await tokenPage.goto(token.AccessorID);
  await hydrated(page);
  await nomad('POST', `/v1/acl/token/${token.AccessorID}`, { ...token, Name: 'renamed by the CLI' });
  await tokenPage.name.fill('renamed in the console');
  await tokenPage.save();
  await expect(tokenPage.refusal.panel).toContainText('this token was changed elsewhere');
  await expect(tokenPage.refusal.panel).toContainText('Its name now differs from yours');
  expect((await nomad('GET', `/v1/acl/token/${token.AccessorID}`)).Name).toBe('renamed by the CLI');

  await tokenPage.refusal.overwrite.check();
  await tokenPage.save();
  await expect(page).toHaveURL(/\?saved=\d+$/);
  expect((await nomad('GET', `/v1/acl/token/${token.AccessorID}`)).Name).toBe('renamed in the console');
  await nomad('DELETE', `/v1/acl/token/${token.AccessorID}`);
  await nomad('DELETE', `/v1/acl/policy/${policy}`);
});

test('a namespace changed elsewhere is not overwritten until the user chooses to', async ({ page }) => {
  const name = `e2e-conflict-ns-${suffix()}`;
  await nomad('PUT', `/v1/namespace/${name}`, { Name: name, Description: 'as first made' });
  await signIn(page, demoSecret());
  const editor = new NamespaceEditor(page);
  await editor.gotoEdit(name);
  await hydrated(page);
  await nomad('PUT', `/v1/namespace/${name}`, { Name: name, Description: 'as first made', Meta: { owner: 'cli' } });
  await editor.description.fill('changed in the console');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('this namespace was changed elsewhere');
  await expect(editor.refusal.panel).toContainText('Its description and meta now differ from yours');
  expect((await nomad('GET', `/v1/namespace/${name}`)).Meta).toEqual({ owner: 'cli' });

  await editor.refusal.overwrite.check();
  await editor.save();
  await expect(page).toHaveURL(new RegExp(`/namespaces/${name}\\?saved=1$`));
  const stored = await nomad('GET', `/v1/namespace/${name}`);
  expect(stored.Description).toBe('changed in the console');
  expect(stored.Meta ?? null).toBeNull();
  await nomad('DELETE', `/v1/namespace/${name}`);
});

test('a binding rule changed elsewhere is not overwritten; Reload shows the other change', async ({ page }) => {
  const method = `e2e-conflict-jwt-${suffix()}`;
  await createJwtMethod(method);
  const rule = await nomad('PUT', '/v1/acl/binding-rule', {
    AuthMethod: method, BindType: 'policy', BindName: 'readonly', Description: 'as first made',
  });
  await signIn(page, demoSecret());
  const editor = new BindingRuleEditor(page);
  await editor.gotoEdit(rule.ID);
  await hydrated(page);
  await nomad('POST', `/v1/acl/binding-rule/${rule.ID}`, { ...rule, Description: 'changed by the CLI' });
  await editor.description.fill('changed in the console');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('this binding rule was changed elsewhere');
  await expect(editor.refusal.panel).toContainText('Its description now differs from yours');
  expect((await nomad('GET', `/v1/acl/binding-rule/${rule.ID}`)).Description).toBe('changed by the CLI');

  await editor.refusal.reload.click();
  await expect(page).toHaveURL(new RegExp(`/binding-rules/${rule.ID}/edit$`));
  await expect(editor.description).toHaveValue('changed by the CLI');
  await expect(editor.refusal.panel).toHaveCount(0);
  await nomad('DELETE', `/v1/acl/auth-method/${method}`);
});

test('an auth method changed elsewhere is not overwritten until the user chooses to', async ({ page }) => {
  const name = `e2e-conflict-am-${suffix()}`;
  await createJwtMethod(name);
  await signIn(page, demoSecret());
  const editor = new AuthMethodEditor(page);
  await editor.gotoEdit(name);
  await hydrated(page);
  await nomad('POST', `/v1/acl/auth-method/${name}`, {
    Name: name, Type: 'JWT', TokenLocality: 'local', MaxTokenTTL: '2h0m0s', Config: { JWKSURL: 'https://ci.example/jwks' },
  });
  await editor.boundIssuer.fill('https://issuer.example');
  await editor.save();
  await expect(editor.refusal.panel).toContainText('this auth method was changed elsewhere');
  await expect(editor.refusal.panel).toContainText('max token ttl');
  expect((await nomad('GET', `/v1/acl/auth-method/${name}`)).Config.BoundIssuer ?? []).toEqual([]);

  await editor.refusal.overwrite.check();
  await editor.save();
  await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
  expect((await nomad('GET', `/v1/acl/auth-method/${name}`)).Config.BoundIssuer).toEqual(['https://issuer.example']);
  await nomad('DELETE', `/v1/acl/auth-method/${name}`);
});
