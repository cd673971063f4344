import { randomBytes } from 'node:crypto';

/**
 * A time-ordered UUID (RFC 9562 version 7). hvac-edge's own clients use it for event ids: ids that grow with
 * time land at the end of the gateway's id index instead of at a random page.
 */
export function uuidv7(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
