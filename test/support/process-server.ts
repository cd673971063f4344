import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A free TCP port on loopback (the kernel picks it; a start that loses the race fails loudly, not flakily). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `hvac-edge-${prefix}-`));
}

export function tcpReachable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Polls `check` until true, backing off up to 200 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(200, delay * 2);
  }
}

export interface ProcessServer {
  readonly port: number;
  readonly dir: string;
  /** The last lines the server printed: attach to failures. */
  logs(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  port: number;
  dir: string;
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Leave `dir` in place at stop (a server restarted on its data); the caller removes it. */
  keepDir?: boolean;
}

export interface ProgramRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * A program run as an operator would, its stdout and stderr kept whole: `result` resolves when it has exited,
 * `output()` is what it printed so far.
 */
export function spawnCollecting(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): { proc: ChildProcess; result: Promise<ProgramRun>; output(): string } {
  const proc = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (c) => {
    out += c;
  });
  proc.stderr?.on('data', (c) => {
    err += c;
  });
  const result = new Promise<ProgramRun>((resolve) => proc.on('exit', (code) => resolve({ code, out, err })));
  return { proc, result, output: () => out + err };
}

/** Keeps the last `max` lines a child printed on stdout and stderr (for failure messages and log assertions). */
export function captureOutput(child: ChildProcess, max = 400): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > max) lines.splice(0, lines.length - max);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

/** Spawns a real server, waits for readiness, keeps its output, and stops it (SIGTERM, then SIGKILL). */
export async function startProcessServer(o: StartOptions): Promise<ProcessServer> {
  const child: ChildProcess = spawn(o.command, o.args, { cwd: o.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => {
    exitCode = c;
  });
  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    if (!o.keepDir) await rm(o.dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`${o.name} exited with code ${exitCode}`);
        return o.ready();
      },
      `${o.name} on port ${o.port}`,
      o.readyTimeoutMs,
    );
  } catch (err) {
    await stop();
    throw new Error(`${o.name} did not start: ${(err as Error).message}\n--- ${o.name} output ---\n${logs()}`);
  }
  return { port: o.port, dir: o.dir, logs, stop };
}

export interface AnnouncedProcess {
  child: ChildProcess;
  /** The JSON object it announced itself with. */
  info: Record<string, unknown>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * A TypeScript script in a Node process of its own (a benchmark's server, so that it does not share the measured
 * event loop), once it has announced itself: the first line on its stdout that is a JSON object with `key` (log lines
 * may be JSON too). Its stdout keeps draining afterwards, so that later output cannot fill the pipe and stall it; its
 * stderr is this process's.
 */
export async function spawnAnnounced(
  script: string,
  args: string[],
  key: string,
  options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<AnnouncedProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--conditions=source', '--import', 'tsx', script, ...args],
    { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  let info: Record<string, unknown> | undefined;
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const parsed = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : undefined;
    if (parsed && key in parsed) {
      info = parsed;
      break;
    }
  }
  if (!info) {
    await stop();
    throw new Error(`${script} exited before announcing its ${key}`);
  }
  child.stdout?.resume();
  return { child, info, stop };
}
