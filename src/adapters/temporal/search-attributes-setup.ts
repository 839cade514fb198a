import { status } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import {
  encodeSearchAttributeIndexedValueType,
  SearchAttributeType as SearchAttributeTypes,
  type SearchAttributeKey,
  type SearchAttributeType,
} from '@temporalio/common/lib/search-attributes';
import type { Logger } from 'pino';

type Services = Pick<Connection, 'operatorService' | 'workflowService' | 'withDeadline'>;
type Key = SearchAttributeKey<SearchAttributeType>;

/** Each call of the setup gets this long (an unreachable Temporal fails the setup, clearly). */
const CALL_TIMEOUT_MS = 15_000;

/** The setup could not make the namespace usable; the message says what to do. */
export class SearchAttributeSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SearchAttributeSetupError';
  }
}

/**
 * Registers the custom search attributes maestro needs on `namespace` when missing: lists first,
 * adds only what is missing, and tolerates another run adding them at the same time. Where the
 * operator API is refused (Temporal Cloud), checks through a visibility query instead and, if some
 * are missing, fails saying to create them in the Cloud UI or with tcld, naming them.
 * Resolves with the names it added.
 */
export async function ensureSearchAttributes(
  connection: Services,
  namespace: string,
  keys: readonly Key[],
  log: Logger,
): Promise<string[]> {
  const call = <T>(fn: () => Promise<T>) =>
    connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, fn);
  let existing: Record<string, unknown>;
  try {
    existing = await listCustom(connection, namespace, call);
  } catch (error) {
    if (!isOperatorRefusal(error)) throw error;
    return verifyThroughVisibility(connection, namespace, keys, call, error);
  }
  checkTypes(existing, keys);
  const missing = keys.filter((key) => existing[key.name] === undefined);
  if (missing.length === 0) return [];
  try {
    await call(() =>
      connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedTypeOf(k)])),
      }),
    );
  } catch (error) {
    if (isOperatorRefusal(error)) throw cloudError(namespace, missing, error);
    if (codeOf(error) !== status.ALREADY_EXISTS) throw error;
    log.info({ namespace }, 'search attributes added concurrently by another run');
    checkTypes(await listCustom(connection, namespace, call), keys);
    return [];
  }
  return missing.map((key) => key.name);
}

async function listCustom(
  connection: Services,
  namespace: string,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<Record<string, unknown>> {
  const listed = await call(() => connection.operatorService.listSearchAttributes({ namespace }));
  return listed.customAttributes ?? {};
}

function checkTypes(existing: Record<string, unknown>, keys: readonly Key[]): void {
  for (const key of keys) {
    const type = existing[key.name];
    if (type !== undefined && Number(type) !== indexedTypeOf(key)) {
      throw new SearchAttributeSetupError(
        `search attribute ${key.name} exists as ${typeName(Number(type))}; maestro needs ${key.type}`,
      );
    }
  }
}

/** Temporal Cloud: a count query naming an attribute fails if it is not registered. */
async function verifyThroughVisibility(
  connection: Services,
  namespace: string,
  keys: readonly Key[],
  call: <T>(fn: () => Promise<T>) => Promise<T>,
  refusal: unknown,
): Promise<string[]> {
  const missing: Key[] = [];
  for (const key of keys) {
    const query = `${key.name} = 'maestro-setup-check'`;
    try {
      await call(() => connection.workflowService.countWorkflowExecutions({ namespace, query }));
    } catch (error) {
      if (codeOf(error) !== status.INVALID_ARGUMENT) throw error;
      missing.push(key);
    }
  }
  if (missing.length > 0) throw cloudError(namespace, missing, refusal);
  return [];
}

function cloudError(namespace: string, missing: readonly Key[], cause: unknown) {
  const names = missing.map((key) => `${key.name} (${cliType(key)})`).join(', ');
  const tcld = missing.map((key) => `--search-attribute "${key.name}=${cliType(key)}"`).join(' ');
  return new SearchAttributeSetupError(
    `cannot add search attributes on namespace ${namespace}: the server refuses the operator API ` +
      `(Temporal Cloud does). Create ${names} in the Temporal Cloud UI or with ` +
      `\`tcld namespace search-attributes add --namespace ${namespace} ${tcld}\`, then run again`,
    { cause },
  );
}

const OPERATOR_REFUSALS: readonly number[] = [status.PERMISSION_DENIED, status.UNIMPLEMENTED];
const isOperatorRefusal = (error: unknown) => OPERATOR_REFUSALS.includes(codeOf(error) ?? -1);
const codeOf = (error: unknown) => (error as { code?: number }).code;

function indexedTypeOf(key: Key): number {
  const type = encodeSearchAttributeIndexedValueType(key.type);
  if (type === undefined) throw new Error(`unknown search attribute type ${key.type}`);
  return Number(type);
}

const typeName = (indexed: number) =>
  Object.values(SearchAttributeTypes).find(
    (type) => Number(encodeSearchAttributeIndexedValueType(type)) === indexed,
  ) ?? String(indexed);

/** `Keyword`, as the Temporal CLI and tcld spell types. */
const cliType = (key: Key) =>
  key.type
    .toLowerCase()
    .replace(/(^|_)(\w)/g, (_match: string, _sep: string, letter: string) => letter.toUpperCase());
