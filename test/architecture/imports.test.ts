import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports (value and type) of every file under `src/`, as absolute .ts paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/from '(\.[^']+)\.js'/g)].map((m) => resolve(dirname(file), `${m[1]}.ts`));
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle per strongly connected group of files that import one another, or none. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') found.push(path.slice(path.indexOf(next)).map((f) => relative(root, f)));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the domain\'s imports', () => {
  it('form no cycle: no two files of src/ import one another, directly or around a circle', () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it('never reach the adapters, the projections or an I/O module', () => {
    const outside = [...importGraph()].flatMap(([file, targets]) =>
      targets.filter((t) => !t.startsWith(join(root, 'src'))).map((t) => `${relative(root, file)} → ${relative(root, t)}`),
    );
    const io = sourceFiles(join(root, 'src')).filter((f) => /from '(node:|better-sqlite3|@eventstore|fs'|http)/.test(readFileSync(f, 'utf8')));
    expect(outside).toEqual([]);
    expect(io.map((f) => relative(root, f))).toEqual([]);
  });
});
