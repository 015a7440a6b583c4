import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { binaryPath, startConsole } from '../support/console';
import { demoSecret } from '../support/nomad';
import { Header } from '../pages/header';
import { hydrated } from '../pages/hydrated';
import { PoliciesListPage } from '../pages/policiesListPage';
import { SignInPage } from '../pages/signInPage';
import { TokensListPage } from '../pages/tokensListPage';

// The console under test was copied alone into an empty directory by the
// global setup: everything here is served from inside the binary.
test.describe('one self-contained binary', () => {
  test('the main wasm module stays small: lazy chunks keep their own code and data', async ({ request }) => {
    const html = await (await request.get('/')).text();
    const wasm = html.match(/href="(\/pkg\/[0-9a-f]{12}\/nomad-acl-console\.wasm)"/)![1];
    const raw = (await (await request.get(wasm, { headers: { 'accept-encoding': 'identity' } })).body()).length;
    // About 970 KB; wasm-split putting every chunk's data (the selector chunk's
    // Unicode tables) in the main module made it 1.44 MB.
    expect(raw, 'raw bytes of the main module').toBeLessThan(1_100_000);
  });

  test('serves the page, the wasm, the JS and the CSS with types, compression and caching', async ({ request }) => {
    const page = await request.get('/');
    const html = await page.text();
    const wasm = html.match(/href="(\/pkg\/[0-9a-f]{12}\/nomad-acl-console\.wasm)"/)?.[1];
    const js = html.match(/href="(\/pkg\/[0-9a-f]{12}\/nomad-acl-console\.js)"/)?.[1];
    const css = html.match(/href="(\/pkg\/[0-9a-f]{12}\/nomad-acl-console\.css)"/)?.[1];
    expect(wasm && js && css, 'hashed asset URLs in the page').toBeTruthy();

    for (const [path, type] of [
      [wasm!, 'application/wasm'],
      [js!, 'text/javascript'],
      [css!, 'text/css'],
    ]) {
      const br = await request.get(path, { headers: { 'accept-encoding': 'br' } });
      expect(br.status(), path).toBe(200);
      expect(br.headers()['content-type'], path).toContain(type);
      expect(br.headers()['content-encoding'], path).toBe('br');
      expect(br.headers()['cache-control'], path).toBe('public, max-age=31536000, immutable');

      const gz = await request.get(path, { headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers()['content-encoding'], path).toBe('gzip');

      const raw = await request.get(path, { headers: { 'accept-encoding': 'identity' } });
      expect(raw.headers()['content-encoding'], path).toBeUndefined();
      expect((await raw.body()).length, path).toBeGreaterThan(100);
    }
    // Pages are compressed as they stream, with gzip even when brotli is offered
    // (a streaming brotli encoder holds a 4 MB window per response).
    const sign = await request.get('/sign-in', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(sign.status()).toBe(200);
    expect(sign.headers()['content-encoding']).toBe('gzip');
    expect(await sign.text()).toContain('Secret ID');

    const wasmBody = await (await request.get(wasm!, { headers: { 'accept-encoding': 'identity' } })).body();
    expect(wasmBody.subarray(0, 4).toString('latin1')).toBe('\0asm');

    // A URL from an older build still works, but is not cached forever.
    const old = await request.get(wasm!.replace(/\/pkg\/[0-9a-f]{12}\//, '/pkg/000000000000/'));
    expect(old.status()).toBe(200);
    expect(old.headers()['cache-control']).toBe('public, max-age=3600');
  });

  test('the wasm is split: /tokens needs only the main module, other pages fetch their group of chunks', async ({ page }) => {
    const fetched: string[] = [];
    page.on('response', (r) => {
      const m = r.url().match(/\/pkg\/[0-9a-f]{12}\/([^/]+\.wasm)$/);
      if (m && r.ok()) fetched.push(m[1]);
    });
    const preloaded = () =>
      page
        .locator('head link[rel="preload"][as="fetch"]')
        .evaluateAll((ls) => ls.map((l) => (l as HTMLLinkElement).getAttribute('href') ?? '').filter((h) => h.endsWith('.wasm')));

    // A lazy page announces its chunks in <head>, so they load beside the main module.
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await hydrated(page);
    const signIn = await preloaded();
    expect(signIn.some((h) => /\/split_public_pages_\w+\.wasm$/.test(h)), signIn.join('\n')).toBe(true);
    expect(fetched.some((f) => f.startsWith('split_public_pages_'))).toBe(true);

    await signInPage.submit(demoSecret());
    await expect(new Header(page).signOutForm).toBeAttached();

    // The token list is in the main module: one wasm file, nothing else announced.
    fetched.length = 0;
    await new TokensListPage(page).goto();
    await hydrated(page);
    expect((await preloaded()).map((h) => h.split('/').pop())).toEqual(['nomad-acl-console.wasm']);
    expect(fetched.filter((f) => f !== 'nomad-acl-console.wasm'), 'no chunk on /tokens').toEqual([]);

    // Navigating in the browser to a lazy page fetches its group's chunks on the way.
    await page.getByRole('link', { name: 'Policies', exact: true }).first().click();
    await expect(page).toHaveURL(/\/policies$/);
    await expect(new PoliciesListPage(page).heading).toContainText('Policies');
    expect(fetched.some((f) => f.startsWith('split_policy_pages_')), fetched.join('\n')).toBe(true);
  });

  test('health and readiness', async ({ request }) => {
    const health = await request.get('/healthz');
    expect(health.status()).toBe(200);
    expect(await health.text()).toBe('ok');

    const ready = await request.get('/readyz');
    expect(ready.status()).toBe(200);
    const body = await ready.json();
    expect(body.ready).toBe(true);
    expect(body.nomad_address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('an unreachable Nomad is reported, and the server keeps serving', async ({ browser }) => {
    // Port 9 (discard) on loopback: nothing listens there.
    const running = await startConsole(['serve', '--address', 'http://127.0.0.1:9', '--connect-timeout', '2s']);
    try {
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = await ready.json();
      expect(body).toMatchObject({ ready: false, nomad_address: 'http://127.0.0.1:9' });
      expect(body.reason).toBeTruthy();

      const context = await browser.newContext({ javaScriptEnabled: false });
      const signInPage = new SignInPage(await context.newPage(), running.url);
      await signInPage.goto();
      await expect(signInPage.nomadDown).toContainText('Nomad at http://127.0.0.1:9 is not answering');
      // Signing in says why it cannot work, with the address.
      await signInPage.submit('6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21');
      await expect(signInPage.error).toContainText('Cannot reach Nomad at http://127.0.0.1:9');
      await context.close();

      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  test('SIGTERM shuts the server down cleanly', async () => {
    const running = await startConsole(['serve', '--address', 'http://127.0.0.1:9']);
    const exited = new Promise<number | null>((r) => running.process.once('exit', (code) => r(code)));
    running.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    await running.stop();
  });
});

test.describe('command line', () => {
  const run = (...args: string[]) => spawnSync(binaryPath, args, { encoding: 'utf8', timeout: 10_000 });

  test('--help works on every subcommand', () => {
    for (const args of [['--help'], ['serve', '--help'], ['demo', '--help'], ['dev-nomad', '--help'], ['help']]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toContain('Usage: nomad-acl-console');
    }
    expect(run('serve', '--help').stdout).toContain('NOMAD_ADDR');
  });

  test('a bad flag or value exits with 2 and says why', () => {
    const bad = run('--no-such-flag');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unexpected argument '--no-such-flag'");

    const value = run('serve', '--listen', 'not-an-address');
    expect(value.status).toBe(2);
    expect(value.stderr).toContain("invalid value 'not-an-address' for '--listen <LISTEN>'");

    const url = spawnSync(binaryPath, ['serve'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, NOMAD_ADDR: 'ftp://x' } });
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('scheme must be http or https');
  });
});
