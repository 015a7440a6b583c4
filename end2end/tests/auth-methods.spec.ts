import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { demoSecret, nomad, recordSecret, signIn, suffix } from '../support/nomad';

// Other specs run at the same time against the same demo: every assertion is about
// methods this spec created, found through unique names. The demo's `okta` method is
// the cluster's default and stays untouched.

const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });

async function methodByName(name: string): Promise<any | null> {
  try {
    return await nomad('GET', `/v1/acl/auth-method/${name}`);
  } catch (e) {
    if (String(e).includes(' 404 ')) return null;
    throw e;
  }
}

async function createJwt(name: string): Promise<any> {
  return nomad('PUT', '/v1/acl/auth-method', {
    Name: name,
    Type: 'JWT',
    TokenLocality: 'local',
    MaxTokenTTL: '1h',
    Config: { JWKSURL: 'https://ci.example/jwks' },
  });
}

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
    await signIn(page, demoSecret());

    await page.goto('/auth-methods/new');
    await hydrated(page);
    await expect(page.getByTestId('method-type-chosen')).toHaveText('OIDC');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Max token TTL').fill('8h');
    await page.getByLabel('Discovery URL').fill('https://idp.example.com');
    await page.getByLabel('Client ID').fill('console-client');
    await page.getByLabel('Client secret').fill(secret);
    await page.getByLabel('Scopes').fill('email\ngroups');
    await page.getByLabel('Allowed redirect URIs').fill('https://console.example/sign-in/oidc/callback');
    await page.getByLabel('Claim mappings', { exact: true }).fill('email=email');
    await page.getByLabel('List claim mappings').fill('groups=groups');
    await page.getByLabel('Global: replicated to every region').check();
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    await expect(page.getByTestId('method-saved')).toBeVisible();
    await expect(page.getByTestId('method-client-secret')).toContainText('Set. Write-only');
    await expect(page.getByTestId('method-ttl')).toHaveText('8h0m0s');
    await expect(page.getByTestId('method-locality')).toHaveText('global');
    await expect(page.getByTestId('method-scopes')).toContainText('groups');
    await expect(page.getByTestId('method-no-rules')).toBeVisible();
    // This console's callback is not allowed yet: the page says which URL to add.
    const callback = `${process.env.E2E_BASE_URL}/sign-in/oidc/callback`;
    await expect(page.getByTestId('method-callback')).toContainText(`Add ${callback}`);

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
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}/edit$`));
    await hydrated(page);
    await expect(page.getByLabel('Client secret')).toHaveValue('');
    await expect(page.getByTestId('secret-state')).toContainText('Set — leave empty to keep it');
    await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('readonly', '');
    await expect(page.getByTestId('console-callback')).toContainText(callback);
    await page.getByLabel('Max token TTL').fill('2h');
    await page.getByRole('button', { name: 'Save auth method' }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    await expect(page.getByTestId('method-ttl')).toHaveText('2h0m0s');
    await expect(page.getByTestId('method-client-secret')).toContainText('Set. Write-only');
    const edited = await methodByName(name);
    expect(edited.MaxTokenTTL).toBe('2h0m0s');
    expect(edited.Config.OIDCClientSecret).toBe('redacted');
    expect(edited.Config.OIDCScopes).toEqual(['email', 'groups']);

    // A provider change without the secret: refused at the secret field (Nomad never returns it).
    await page.goto(`/auth-methods/${name}/edit`);
    await hydrated(page);
    await page.getByLabel('Scopes').fill('email');
    await page.getByLabel('Allowed redirect URIs').fill(`https://console.example/sign-in/oidc/callback\n${callback}`);
    await page.getByRole('button', { name: 'Save auth method' }).click();
    await expect(page.getByTestId('method-client-secret-error')).toContainText('Nomad never returns the stored client secret');
    expect((await methodByName(name)).Config.OIDCScopes).toEqual(['email', 'groups']);
    const rotated = `e2e-rotated-${s}-${suffix()}`;
    recordSecret(rotated);
    await page.getByLabel('Client secret').fill(rotated);
    await page.getByRole('button', { name: 'Save auth method' }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    expect((await methodByName(name)).Config.OIDCScopes).toEqual(['email']);
    await expect(page.getByTestId('method-callback')).toContainText(`Ready: ${callback} is an allowed redirect URI.`);
    expect(await html(page, `/auth-methods/${name}/edit`)).not.toContain(rotated);

    // The list shows what decides its tokens.
    await page.goto('/auth-methods');
    const row = page.locator(`tr[data-method="${name}"]`);
    await expect(row).toContainText('OIDC');
    await expect(row).toContainText('global');
    await expect(row).toContainText('2h0m0s');
    await expect(row).toContainText('0 (sign-ins refused)');

    // A binding rule names it: the delete confirmation says so.
    const rule = await nomad('PUT', '/v1/acl/binding-rule', { AuthMethod: name, BindType: 'management', Description: 'e2e' });
    // The list refreshes live as other specs add and delete methods, which can move the
    // rows under a pointer click (a CI run landed on okta's link, the next row): the
    // click is dispatched on the link itself instead.
    await page.getByRole('link', { name: `Delete auth method ${name}` }).dispatchEvent('click');
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?delete=1#delete$`));
    await expect(page.getByTestId('delete-rules')).toContainText('1 binding rule(s) name it');
    await hydrated(page);
    await page.getByRole('button', { name: `Yes, delete auth method ${name}` }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods\\?deleted=${name}$`));
    await expect(page.getByTestId('method-deleted')).toContainText(name);
    expect(await methodByName(name)).toBeNull();
    await nomad('DELETE', `/v1/acl/binding-rule/${rule.ID}`);

    expect(urls.filter((u) => u.includes(secret) || u.includes(rotated))).toEqual([]);
  });

  test('JWT: checked as you type with Nomad\'s texts, refusals at their field, then create, edit and delete', async ({ page }) => {
    const name = `e2e-jwt-${suffix()}`;
    await signIn(page, demoSecret());
    await page.goto('/auth-methods/new');
    await page.getByRole('link', { name: 'JWT (machine login)' }).click();
    await expect(page).toHaveURL(/\/auth-methods\/new\?type=JWT$/);
    await hydrated(page);
    await expect(page.getByTestId('method-type-chosen')).toHaveText('JWT');

    const nameInput = page.getByLabel('Name', { exact: true });
    await nameInput.fill('bad name');
    await expect(page.getByTestId('method-name-error')).toHaveText("invalid name 'bad name'");
    await expect(nameInput).toHaveAttribute('aria-invalid', 'true');
    await nameInput.fill(name);
    await expect(page.getByTestId('method-name-error')).toHaveText('');

    await page.getByLabel('Max token TTL').fill('48h');
    await expect(page.getByTestId('method-max-token-ttl-error')).toHaveText(
      "invalid MaxTokenTTL value '48h0m0s' (should be between 1m0s and 24h0m0s)",
    );
    await page.getByLabel('Max token TTL').fill('30m');
    await expect(page.getByTestId('method-max-token-ttl-error')).toHaveText('');
    await page.getByLabel('Clock skew leeway').fill('5 minutes');
    await expect(page.getByTestId('method-clock-skew-leeway-error')).toContainText('invalid ClockSkewLeeway: time: ');
    await page.getByLabel('Clock skew leeway').fill('30s');
    await page.getByLabel('Claim mappings', { exact: true }).fill('repository');
    await expect(page.getByTestId('method-claim-mappings-error')).toContainText('line 1 is not claim=name');
    await page.getByLabel('Claim mappings', { exact: true }).fill('repository=repo');

    // No key source: the server's check, at the key source.
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page.getByTestId('method-key-source-error')).toHaveText(
      'invalid config: JWT auth method requires either OIDCDiscoveryURL, or JWKS URL, or JWTValidationPubKeys set',
    );
    // The default is taken (the demo's okta): Nomad's refusal, at the default checkbox.
    await page.getByLabel('JWKS URL').fill('https://ci.example/.well-known/jwks');
    await page.getByLabel('Default method').check();
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page.getByTestId('method-default-error')).toHaveText('default method already exists: okta');
    await page.getByLabel('Default method').uncheck();
    await page.getByLabel('Bound issuer').fill('https://ci.example');
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    await expect(page.getByTestId('method-jwks-url')).toHaveText('https://ci.example/.well-known/jwks');
    await expect(page.getByTestId('method-claims')).toContainText('repository=repo');
    const stored = await methodByName(name);
    expect(stored.Type).toBe('JWT');
    expect(stored.MaxTokenTTL).toBe('30m0s');
    expect(stored.Default).toBe(false);
    expect(stored.Config.ClockSkewLeeway).toBe('30s');
    expect(stored.Config.BoundIssuer).toEqual(['https://ci.example']);
    expect(stored.Config.ClaimMappings).toEqual({ repository: 'repo' });

    // A method of the same name is not overwritten.
    await page.goto('/auth-methods/new?type=JWT');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('JWKS URL').fill('https://other.example/jwks');
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page.getByTestId('method-name-error')).toHaveText(`an auth method named ${name} already exists`);
    expect((await methodByName(name)).Config.JWKSURL).toBe('https://ci.example/.well-known/jwks');

    await page.goto(`/auth-methods/${name}/edit`);
    await hydrated(page);
    await page.getByLabel('Bound audiences').fill('nomad');
    await page.getByRole('button', { name: 'Save auth method' }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    expect((await methodByName(name)).Config.BoundAudiences).toEqual(['nomad']);

    await page.goto(`/auth-methods/${name}?delete=1`);
    await expect(page.getByTestId('delete-rules')).toHaveText('No binding rule names it.');
    await hydrated(page);
    await page.getByRole('button', { name: `Yes, delete auth method ${name}` }).click();
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
    await signIn(page, demoSecret());
    await page.goto('/auth-methods/new');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Client ID').fill('cid');
    await page.getByLabel('Client secret').fill(secret);
    await page.getByLabel('Scopes').fill('email');
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page).toHaveURL(/\/auth-methods\/new\?/);
    await expect(page.getByTestId('method-discovery-url-error')).toHaveText('invalid config: missing OIDCDiscoveryURL');
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
    await expect(page.getByLabel('Scopes')).toHaveValue('email');
    await expect(page.getByLabel('Client secret')).toHaveValue('');
    expect(page.url()).not.toContain(secret);

    await page.getByLabel('Discovery URL').fill('https://idp.example.com');
    await page.getByLabel('Client secret').fill(secret);
    await page.getByRole('button', { name: 'Create auth method' }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods/${name}\\?saved=1$`));
    expect(await page.content()).not.toContain(secret);
    expect((await methodByName(name)).Config.OIDCClientSecret).toBe('redacted');

    await page.goto(`/auth-methods/${name}?delete=1`);
    await page.getByRole('button', { name: `Yes, delete auth method ${name}` }).click();
    await expect(page).toHaveURL(new RegExp(`/auth-methods\\?deleted=${name}$`));
    expect(await methodByName(name)).toBeNull();
    expect(urls.filter((u) => u.includes(secret))).toEqual([]);
    await context.close();
  });

  for (const path of ['/auth-methods', '/auth-methods/new', '/auth-methods/NAME', '/auth-methods/NAME/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const name = `e2e-axe-${suffix()}`;
      await createJwt(name);
      await signIn(page, demoSecret());
      await page.goto(path.replace('NAME', name));
      await hydrated(page);
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await nomad('DELETE', `/v1/acl/auth-method/${name}`);
    });
  }
});

test.describe('SSO sign-in', () => {
  test('the sign-in page lists OIDC methods, the default first, and says why a provider Nomad cannot reach fails', async ({ page }) => {
    const jwt = `e2e-ssojwt-${suffix()}`;
    await createJwt(jwt);
    await page.goto('/sign-in');
    const sso = page.getByTestId('sso');
    await expect(sso.getByTestId('sso-button').first()).toHaveText('Continue with okta');
    await expect(sso.locator('form[data-method="okta"]')).toContainText('default');
    await expect(sso.getByTestId('sso-jwt')).toContainText(jwt);
    await hydrated(page);
    await expect(sso.getByRole('button', { name: 'Continue with demo-sso' })).toBeVisible();
    // The demo's okta method points at a provider this machine cannot use.
    await sso.getByRole('button', { name: 'Continue with okta' }).click();
    await expect(page).toHaveURL(/\/sign-in$/, { timeout: 20_000 });
    await expect(page.getByTestId('sso-error')).toContainText('The sign-in with okta did not work');
    await expect(page.getByTestId('sso-error')).toContainText('failed to generate OIDC provider');
    // The token sign-in still works below it.
    await expect(page.getByLabel('Secret ID')).toBeVisible();
    await nomad('DELETE', `/v1/acl/auth-method/${jwt}`);
  });

  test('a pasted JWT is traded with the chosen JWT method, and Nomad\'s refusal is shown', async ({ page }) => {
    const jwt = `e2e-jwtlogin-${suffix()}`;
    await createJwt(jwt);
    await page.goto('/sign-in');
    const choice = page.getByTestId('jwt-method');
    if (await choice.count()) await choice.selectOption(jwt);
    else await expect(page.getByTestId('jwt-hint')).toContainText(jwt);
    // A JWT's shape (three base64url parts); its signature does not matter here.
    await page.getByLabel('Secret ID').fill('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Its keys are at a JWKS URL Nomad cannot reach: Nomad's 401 says so.
    await expect(page.getByTestId('sign-in-error')).toContainText(`Nomad could not validate this JWT with ${jwt}`, { timeout: 20_000 });
    await expect(page.getByTestId('sign-in-error')).toContainText('unable to get validation keys from JWKS');
    await nomad('DELETE', `/v1/acl/auth-method/${jwt}`);
  });

  test('without JavaScript too, and the return path is kept', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/sign-in?return_to=%2Froles');
    await page.getByRole('button', { name: 'Continue with okta' }).click();
    await expect(page).toHaveURL(/\/sign-in\?return_to=%2Froles$/, { timeout: 20_000 });
    await expect(page.getByTestId('sso-error')).toContainText('The sign-in with okta did not work');
    await context.close();
  });

  test('a callback that was not started here is refused, and says to start again', async ({ page }) => {
    await page.goto('/sign-in/oidc/callback?code=forged&state=forged');
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByTestId('sso-error')).toContainText('not started here');
    // The provider's (or anyone's) text is never shown: a fixed sentence is.
    await page.goto('/sign-in/oidc/callback?error=access_denied&error_description=Call%20%2B1%20555%200100%20now');
    await expect(page.getByTestId('sso-error')).toHaveText('The identity provider did not sign you in. Try again, or ask your administrator to check the auth method.');
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
