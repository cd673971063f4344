import { API_VERSION, type BaseResponse } from '@hvac-edge/shared';

/** EdgeX v3 response envelope; `requestId` echoes the request's when it sent one. */
export function envelope<T extends object>(statusCode: number, body: T, requestId?: string, message?: string) {
  const base: BaseResponse = { apiVersion: API_VERSION, statusCode };
  if (requestId) base.requestId = requestId;
  if (message) base.message = message;
  return { ...base, ...body };
}

export interface Paging {
  offset: number;
  limit: number;
}
