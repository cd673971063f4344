import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every regular expression in the product's sources: literals, and `new RegExp('…')` with a literal pattern. */
function regexes(): Array<{ at: string; source: string; flags: string }> {
  const out: Array<{ at: string; source: string; flags: string }> = [];
  for (const file of ['shared', 'gateway', 'cloud-sink', 'device-agent'].flatMap((p) =>
    sources(join(ROOT, p, 'src')),
  )) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      const at = `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.text;
        const end = text.lastIndexOf('/');
        out.push({ at, source: text.slice(1, end), flags: text.slice(end + 1) });
      } else if (ts.isNewExpression(node) && node.expression.getText() === 'RegExp') {
        const [pattern, flags] = node.arguments ?? [];
        if (pattern && ts.isStringLiteralLike(pattern)) {
          out.push({ at, source: pattern.text, flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '' });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

describe('regular expressions on untrusted input', () => {
  it('every pattern in the sources is linear: no input can make it backtrack (recheck)', () => {
    const found = regexes();
    expect(found.length).toBeGreaterThan(20);
    const unsafe = found
      .map((r) => ({ ...r, result: checkSync(r.source, r.flags) }))
      .filter((r) => r.result.status !== 'safe')
      .map(
        (r) =>
          `${r.at} /${r.source}/${r.flags}: ${r.result.status} ${r.result.status === 'vulnerable' ? r.result.complexity.type : ''}`,
      );
    expect(unsafe).toEqual([]);
  }, 60_000);

  it('the check catches a backtracking pattern (it can fail)', () => {
    expect(checkSync('^[+-]?(?:\\d+\\.?\\d*)$', '').status).toBe('vulnerable');
  });
});
