import { existsSync } from 'node:fs';

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Absolute path of a server installed from apt; `pnpm test` installs them first (scripts/ensure-system-deps.mjs). */
export function findSystemBinary(name: string): string {
  for (const dir of SEARCH) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  throw new Error(
    `${name} is not installed. Run the README's test command (it installs it with apt-get as root), or: sudo apt-get install ${name}`,
  );
}
