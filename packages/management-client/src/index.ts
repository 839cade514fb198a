export { ManagementClient, type ManagementClientOptions, type OperationStarted } from './client';
export { ApiError, ApiErrorCode, ConnectionError } from './errors';
export * from './types';
