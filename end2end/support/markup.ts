import { expect, Page } from '@playwright/test';
import { hydrated } from '../pages/hydrated';

/**
 * Opens each path and checks that user text stayed text: once hydrated, no element
 * matching `markup` (the tags the test's text carried) is in the page, and no script
 * from it set `window.__pwned`.
 */
export async function expectTextNotMarkup(page: Page, paths: string[], markup: string) {
  for (const path of paths) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator(markup)).toHaveCount(0);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  }
}
