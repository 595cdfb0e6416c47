// The API contract: requests, answers, events and the status list. The routes and the OpenAPI
// document use it; the dashboard imports it type-only.
export * from './statuses.ts';
export * from './requests.ts';
export type * from './responses.ts';
