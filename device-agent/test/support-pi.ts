import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Host, localHost } from '../src/platform/host.js';

export const PI_LAYOUTS = ['pi3-6.1', 'pi4-6.6', 'pi5-6.6', 'pi5-nosysfs'] as const;
export type PiLayout = (typeof PI_LAYOUTS)[number];

export const layoutRoot = (layout: PiLayout) => fileURLToPath(new URL(`./fixtures/pi/${layout}/`, import.meta.url));

/** A recorded board: its files, and its commands answered from commands.json (absent = not installed). */
export function recordedHost(layout: PiLayout): Host {
  const root = layoutRoot(layout);
  const commands = JSON.parse(readFileSync(`${root}commands.json`, 'utf8')) as Record<string, string>;
  return { ...localHost(root), run: (command, args) => commands[[command, ...args].join(' ')] };
}
