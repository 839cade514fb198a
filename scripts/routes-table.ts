/**
 * docs/routes.md: every HTTP route of the two APIs as verb → path → RPC → use case. Routes are
 * read from the RPCs' `google.api.http` options through the same `httpBindingOf` and the same
 * bound services the HTTP apps mount; the use case of each RPC is read from its implementation
 * (the use-case methods it calls, found with the TypeScript type checker), so the table cannot
 * drift from the code.
 */
import path from 'node:path';
import ts from 'typescript';
import {
  managementMethods,
  type ManagementApiDeps,
} from '../src/api/management/management-service';
import { roomsMethods, type RoomsApiDeps } from '../src/api/rooms/rooms-service';
import { httpBindingOf } from '../src/api/shared/http-bindings';
import type { BoundMethod } from '../src/api/shared/unary-service';

const root = path.resolve(__dirname, '..');

interface Api {
  title: string;
  /** The file whose `<service>Service(deps)` functions implement the RPCs. */
  implementationFile: string;
  /** Binding reads only the descriptors and handler names, so no dependency is used. */
  methods: BoundMethod[];
}

const APIS: readonly Api[] = [
  {
    title: 'Management API',
    implementationFile: 'src/api/management/management-service.ts',
    methods: managementMethods({} as ManagementApiDeps),
  },
  {
    title: 'Rooms API',
    implementationFile: 'src/api/rooms/rooms-service.ts',
    methods: roomsMethods({} as RoomsApiDeps),
  },
];

/** The use-case methods (`Class.method`, in src/app/) called by each RPC handler, by handler name. */
type UseCases = Map<string, string[]>;

function readUseCases(program: ts.Program, file: string): Map<string, UseCases> {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(root, file));
  if (!source) throw new Error(`${file} is not part of the program`);
  const byImplementation = new Map<string, UseCases>();
  for (const statement of source.statements) {
    if (!ts.isFunctionDeclaration(statement) || !statement.name || !statement.body) continue;
    const handlers: UseCases = new Map();
    statement.body.forEachChild((node) => {
      if (
        ts.isReturnStatement(node) &&
        node.expression &&
        ts.isObjectLiteralExpression(node.expression)
      ) {
        for (const handler of node.expression.properties) {
          if (ts.isMethodDeclaration(handler) && ts.isIdentifier(handler.name))
            handlers.set(handler.name.text, useCasesCalledIn(handler, checker));
        }
      }
    });
    byImplementation.set(statement.name.text, handlers);
  }
  return byImplementation;
}

function useCasesCalledIn(handler: ts.Node, checker: ts.TypeChecker): string[] {
  const found: string[] = [];
  handler.forEachChild(function visit(node) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const owner = checker.getTypeAtLocation(node.expression.expression).getSymbol();
      const declaredIn = owner?.declarations?.[0]?.getSourceFile().fileName;
      if (owner && declaredIn?.startsWith(path.join(root, 'src/app/'))) {
        const link = path.relative(path.join(root, 'docs'), declaredIn);
        found.push(`[\`${owner.name}.${node.expression.name.text}\`](${link})`);
      }
    }
    node.forEachChild(visit);
  });
  return found;
}

function rowsOf(api: Api, program: ts.Program): string[][] {
  const implementations = readUseCases(program, api.implementationFile);
  return api.methods.map(({ service, method }) => {
    const implementation = `${service.name[0]!.toLowerCase()}${service.name.slice(1)}`;
    const useCases = implementations.get(implementation)?.get(method.localName);
    if (!useCases?.length) {
      throw new Error(
        `${service.typeName}.${method.name}: no use case call found in ${implementation}().${method.localName} (${api.implementationFile})`,
      );
    }
    const { verb, template, hasBody } = httpBindingOf(method);
    const rpc = `\`${service.typeName}/${method.name}\``;
    const request = hasBody ? 'path + body' : 'path + query';
    return [verb, `\`${template}\``, request, rpc, useCases.join(', ')];
  });
}

export const ROUTES_DOCUMENT = path.join(root, 'docs/routes.md');

/** Columns padded to their widest cell, as Prettier (and so `npm run lint`) aligns them. */
function alignedTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The whole of docs/routes.md. */
export function renderRoutesDocument(): string {
  const program = ts.createProgram(
    APIS.map((api) => path.join(root, api.implementationFile)),
    {
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
    },
  );
  const sections = APIS.map((api) =>
    [
      `## ${api.title}`,
      '',
      `Implementations: [${path.basename(api.implementationFile)}](${path.relative('docs', api.implementationFile)}).`,
      '',
      ...alignedTable(
        ['Verb', 'Path', 'Request message from', 'RPC', 'Use case'],
        rowsOf(api, program),
      ),
    ].join('\n'),
  );
  return `${[HEADER, ...sections].join('\n\n')}\n`;
}

const HEADER = `# HTTP routes

<!-- Generated by \`npm run docs\` (scripts/routes-table.ts) from the protos' \`google.api.http\`
options and the RPC implementations; do not edit. test/unit/routes-table.test.ts fails when it is
out of date. -->

Every HTTP route of the two APIs, in the order the servers mount them: its verb and path (from the
RPC's \`google.api.http\` option, as grpc-gateway reads it), the RPC it calls (the same method
over native gRPC), and the use case (\`src/app/\`) that RPC's implementation calls. Path variables
(\`{scheduler_name}\`) fill the request field of that name; the rest of the request message is the
JSON body (\`body: "*"\`) or the query string ([management-api.md](management-api.md#how-it-is-built)).
Besides these, both APIs serve \`GET /openapi.json\` (their OpenAPI 3.1 document), their gRPC
ports answer server reflection, and every module serves \`/healthz\`, \`/readyz\` and \`/metrics\`
on its internal port.`;
