// Events the handshake machine receives from outside. The step results arrive as the outputs of
// the invoked step actors (xstate.done.actor.*), which the engine provides; no bytes, no crypto here.

/** Events of {@link handshakeMachine}. */
export type HandshakeEvent = { type: 'handshake.abort'; reason: string }

export const HANDSHAKE_EVENT_DESCRIPTIONS: Readonly<Record<HandshakeEvent['type'], string>> = {
  'handshake.abort': 'the owner gives up (socket gone, connection closed); ends in failed',
}

export const HANDSHAKE_EVENT_TYPES = Object.keys(HANDSHAKE_EVENT_DESCRIPTIONS) as HandshakeEvent['type'][]
