import type { FullConfig } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsole } from './console';

// One demo-mode console for the whole run, with debug logs kept in a file.
// At the end, no secret the run used may appear in those logs.
export default async function globalSetup(_config: FullConfig) {
  const work = mkdtempSync(join(tmpdir(), 'nac-e2e-run-'));
  const logFile = join(work, 'console.log');
  const secretsFile = join(work, 'secrets.txt');
  const running = await startConsole(['demo'], {}, logFile);
  process.env.E2E_BASE_URL = running.url;
  process.env.E2E_DEMO_SECRET = running.secret ?? '';
  process.env.E2E_NOMAD_ADDR = running.nomadAddr ?? '';
  process.env.E2E_SECRETS_FILE = secretsFile;
  return async () => {
    await running.stop();
    const logs = readFileSync(logFile, 'utf8');
    const secrets = [running.secret ?? '', ...(existsSync(secretsFile) ? readFileSync(secretsFile, 'utf8').split('\n') : [])]
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const leaked = secrets.filter((s) => logs.includes(s));
    rmSync(work, { recursive: true, force: true });
    if (secrets.length > 1 && !logs.includes('served')) throw new Error('the console logged no requests: the log check would prove nothing');
    if (leaked.length > 0) throw new Error(`secret IDs found in the console's logs: ${leaked.length}`);
    console.log(`log check: ${secrets.length} secrets, none in ${logs.split('\n').length} log lines`);
  };
}
