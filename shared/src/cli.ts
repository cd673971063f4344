import { parseArgs } from 'node:util';
import { ValidationError } from './errors.js';

/**
 * An expected failure of a command: one line on stderr (what, and how to fix it), and a documented exit code. Exit
 * codes of every hvac-edge executable: 0 done; 1 an unexpected error (a bug: the stack is printed); 2 usage or
 * configuration; 3 the environment (a port in use, a missing file or directory, no GPIO); 4 a dependency refused.
 */
export class ExitError extends Error {
  constructor(
    readonly exitCode: 2 | 3 | 4,
    message: string,
  ) {
    super(message);
  }
}

export interface CliSpec {
  program: string;
  version: string;
  /** One paragraph: what the program does, its commands, where its configuration comes from. */
  usage: string;
  /** Options besides --help and --version. */
  options?: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  /** Positionals allowed (commands); none by default. */
  positionals?: boolean;
}

/** What a port that is taken, a file that is missing ... mean to an operator: one line and its exit code. */
export function expectedFailure(err: unknown, program: string): ExitError | undefined {
  if (err instanceof ExitError) return err;
  if (err instanceof ValidationError) return new ExitError(2, `${program}: ${err.message}`);
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; path?: string };
  if (e?.code === 'EADDRINUSE') {
    return new ExitError(
      3,
      `${program}: port ${e.port ?? ''} on ${e.address ?? ''} is already in use; stop what holds it or choose another port`,
    );
  }
  if (e?.code === 'EACCES' && e.port !== undefined) {
    return new ExitError(3, `${program}: no permission to listen on port ${e.port}; use a port above 1023`);
  }
  if (e?.code === 'ENOENT' && e.path) return new ExitError(3, `${program}: ${e.path} does not exist`);
  if (e?.code === 'EACCES' && e.path) return new ExitError(3, `${program}: no permission to read ${e.path}`);
  return undefined;
}

/**
 * Parses the command line (--help and --version answered here, without side effects), runs `main`, and exits:
 * with `main`'s code, or one line and its code for an expected failure, or the stack and 1 for anything else.
 * `main` resolving to undefined leaves the process running (a service).
 */
export function runCli(
  spec: CliSpec,
  main: (args: {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
  }) => Promise<number | undefined>,
): void {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' }, ...spec.options },
      allowPositionals: spec.positionals ?? false,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${spec.program}: ${(err as Error).message}; see ${spec.program} --help\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(`${spec.usage.trim()}\n`);
    process.exit(0);
  }
  if (parsed.values.version) {
    process.stdout.write(`${spec.program} ${spec.version}\n`);
    process.exit(0);
  }
  main({ values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals }).then(
    (code) => {
      if (code !== undefined) process.exit(code);
    },
    (err: unknown) => {
      const expected = expectedFailure(err, spec.program);
      if (expected) {
        process.stderr.write(`${expected.message.split('\n')[0]}\n`);
        process.exit(expected.exitCode);
      }
      process.stderr.write(
        `${spec.program}: unexpected error (a bug; please report it): ${(err as Error)?.stack ?? String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
