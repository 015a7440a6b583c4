import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The benchmark (`bash .ci/bench`): never part of `npx playwright test`, whose
// config only looks in ./tests. Starts its own consoles, so no global setup.
export default defineConfig({
  ...base,
  testDir: './bench',
  globalSetup: undefined,
  fullyParallel: false,
  workers: 1,
  timeout: 30 * 60_000,
  reporter: [['list']],
  use: { ...base.use, baseURL: undefined, trace: 'off' },
});
