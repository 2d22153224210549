// The engine's peer cache and resolver (re-exports only).
export { PEER_MEMORY_ENTRIES, PeerCache, PeerMemory, peerMemoryOf, type PeerCacheHost } from './peer-cache.js'
export { forEachPeerIn, inputPeerOf, peerOf, type SeenPeer } from './peer-records.js'
export { markedId, parsePeerRef, type ParsedPeerRef, type PeerRef } from './peer-ref.js'
export { inputChannelOf, inputUserOf, resolvePeerRef, type PeerInvoke } from './peer-resolver.js'
