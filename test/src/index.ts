// Public surface of @mtswarm/test (re-exports only).
export * from './dc/index.js'
export { TestClient, TestRpcError, TestClientTimeoutError, innermostMethod } from './dc/testing/test-client.js'
export type { TestClientOptions, TestTransport, ReceivedMessage } from './dc/testing/test-client.js'
export { createApiHandler, apiHandlers, apiUpdatesHook, updatesFor } from './dc/api/index.js'
export type { ApiHandlerOptions, HandlerTable } from './dc/api/index.js'
export { dcLayersHook } from './dc/layers/index.js'
