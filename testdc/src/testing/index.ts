// Test support for anyone testing against the test DC (re-exports only): a raw MTProto client
// over a real socket, the shared RSA key fixture, a login helper that bypasses the API and a
// seeded PRNG, and the update load (users, chats, channels and server-side traffic with the
// messages each user must receive).
export { TestClient, TestRpcError, TestClientTimeoutError, innermostMethod } from './test-client.js'
export type { TestClientOptions, TestTransport, ReceivedMessage } from './test-client.js'
export { sharedRsaKeyPem, clientOptions, keyedClient } from './fixtures.js'
export { bindClientToUser } from './login.js'
export { seededRng } from './seeded-rng.js'
export { createUpdateLoad, DEFAULT_LOAD_MIX, DEFAULT_DRIVE_BATCH, MAX_LOAD_USERS_PER_DC } from './update-load.js'
export type { UpdateLoad, UpdateLoadOptions, LoadMix, LoadUser, LoadBatch, ExpectedMessage } from './update-load.js'
/** `'user:ID' | 'chat:ID' | 'channel:ID'` of an ExpectedMessage's chat (the engine's DeliveredUpdate.chat spelling). */
export { peerKey } from '../world/index.js'
export type { Peer } from '../world/index.js'
