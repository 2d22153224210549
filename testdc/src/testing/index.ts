// Test support for anyone testing against the test DC (re-exports only): a raw MTProto client
// over a real socket, the shared RSA key fixture, a login helper that bypasses the API and a
// seeded PRNG.
export { TestClient, TestRpcError, TestClientTimeoutError, innermostMethod } from './test-client.js'
export type { TestClientOptions, TestTransport, ReceivedMessage } from './test-client.js'
export { sharedRsaKeyPem, clientOptions, keyedClient } from './fixtures.js'
export { bindClientToUser } from './login.js'
export { seededRng } from './seeded-rng.js'
