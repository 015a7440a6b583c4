import { test, expect, Page } from '@playwright/test';
import { seriousAxeViolations } from '../support/accessibility';
import { createJwtMethod, demoSecret, getOrNull, nomad, recordSecret, suffix } from '../support/nomad';
import { AuthMethodEditor } from '../pages/authMethodEditor';
import { AuthMethodPage } from '../pages/authMethodPage';
import { AuthMethodsListPage } from '../pages/authMethodsListPage';
import { hydrated } from '../pages/hydrated';
import { SignInPage, signIn } from '../pages/signInPage';

// Other specs run at the same time against the same demo: every assertion is about
// methods this spec created, found through unique names. The demo's `okta` method is
// the cluster's default and stays untouched.

const methodByName = (name: string) => getOrNull(`/v1/acl/auth-method/${name}`);

/** Every URL the page asks for, to check a secret never travels in one. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}

/** The server-rendered HTML of a path, as the browser context would get it. */
async function html(page: Page, path: string): Promise<string> {
  const res = await page.request.get(path);
  expect(res.ok()).toBeTruthy();
  return res.text();
}

test.describe('auth methods', () => {
  test('OIDC: create, the secret is never shown again, an edit that leaves it empty keeps it, delete names its rules', async ({ page }) => {
    const s = suffix();
    const name = `e2e-oidc-${s}`;
    const secret = `e2e-client-secret-${s}-${suffix()}`;
    recordSecret(secret);
    const urls = recordUrls(page);
    const editor = new AuthMethodEditor(page);
    const method = new AuthMethodPage(page);
    const list = new AuthMethodsListPage(page);
    await signIn(page, demoSecret());

    await editor.gotoNew();
    await hydrated(page);
    await expect(editor.typeChosen).toHaveText('OIDC');
    await editor.name.fill(name);
    await editor.maxTokenTtl.fill('8h');
    await editor.discoveryUrl.fill('https://idp.example.com');
    await editor.clientId.fill('console-client');
    await editor.clientSecret.fill(secret);
    await editor.scopes.fill('email\ngroups');
    await editor.allowedRedirectUris.fill('https://console.example/sign-in/oidc/callback');
    await editor.claimMappings.fill('email=email');
    await editor.listClaimMappings.fill('groups=groups');
    await editor.global.check();
    await editor.create();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    await expect(method.savedNotice).toBeVisible();
    await expect(method.clientSecret).toContainText('Set. Write-only');
    await expect(method.maxTokenTtl).toHaveText('8h0m0s');
    await expect(method.locality).toHaveText('global');
    await expect(method.scopes).toContainText('groups');
    await expect(method.noRules).toBeVisible();
    // This console's callback is not allowed yet: the page says which URL to add.
    const callback = `${process.env.E2E_BASE_URL}/sign-in/oidc/callback`;
    await expect(method.callback).toContainText(`Add ${callback}`);

    const stored = await methodByName(name);
    expect(stored.Type).toBe('OIDC');
    expect(stored.TokenLocality).toBe('global');
    expect(stored.MaxTokenTTL).toBe('8h0m0s');
    expect(stored.Config.OIDCClientSecret).toBe('redacted');
    expect(stored.Config.OIDCScopes).toEqual(['email', 'groups']);
    expect(stored.Config.ClaimMappings).toEqual({ email: 'email' });
    expect(stored.Config.ListClaimMappings).toEqual({ groups: 'groups' });

    // The secret is in no page: not the detail page, not the editor, not the list.
    for (const path of [`/auth-methods/${name}`, `/auth-methods/${name}/edit`, '/auth-methods']) {
      expect(await html(page, path)).not.toContain(secret);
    }
    expect(await page.content()).not.toContain(secret);

    // Edit the TTL only, secret left empty: saved, the secret stays set.
    await method.edit();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}/edit$`));
    await hydrated(page);
    await expect(editor.clientSecret).toHaveValue('');
    await expect(editor.secretState).toContainText('Set — leave empty to keep it');
    await expect(editor.name).toHaveAttribute('readonly', '');
    await expect(editor.consoleCallback).toContainText(callback);
    await editor.maxTokenTtl.fill('2h');
    await editor.save();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    await expect(method.maxTokenTtl).toHaveText('2h0m0s');
    await expect(method.clientSecret).toContainText('Set. Write-only');
    const edited = await methodByName(name);
    expect(edited.MaxTokenTTL).toBe('2h0m0s');
    expect(edited.Config.OIDCClientSecret).toBe('redacted');
    expect(edited.Config.OIDCScopes).toEqual(['email', 'groups']);

    // A provider change without the secret: refused at the secret field (Nomad never returns it).
    await editor.gotoEdit(name);
    await hydrated(page);
    await editor.scopes.fill('email');
    await editor.allowedRedirectUris.fill(`https://console.example/sign-in/oidc/callback\n${callback}`);
    await editor.save();
    await expect(editor.error('client-secret')).toContainText('Nomad never returns the stored client secret');
    expect((await methodByName(name)).Config.OIDCScopes).toEqual(['email', 'groups']);
    const rotated = `e2e-rotated-${s}-${suffix()}`;
    recordSecret(rotated);
    await editor.clientSecret.fill(rotated);
    await editor.save();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    expect((await methodByName(name)).Config.OIDCScopes).toEqual(['email']);
    await expect(method.callback).toContainText(`Ready: ${callback} is an allowed redirect URI.`);
    expect(await html(page, `/auth-methods/${name}/edit`)).not.toContain(rotated);

    // The list shows what decides its tokens.
    await list.goto();
    const row = list.row(name);
    await expect(row).toContainText('OIDC');
    await expect(row).toContainText('global');
    await expect(row).toContainText('2h0m0s');
    await expect(row).toContainText('0 (sign-ins refused)');

    // A binding rule names it: the delete confirmation says so.
    const rule = await nomad('PUT', '/v1/acl/binding-rule', { AuthMethod: name, BindType: 'management', Description: 'e2e' });
    await list.startDelete(name);
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?delete=1#delete$`));
    await expect(method.deleteRules).toContainText('1 binding rule(s) name it');
    await hydrated(page);
    await method.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/auth-methods\\?deleted=${name}$`));
    await expect(list.deletedNotice).toContainText(name);
    expect(await methodByName(name)).toBeNull();
    await nomad('DELETE', `/v1/acl/binding-rule/${rule.ID}`);

    expect(urls.filter((u) => u.includes(secret) || u.includes(rotated))).toEqual([]);
  });

  test('JWT: checked as you type with Nomad\'s texts, refusals at their field, then create, edit and delete', async ({ page }) => {
    const name = `e2e-jwt-${suffix()}`;
    const editor = new AuthMethodEditor(page);
    const method = new AuthMethodPage(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await editor.chooseType('JWT (machine login)');
    await expect(page).toHaveURL(/\/auth-methods\/new\?type=JWT$/);
    await hydrated(page);
    await expect(editor.typeChosen).toHaveText('JWT');

    const nameInput = editor.name;
    await nameInput.fill('bad name');
    await expect(editor.error('name')).toHaveText("invalid name 'bad name'");
    await expect(nameInput).toHaveAttribute('aria-invalid', 'true');
    await nameInput.fill(name);
    await expect(editor.error('name')).toHaveText('');

    await editor.maxTokenTtl.fill('48h');
    await expect(editor.error('max-token-ttl')).toHaveText(
      "invalid MaxTokenTTL value '48h0m0s' (should be between 1m0s and 24h0m0s)",
    );
    await editor.maxTokenTtl.fill('30m');
    await expect(editor.error('max-token-ttl')).toHaveText('');
    await editor.clockSkewLeeway.fill('5 minutes');
    await expect(editor.error('clock-skew-leeway')).toContainText('invalid ClockSkewLeeway: time: ');
    await editor.clockSkewLeeway.fill('30s');
    await editor.claimMappings.fill('repository');
    await expect(editor.error('claim-mappings')).toContainText('line 1 is not claim=name');
    await editor.claimMappings.fill('repository=repo');

    // No key source: the server's check, at the key source.
    await editor.create();
    await expect(editor.error('key-source')).toHaveText(
      'invalid config: JWT auth method requires either OIDCDiscoveryURL, or JWKS URL, or JWTValidationPubKeys set',
    );
    // The default is taken (the demo's okta): Nomad's refusal, at the default checkbox.
    await editor.jwksUrl.fill('https://ci.example/.well-known/jwks');
    await editor.defaultMethod.check();
    await editor.create();
    await expect(editor.error('default')).toHaveText('default method already exists: okta');
    await editor.defaultMethod.uncheck();
    await editor.boundIssuer.fill('https://ci.example');
    await editor.create();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    await expect(method.jwksUrl).toHaveText('https://ci.example/.well-known/jwks');
    await expect(method.claims).toContainText('repository=repo');
    const stored = await methodByName(name);
    expect(stored.Type).toBe('JWT');
    expect(stored.MaxTokenTTL).toBe('30m0s');
    expect(stored.Default).toBe(false);
    expect(stored.Config.ClockSkewLeeway).toBe('30s');
    expect(stored.Config.BoundIssuer).toEqual(['https://ci.example']);
    expect(stored.Config.ClaimMappings).toEqual({ repository: 'repo' });

    // A method of the same name is not overwritten.
    await editor.gotoNew('?type=JWT');
    await hydrated(page);
    await editor.name.fill(name);
    await editor.jwksUrl.fill('https://other.example/jwks');
    await editor.create();
    await expect(editor.error('name')).toHaveText(`an auth method named ${name} already exists`);
    expect((await methodByName(name)).Config.JWKSURL).toBe('https://ci.example/.well-known/jwks');

    await editor.gotoEdit(name);
    await hydrated(page);
    await editor.boundAudiences.fill('nomad');
    await editor.save();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    expect((await methodByName(name)).Config.BoundAudiences).toEqual(['nomad']);

    await method.goto(name, '?delete=1');
    await expect(method.deleteRules).toHaveText('No binding rule names it.');
    await hydrated(page);
    await method.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/auth-methods\\?deleted=${name}$`));
    expect(await methodByName(name)).toBeNull();
  });

  test('without JavaScript: a refused create comes back with the draft (never the secret) and the errors at their fields', async ({ browser }) => {
    const name = `e2e-nojs-${suffix()}`;
    const secret = `e2e-nojs-secret-${suffix()}-${suffix()}`;
    recordSecret(secret);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const urls = recordUrls(page);
    const editor = new AuthMethodEditor(page);
    const method = new AuthMethodPage(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await editor.name.fill(name);
    await editor.clientId.fill('cid');
    await editor.clientSecret.fill(secret);
    await editor.scopes.fill('email');
    await editor.create();
    await expect(page).toHaveURL(/\/auth-methods\/new\?/);
    await expect(editor.error('discovery-url')).toHaveText('invalid config: missing OIDCDiscoveryURL');
    await expect(editor.name).toHaveValue(name);
    await expect(editor.scopes).toHaveValue('email');
    await expect(editor.clientSecret).toHaveValue('');
    expect(page.url()).not.toContain(secret);

    await editor.discoveryUrl.fill('https://idp.example.com');
    await editor.clientSecret.fill(secret);
    await editor.create();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    expect(await page.content()).not.toContain(secret);
    expect((await methodByName(name)).Config.OIDCClientSecret).toBe('redacted');

    await method.goto(name, '?delete=1');
    await method.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/auth-methods\\?deleted=${name}$`));
    expect(await methodByName(name)).toBeNull();
    expect(urls.filter((u) => u.includes(secret))).toEqual([]);
    await context.close();
  });

  for (const path of ['/auth-methods', '/auth-methods/new', '/auth-methods/NAME', '/auth-methods/NAME/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const name = `e2e-axe-${suffix()}`;
      await createJwtMethod(name);
      await signIn(page, demoSecret());
      await page.goto(path.replace('NAME', name));
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await nomad('DELETE', `/v1/acl/auth-method/${name}`);
    });
  }
});

test.describe('SSO sign-in', () => {
  test('the sign-in page lists OIDC methods, the default first, and says up front which one Nomad cannot start', async ({ page }) => {
    const jwt = `e2e-ssojwt-${suffix()}`;
    await createJwtMethod(jwt);
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    // The demo's okta method points at a provider this machine cannot reach: said
    // before any click, its button off; the demo's own provider works, its button on.
    const okta = signInPage.ssoMethod('okta');
    await expect(okta).toContainText('default');
    await expect(signInPage.ssoUnavailable).toHaveCount(1);
    await expect(okta).toContainText('Nomad cannot start a sign-in with okta now');
    await expect(okta).toContainText('failed to generate OIDC provider');
    await expect(signInPage.ssoButton('okta')).toBeDisabled();
    await expect(signInPage.ssoButton('demo-sso')).toBeEnabled();
    await expect(signInPage.ssoJwt).toContainText(jwt);
    await hydrated(page);
    await expect(signInPage.ssoButton('okta')).toBeDisabled();
    // The token sign-in still works below it.
    await expect(signInPage.secretId).toBeVisible();
    await nomad('DELETE', `/v1/acl/auth-method/${jwt}`);
  });

  test('a sign-in started anyway with a method Nomad cannot start says why, and keeps the return path', async ({ page, baseURL }) => {
    const signInPage = new SignInPage(page);
    await signInPage.goto('?return_to=%2Froles');
    // As a page opened before the provider went away would post.
    const res = await page.request.post('/sign-in/oidc', {
      form: { method: 'okta', return_to: '/roles' },
      headers: { Origin: baseURL! },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(303);
    expect(res.headers()['location']).toBe('/sign-in?return_to=%2Froles');
    await signInPage.goto('?return_to=%2Froles');
    await expect(signInPage.ssoError).toContainText('The sign-in with okta did not work');
    await expect(signInPage.ssoError).toContainText('failed to generate OIDC provider');
  });

  test('a pasted JWT is traded with the chosen JWT method, and Nomad\'s refusal is shown', async ({ page }) => {
    const jwt = `e2e-jwtlogin-${suffix()}`;
    await createJwtMethod(jwt);
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    const choice = signInPage.jwtMethod;
    if (await choice.count()) await choice.selectOption(jwt);
    else await expect(signInPage.jwtHint).toContainText(jwt);
    // A JWT's shape (three base64url parts); its signature does not matter here.
    await signInPage.submit('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU');
    // Its keys are at a JWKS URL Nomad cannot reach: Nomad's 401 says so.
    await expect(signInPage.error).toContainText(`Nomad could not validate this JWT with ${jwt}`, { timeout: 20_000 });
    await expect(signInPage.error).toContainText('unable to get validation keys from JWKS');
    await nomad('DELETE', `/v1/acl/auth-method/${jwt}`);
  });

  test('without JavaScript too, the unavailable method is said up front', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const signInPage = new SignInPage(page);
    await signInPage.goto('?return_to=%2Froles');
    await expect(signInPage.ssoMethod('okta')).toContainText('Nomad cannot start a sign-in with okta now');
    await expect(signInPage.ssoButton('okta')).toBeDisabled();
    await expect(signInPage.ssoButton('demo-sso')).toBeEnabled();
    await context.close();
  });

  test('a callback that was not started here is refused, and says to start again', async ({ page }) => {
    const signInPage = new SignInPage(page);
    await page.goto('/sign-in/oidc/callback?code=forged&state=forged');
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(signInPage.ssoError).toContainText('not started here');
    // The provider's (or anyone's) text is never shown: a fixed sentence is.
    await page.goto('/sign-in/oidc/callback?error=access_denied&error_description=Call%20%2B1%20555%200100%20now');
    await expect(signInPage.ssoError).toHaveText('The identity provider did not sign you in. Try again, or ask your administrator to check the auth method.');
  });

  test('a cross-site post to start SSO is refused (CSRF)', async ({ request }) => {
    const res = await request.post('/sign-in/oidc', {
      form: { method: 'okta' },
      headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
  });
});
