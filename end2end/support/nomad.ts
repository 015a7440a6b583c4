// Direct calls to the embedded Nomad's HTTP API, as the CLI or Terraform would
// make them behind the console's back.
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { expect, Page } from '@playwright/test';

export const nomadAddr = () => process.env.E2E_NOMAD_ADDR!;
export const demoSecret = () => process.env.E2E_DEMO_SECRET!;

/** Remembers a secret so the global teardown can check the logs never carried it. */
export function recordSecret(secret: string) {
  if (process.env.E2E_SECRETS_FILE) appendFileSync(process.env.E2E_SECRETS_FILE, `${secret}\n`);
}

export async function nomad(method: string, path: string, body?: unknown, token = demoSecret()): Promise<any> {
  const res = await fetch(`${nomadAddr()}${path}`, {
    method,
    headers: { 'X-Nomad-Token': token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const suffix = () => randomUUID().slice(0, 8);

/** Creates a client token through Nomad's API and returns it (with its secret). */
export async function createToken(fields: Record<string, unknown>): Promise<any> {
  const token = await nomad('PUT', '/v1/acl/token', { Type: 'client', ...fields });
  recordSecret(token.SecretID);
  return token;
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, secret: string, path = '/sign-in') {
  await page.goto(path);
  await page.getByLabel('Secret ID').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('form[action="/sign-out"]')).toBeAttached();
}
