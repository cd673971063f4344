import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the agent reads of the machine it runs on: files under a root (`/` in production, a recorded layout in
 * tests) and the output of a few commands (libgpiod's tools, timedatectl). Every probe answers undefined rather
 * than throwing: a missing file is a finding, not an error.
 */
export interface Host {
  readonly root: string;
  read(path: string): string | undefined;
  exists(path: string): boolean;
  list(path: string): string[];
  /** Whether this process may read and write the file (device nodes). */
  writable(path: string): boolean;
  /** A command's stdout, or undefined when it is missing or fails. */
  run(command: string, args: string[]): string | undefined;
}

export function localHost(root = '/'): Host {
  const at = (p: string) => join(root, p);
  return {
    root,
    read: (p) => {
      try {
        return readFileSync(at(p), 'utf8');
      } catch {
        return undefined;
      }
    },
    exists: (p) => existsSync(at(p)),
    list: (p) => {
      try {
        return readdirSync(at(p)).sort();
      } catch {
        return [];
      }
    },
    writable: (p) => {
      try {
        accessSync(at(p), constants.R_OK | constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    run: (command, args) => {
      try {
        return execFileSync(command, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        return undefined;
      }
    },
  };
}
