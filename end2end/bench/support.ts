// Shared by the benchmark specs.
import { Browser, expect } from '@playwright/test';
import { RunningConsole, startConsole } from '../support/console';

/** The `p`th percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Signs in through the form; returns the storage state and the session's `Cookie` header. */
export async function signIn(browser: Browser, c: RunningConsole) {
  const context = await browser.newContext({ baseURL: c.url });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Secret ID').fill(c.secret!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('form[action="/sign-out"]')).toBeAttached();
  const state = await context.storageState();
  const cookie = (await context.cookies(c.url)).map((k) => `${k.name}=${k.value}`).join('; ');
  await context.close();
  return { state, cookie };
}

/** The demo's largest scale: extra tokens, policies and roles beside the demo data. */
export const SCALE = { tokens: 10_000, policies: 500, roles: 100 };

/** A demo console at [`SCALE`], signed in: its `Cookie` header. */
export async function startAtScale(browser: Browser) {
  const c = await startConsole([
    'demo',
    '--extra-tokens', String(SCALE.tokens),
    '--extra-policies', String(SCALE.policies),
    '--extra-roles', String(SCALE.roles),
  ]);
  try {
    const { cookie } = await signIn(browser, c);
    return { c, cookie };
  } catch (e) {
    await c.stop();
    throw e;
  }
}

/** GETs `url` (on 127.0.0.1 only) with the session; its status, body and milliseconds. */
export async function timedGet(url: string, cookie: string) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error('benchmark traffic stays on 127.0.0.1');
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const html = await res.text();
  return { status: res.status, html, ms: performance.now() - t0 };
}
