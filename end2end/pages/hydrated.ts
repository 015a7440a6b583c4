import { expect, Page } from '@playwright/test';

/**
 * Waits until the page is interactive: the wasm has hydrated it and set
 * `data-hydrated` on <body>. Loading and starting the wasm can take a while on a
 * busy machine (a debug build is large), hence the long timeout.
 */
export const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
