import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Constant-time membership test for secrets (tokens, credentials): digests make every comparison the same length,
 * and every candidate is compared, so timing says nothing about how close a guess was.
 */
export function secretMatcher(secrets: readonly string[]): (given: string) => boolean {
  const expected = secrets.map(digest);
  return (given) => {
    const d = digest(given);
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(e, d) || ok;
    return ok;
  };
}
