import { DomainError, ErrorCode } from '../domain/errors';
import type { OperationSummary } from '../domain/operations/operation';
import type { OperationQueue } from '../ports/operation-queue';

export const OperationStage = { PENDING: 'pending', ACTIVE: 'active', FINAL: 'final' } as const;
export type OperationStage = (typeof OperationStage)[keyof typeof OperationStage];

export interface ListOperationsRequest {
  schedulerName: string;
  stage: string;
  /** `createdAt`, `createdAt asc` or `createdAt desc` (the default). */
  orderBy?: string;
  page?: number;
  perPage?: number;
}

export interface ListOperationsResult {
  page: number;
  pageSize: number;
  total: number;
  operations: Array<OperationSummary & { leaseTtl?: string }>;
}

const DEFAULT_PAGE_SIZE = 15;
const MAX_PAGE_SIZE = 100;

/**
 * Maestro's ListOperations: one stage at a time, ordered by creation time, paginated only for the
 * final stage, which leaves out runs that took no action. An unknown scheduler has no operations.
 */
export async function listOperations(
  queue: OperationQueue,
  request: ListOperationsRequest,
): Promise<ListOperationsResult> {
  const stage = parseStage(request.stage);
  const descending = parseOrder(request.orderBy);
  if (
    stage !== OperationStage.FINAL &&
    (request.page !== undefined || request.perPage !== undefined)
  ) {
    throw invalid(`there is no pagination filter implemented for ${stage} stage`);
  }
  const stages = await queue.list(request.schedulerName);
  const selected =
    stage === OperationStage.PENDING
      ? stages.pending
      : stage === OperationStage.ACTIVE
        ? stages.active
        : stages.finished.filter((operation) => !operation.hasNoAction);
  const ordered = [...selected].sort(
    (a, b) => (descending ? -1 : 1) * a.createdAt.localeCompare(b.createdAt),
  );
  if (stage !== OperationStage.FINAL) {
    return { page: 1, pageSize: ordered.length, total: ordered.length, operations: ordered };
  }
  const page = request.page ?? 1;
  const perPage = request.perPage ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(page) || page < 1) throw invalid('page must be greater than 0');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PAGE_SIZE) {
    throw invalid(`page size must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return {
    page,
    pageSize: perPage,
    total: ordered.length,
    operations: ordered.slice((page - 1) * perPage, page * perPage),
  };
}

function parseStage(stage: string): OperationStage {
  const known = Object.values(OperationStage).find((candidate) => candidate === stage);
  if (!known) throw invalid(`invalid stage filter: ${stage}`);
  return known;
}

/** True for descending. */
function parseOrder(orderBy: string | undefined): boolean {
  const [field, direction = 'desc', ...rest] = (orderBy ?? 'createdAt desc').trim().split(/\s+/);
  if (field !== 'createdAt' || !['asc', 'desc'].includes(direction) || rest.length > 0) {
    throw invalid(`invalid order by: ${orderBy}`);
  }
  return direction === 'desc';
}

const invalid = (message: string) => new DomainError(ErrorCode.INVALID_ARGUMENT, message);
