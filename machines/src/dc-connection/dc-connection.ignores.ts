// The (state, event) pairs the DC connection machine deliberately ignores, with the reason.
import { ignoreAll } from '../testing/coverage.js'
import type { IgnoreTable } from '../testing/coverage.js'
import { DC_CONNECTION_EVENT_TYPES } from './dc-connection.events.js'
import type { DcConnectionEvent } from './dc-connection.events.js'

type T = DcConnectionEvent['type']

const NO_SESSION = 'no encrypted session here: a late service message from a dropped socket changes nothing'
const sessionEvents = (reason: string): Partial<Record<T, string>> => ({
  'salt.bad': reason,
  'salts.received': reason,
  'msg.bad': reason,
  'session.created': reason,
  'session.destroyed': reason,
  'pong.received': reason,
  'ack.needed': reason,
  'msgs.stateRequested': reason,
  'msgs.stateReported': reason,
  'msgs.resendRequested': reason,
  'answer.announced': reason,
})
const NO_SOCKET = 'no socket now: a late report of the socket we dropped'

export const DC_CONNECTION_IGNORES: IgnoreTable<T> = {
  idle: {
    ...sessionEvents(NO_SESSION),
    'socket.connected': NO_SOCKET,
    'socket.closed': NO_SOCKET,
    'transport.error': NO_SOCKET,
    'key.confirmed': NO_SOCKET,
  },
  online: {
    'connection.open': 'already connecting or connected',
  },
  'online.connecting': sessionEvents(NO_SESSION),
  'online.handshaking': {
    ...sessionEvents('plain-text handshake in progress: no session yet'),
    'socket.connected': 'duplicate connect report; the handshake is already running',
  },
  'online.persistingKey': {
    ...sessionEvents('the key is not in use until stored: no session yet'),
    'socket.connected': 'duplicate connect report',
  },
  'online.ready': {
    'socket.connected': 'duplicate connect report',
  },
  'online.ready.keepalive.quiet': {
    'pong.received': 'late pong (after a reconnect or a duplicate); the next ping is scheduled anyway',
  },
  keyRejected: {
    ...sessionEvents(NO_SESSION),
    'socket.connected': NO_SOCKET,
    'socket.closed': NO_SOCKET,
    'transport.error': NO_SOCKET,
    'key.confirmed': NO_SOCKET,
  },
  backoff: {
    ...sessionEvents(NO_SESSION),
    'socket.connected': NO_SOCKET,
    'socket.closed': NO_SOCKET,
    'transport.error': NO_SOCKET,
    'key.confirmed': NO_SOCKET,
  },
  closed: ignoreAll(DC_CONNECTION_EVENT_TYPES, 'closed for good'),
}
