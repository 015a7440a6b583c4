import type { FullConfig } from '@playwright/test';
import { startConsole } from './console';

// One demo-mode console for the whole run; specs that need their own start it
// themselves with `startConsole`.
export default async function globalSetup(_config: FullConfig) {
  const running = await startConsole(['demo']);
  process.env.E2E_BASE_URL = running.url;
  process.env.E2E_DEMO_SECRET = running.secret ?? '';
  return async () => {
    await running.stop();
  };
}
