import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
/** The application's code: what the workers, the APIs and the workflow bundle are built from. */
const SOURCE_DIRS = ['src', 'workflows', 'activities'];

/**
 * Every module's imports, `import type` included: ESLint's `import-x/no-cycle` skips type-only
 * imports, and a type-only circle still ties two layers together (a workflow and its activities
 * each defining half of their contract).
 */
describe('import graph of src, workflows and activities', () => {
  it('has no circle, type-only imports included', () => {
    const graph = importGraph(SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(root, dir))));

    const circles = stronglyConnected(graph)
      .filter((group) => group.length > 1 || graph.get(group[0]!)!.includes(group[0]!))
      .map((group) => group.map((file) => path.relative(root, file)).sort());

    expect(circles).toEqual([]);
  });

  it('finds a circle made only of type imports', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'import-cycles-'));
    writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
    writeFileSync(path.join(dir, 'b.ts'), "import type { A } from './a';\nexport type B = A[];\n");

    const groups = stronglyConnected(importGraph(sourceFiles(dir)));

    expect(groups.map((group) => group.length)).toEqual([2]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

function importGraph(files: string[]): Map<string, string[]> {
  return new Map(files.map((file) => [file, importsOf(file, readFileSync(file, 'utf8'))]));
}

/** The project files `file` imports, re-exports or `import()`s, by absolute path. */
function importsOf(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(path.resolve(path.dirname(file), specifier)))
    .filter((resolved): resolved is string => resolved !== undefined);
}

function resolve(base: string): string | undefined {
  const candidates = [`${base}.ts`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** Tarjan's strongly connected components: each group of files that reach one another. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}
