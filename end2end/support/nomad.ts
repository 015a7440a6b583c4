// Direct calls to the embedded Nomad's HTTP API, as the CLI or Terraform would
// make them behind the console's back.
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export const nomadAddr = () => process.env.E2E_NOMAD_ADDR!;
export const demoSecret = () => process.env.E2E_DEMO_SECRET!;

/** Remembers a secret so the global teardown can check the logs never carried it. */
export function recordSecret(secret: string) {
  if (process.env.E2E_SECRETS_FILE) appendFileSync(process.env.E2E_SECRETS_FILE, `${secret}\n`);
}

export async function nomad(method: string, path: string, body?: unknown, token = demoSecret(), addr = nomadAddr()): Promise<any> {
  const res = await fetch(`${addr}${path}`, {
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

/** GETs an object from Nomad's API, or null when Nomad answers 404. */
export async function getOrNull(path: string): Promise<any | null> {
  try {
    return await nomad('GET', path);
  } catch (e) {
    if (String(e).includes(' 404 ')) return null;
    throw e;
  }
}

/** Creates (or replaces) a policy through Nomad's API. */
export async function createPolicy(name: string, rules: string, description?: string) {
  await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Description: description, Rules: rules });
}

/** Creates a role granting the named policies. */
export async function createRole(name: string, policies: string[], description?: string): Promise<any> {
  return nomad('PUT', '/v1/acl/role', { Name: name, Description: description, Policies: policies.map((p) => ({ Name: p })) });
}

/** Creates a JWT auth method (its keys at a URL nobody answers). */
export async function createJwtMethod(name: string, config: Record<string, unknown> = { JWKSURL: 'https://ci.example/jwks' }): Promise<any> {
  return nomad('PUT', '/v1/acl/auth-method', { Name: name, Type: 'JWT', TokenLocality: 'local', MaxTokenTTL: '1h', Config: config });
}

/** Uploads a client token (caller-chosen IDs, `fields` for its name and grants) whose life ended a minute ago. */
export async function createExpiredToken(fields: Record<string, unknown>): Promise<{ AccessorID: string; SecretID: string }> {
  const now = Date.now();
  const secret = crypto.randomUUID();
  recordSecret(secret);
  const accessor = crypto.randomUUID();
  await nomad('PUT', `/v1/acl/token/${accessor}`, {
    AccessorID: accessor,
    SecretID: secret,
    Type: 'client',
    ...fields,
    CreateTime: new Date(now - 2 * 3600_000).toISOString(),
    // A minute ago: Nomad collects expired tokens only an hour after they expire.
    ExpirationTime: new Date(now - 60_000).toISOString(),
  });
  return { AccessorID: accessor, SecretID: secret };
}

/** Bootstraps a fresh Nomad's ACL system and returns its management token. */
export async function bootstrap(addr: string): Promise<any> {
  const res = await fetch(`${addr}/v1/acl/bootstrap`, { method: 'PUT' });
  return res.json();
}

