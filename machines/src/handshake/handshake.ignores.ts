// The (state, event) pairs the handshake machine deliberately ignores, with the reason.
import { ignoreAll } from '../testing/coverage.js'
import type { IgnoreTable } from '../testing/coverage.js'
import { HANDSHAKE_EVENT_TYPES } from './handshake.events.js'
import type { HandshakeEvent } from './handshake.events.js'

export const HANDSHAKE_IGNORES: IgnoreTable<HandshakeEvent['type']> = {
  done: ignoreAll(HANDSHAKE_EVENT_TYPES, 'finished: the output is final'),
  failed: ignoreAll(HANDSHAKE_EVENT_TYPES, 'finished: the output is final'),
}
