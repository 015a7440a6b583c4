// Starts the real console binary, copied alone into an empty temporary
// directory, and returns its URL and a way to stop it.
import { spawn, ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const binaryPath = resolve(
  __dirname,
  '..',
  process.env.NOMAD_ACL_CONSOLE_BIN ?? '../target/release/nomad-acl-console',
);

export interface RunningConsole {
  url: string;
  /** The embedded Nomad API, in demo mode. */
  nomadAddr?: string;
  /** The demo's management secret, printed by `demo` (demo data only). */
  secret?: string;
  dir: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Runs `nomad-acl-console <args> --listen 127.0.0.1:0` and waits for its URL line. */
export async function startConsole(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  logFile?: string,
): Promise<RunningConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'nac-e2e-'));
  const bin = join(dir, 'nomad-acl-console');
  copyFileSync(binaryPath, bin);
  chmodSync(bin, 0o755);
  const child = spawn(bin, [...args, '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { PATH: process.env.PATH, RUST_LOG: logFile ? 'debug' : 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d.toString();
    if (logFile) appendFileSync(logFile, d);
    if (process.env.E2E_SERVER_LOGS) process.stderr.write(d);
  });
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`console did not start in 15s\nstdout: ${out}\nstderr: ${err}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = out.match(/Nomad ACL Console[^:]*: (http:\/\/[0-9.:]+)/);
      // `demo` prints its management token last, possibly in a later chunk.
      if (m && (args[0] !== 'demo' || /management token: [0-9a-f-]{36}\n/.test(out))) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`console exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  const secret = out.match(/management token: ([0-9a-f-]{36})/)?.[1];
  const nomadAddr = out.match(/Embedded Nomad API: +(http:\/\/[0-9.:]+)/)?.[1];
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, nomadAddr, secret, dir, process: child, stop };
}

/** Runs `nomad-acl-console dev-nomad` (fresh, not bootstrapped) on a free port. */
export async function startDevNomad(extraArgs: string[] = []): Promise<{ addr: string; stop: () => Promise<void> }> {
  const child = spawn(binaryPath, ['dev-nomad', '--listen', '127.0.0.1:0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const addr = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`dev-nomad did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = out.match(/Embedded Nomad ACL API: (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  return { addr, stop };
}
