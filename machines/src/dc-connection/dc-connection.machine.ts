// One connection to one DC: idle → online (connecting → handshaking → persistingKey → ready) →
// backoff → online …, and inside ready the salt, keepalive, ack and probe regions plus one
// transition per service message (bad_server_salt, bad_msg_notification, new_session_created,
// destroy_session_ok/none, msgs_state_req/info, msg_resend_req, msg_(new_)detailed_info) and the
// transport errors.
// Owns decisions only: sockets, crypto, storage and the outbound queue are engine-provided.
// https://core.telegram.org/mtproto/service_messages_about_messages
import { assign, fromCallback, fromPromise, raise, setup } from 'xstate'
import { handshakeMachine } from '../handshake/handshake.machine.js'
import { secret, type Secret } from '../secret/secret.js'
import { DC_CONNECTION_EVENT_DESCRIPTIONS as ev } from './dc-connection.events.js'
import type { DcConnectionEvent, DcConnectionReport, FutureSalt } from './dc-connection.events.js'
import {
  ACK_FLUSH_DELAY_MS,
  CONNECT_TIMEOUT_MS,
  FUTURE_SALTS_COUNT,
  FUTURE_SALTS_RETRY_MS,
  KEY_RECHECKS,
  KEY_REJECTED_RETRY_MS,
  MAX_PENDING_ACKS,
  PING_DISCONNECT_DELAY_SEC,
  PING_INTERVAL_MS,
  PONG_TIMEOUT_MS,
  STALE_ACKED_CALL_MS,
  STATE_PROBE_INTERVAL_MS,
  TRANSPORT_ERROR_FLOOD,
  TRANSPORT_ERROR_NO_AUTH_KEY,
  classifyBadMsg,
  currentSalt,
  initialDcConnectionContext,
  nextStoredSalt,
  reconnectBackoffMs,
  saltRefreshDelayMs,
  timeOffsetFromMsgId,
  timeSyncNeedsNewSession,
} from './dc-connection.logic.js'
import type { DcConnectionContext, DcConnectionInput } from './dc-connection.logic.js'

export type { DcConnectionEffects, SaveAuthKeyInput, SocketInput } from './dc-connection.effects.js'
import type { DcConnectionEffects, SaveAuthKeyInput, SocketInput } from './dc-connection.effects.js'

type Ctx = { context: DcConnectionContext }
/** saveAuthKey's input when no key is held (unreachable: persistingKey is entered with one). */
const NO_KEY = secret(new Uint8Array(0))
const dcOnly = ({ context }: Ctx) => ({ dcId: context.dcId })
const requeueUnacked = {
  type: 'requeueInFlight' as const,
  params: ({ context }: Ctx) => ({ dcId: context.dcId, scope: 'unacked' as const, reason: 'reconnect' as const }),
}
const flushPendingAcks = [
  { type: 'flushAcks' as const, params: dcOnly },
  assign<DcConnectionContext, any, undefined, DcConnectionEvent, any>({ pendingAcks: 0 }),
]
const storeCurrentSalt = {
  type: 'storeSalt' as const,
  params: ({ context }: Ctx) => ({ dcId: context.dcId, salt: context.serverSalt }),
}
const destroyPrevious = { type: 'destroyPreviousSessions' as const, params: dcOnly }

// NB: `_parent` is the owner that spawned us; a standalone connection (tests, benches) has none.
const report = (event: DcConnectionReport) => ({ self }: { self: { _parent?: { send(e: unknown): void } } }) =>
  self._parent?.send(event)

/** One DC connection. Input {@link DcConnectionInput}. */
export const dcConnectionMachine = setup({
  types: {
    context: {} as DcConnectionContext,
    events: {} as DcConnectionEvent,
    input: {} as DcConnectionInput,
  },
  actors: {
    socket: fromCallback<DcConnectionEvent, SocketInput>(() => {}),
    handshake: handshakeMachine,
    saveAuthKey: fromPromise<void, SaveAuthKeyInput>(async () => {
      throw new Error("dcConnection actor 'saveAuthKey' must be provided by the engine")
    }),
  },
  actions: {
    storeSalt: (_: unknown, _p: DcConnectionEffects['storeSalt']) => {},
    storeFutureSalts: (_: unknown, _p: DcConnectionEffects['storeFutureSalts']) => {},
    requestFutureSalts: (_: unknown, _p: DcConnectionEffects['requestFutureSalts']) => {},
    resendMessages: (_: unknown, _p: DcConnectionEffects['resendMessages']) => {},
    requeueInFlight: (_: unknown, _p: DcConnectionEffects['requeueInFlight']) => {},
    failMessages: (_: unknown, _p: DcConnectionEffects['failMessages']) => {},
    applyTimeOffset: (_: unknown, _p: DcConnectionEffects['applyTimeOffset']) => {},
    resetSession: (_: unknown, _p: DcConnectionEffects['resetSession']) => {},
    notifyNewSession: (_: unknown, _p: DcConnectionEffects['notifyNewSession']) => {},
    sendPing: (_: unknown, _p: DcConnectionEffects['sendPing']) => {},
    flushAcks: (_: unknown, _p: DcConnectionEffects['flushAcks']) => {},
    answerStateRequest: (_: unknown, _p: DcConnectionEffects['answerStateRequest']) => {},
    probeStaleCalls: (_: unknown, _p: DcConnectionEffects['probeStaleCalls']) => {},
    requestResend: (_: unknown, _p: DcConnectionEffects['requestResend']) => {},
    acknowledge: (_: unknown, _p: DcConnectionEffects['acknowledge']) => {},
    destroyPreviousSessions: (_: unknown, _p: DcConnectionEffects['destroyPreviousSessions']) => {},
    failHeldCalls: (_: unknown, _p: DcConnectionEffects['failHeldCalls']) => {},
    reportReady: (args: any, p: DcConnectionEffects['reportReady']) => report({ type: 'dc.ready', dcId: p.dcId })(args),
    reportDown: (args: any, p: DcConnectionEffects['reportDown']) =>
      report({ type: 'dc.down', dcId: p.dcId, reason: p.reason })(args),
  },
  guards: {
    hasAuthKey: ({ context }) => context.authKeyId !== null,
    ackThresholdReached: ({ context }) => context.pendingAcks >= MAX_PENDING_ACKS,
    hasStoredSalt: ({ context }) => context.saltValidForMs > 0,
    storedSaltNext: ({ context }) => nextStoredSalt(context) !== null,
  },
  delays: {
    connectTimeout: CONNECT_TIMEOUT_MS,
    reconnectBackoff: ({ context }) => reconnectBackoffMs(context.reconnectAttempt),
    pingInterval: PING_INTERVAL_MS,
    pongTimeout: PONG_TIMEOUT_MS,
    ackFlush: ACK_FLUSH_DELAY_MS,
    saltRefresh: ({ context }) => saltRefreshDelayMs(context.saltValidForMs),
    futureSaltsRetry: FUTURE_SALTS_RETRY_MS,
    keyRejectedRetry: KEY_REJECTED_RETRY_MS,
    stateProbe: STATE_PROBE_INTERVAL_MS,
  },
}).createMachine({
  id: 'dcConnection',
  description: 'One MTProto connection to one DC, from socket to ready session, and back on failure.',
  context: ({ input }) => initialDcConnectionContext(input),
  initial: 'idle',
  on: {
    'connection.close': { target: '.closed', description: ev['connection.close'] },
  },
  states: {
    idle: {
      description: 'Created, not asked to connect yet.',
      on: { 'connection.open': { target: 'online', description: ev['connection.open'] } },
    },
    online: {
      description: 'A socket exists (the invoked socket actor lives exactly as long as this state).',
      invoke: { id: 'socket', src: 'socket', input: dcOnly },
      initial: 'connecting',
      on: {
        'socket.closed': {
          target: 'backoff',
          description: ev['socket.closed'],
          actions: [requeueUnacked, assign({ lastError: ({ event }) => `socket closed: ${event.reason}` })],
        },
        'transport.error': [
          {
            guard: ({ context, event }) => event.code === TRANSPORT_ERROR_NO_AUTH_KEY && context.authKeyId === null,
            target: 'backoff',
            description: '-404 before we have a key: nothing to re-check; reconnect after backoff',
            actions: [requeueUnacked, assign({ lastError: 'transport error -404' })],
          },
          {
            guard: ({ context, event }) => event.code === TRANSPORT_ERROR_NO_AUTH_KEY && context.keyRechecks < KEY_RECHECKS,
            target: 'backoff',
            description:
              '-404 for our stored key: four unauthenticated bytes, so never a reason to drop it; re-check on a fresh connection',
            actions: [
              requeueUnacked,
              assign({
                keyRechecks: ({ context }) => context.keyRechecks + 1,
                lastError: 'transport error -404: re-checking our key on a fresh connection',
              }),
            ],
          },
          {
            guard: ({ event }) => event.code === TRANSPORT_ERROR_NO_AUTH_KEY,
            target: 'keyRejected',
            description:
              '-404 for our stored key, already re-checked KEY_RECHECKS times: keep the key, fail what we hold, retry later',
            actions: assign({ lastError: 'transport error -404: the server does not know our key (kept)' }),
          },
          {
            guard: ({ event }) => event.code === TRANSPORT_ERROR_FLOOD,
            target: 'backoff',
            description: '-429: too many connections from us; back off before reconnecting',
            actions: [requeueUnacked, assign({ lastError: 'transport error -429' })],
          },
          {
            target: 'backoff',
            description: 'any other transport error: reconnect after backoff',
            actions: [requeueUnacked, assign({ lastError: ({ event }) => `transport error ${event.code}` })],
          },
        ],
        'key.confirmed': {
          description: ev['key.confirmed'],
          actions: assign({ keyRechecks: 0 }),
        },
      },
      states: {
        connecting: {
          description: 'Waiting for the socket to connect (connectTimeout).',
          on: {
            'socket.connected': [
              { guard: 'hasAuthKey', target: 'ready', description: 'connected with a stored key: session ready' },
              { target: 'handshaking', description: 'connected without a key: create one first' },
            ],
          },
          after: {
            connectTimeout: {
              target: '#dcConnection.backoff',
              description: 'the socket did not connect in time',
              actions: assign({ lastError: 'connect timeout' }),
            },
          },
        },
        handshaking: {
          description: 'No auth key: the handshake child creates one.',
          invoke: {
            id: 'handshake',
            src: 'handshake',
            input: dcOnly,
            onDone: [
              {
                guard: ({ event }) => event.output.ok,
                target: 'persistingKey',
                description: 'key created: store it before using it',
                actions: [
                  assign(({ event }) => {
                    const r = (event.output as Extract<typeof event.output, { ok: true }>).result
                    return {
                      authKeyId: r.authKeyId,
                      unsavedAuthKey: r.authKey,
                      serverSalt: r.serverSalt,
                      saltValidForMs: 0,
                      timeOffsetMs: r.timeOffsetMs,
                    }
                  }),
                  { type: 'applyTimeOffset', params: ({ context }) => ({ dcId: context.dcId, timeOffsetMs: context.timeOffsetMs }) },
                  { type: 'storeSalt', params: ({ context }) => ({ dcId: context.dcId, salt: context.serverSalt }) },
                ],
              },
              {
                target: '#dcConnection.backoff',
                description: 'the handshake gave up: reconnect after backoff',
                actions: assign({
                  lastError: ({ event }) =>
                    event.output.ok ? null : `handshake failed: ${event.output.failure.kind}`,
                }),
              },
            ],
          },
        },
        persistingKey: {
          description: 'The new key is being written to storage (a key is stored before its first use).',
          invoke: {
            src: 'saveAuthKey',
            input: ({ context }: Ctx) => ({
              dcId: context.dcId,
              authKeyId: context.authKeyId ?? 0n,
              authKey: context.unsavedAuthKey ?? NO_KEY,
            }),
            onDone: { target: 'ready', description: 'stored: use it', actions: assign({ unsavedAuthKey: null }) },
            onError: {
              target: '#dcConnection.backoff',
              description: 'could not store it: forget it, never use an unstored key',
              actions: assign({ authKeyId: null, unsavedAuthKey: null, lastError: 'saving the auth key failed' }),
            },
          },
        },
        ready: {
          description: 'Encrypted session up: RPCs flow. Salt, keepalive and acks run in parallel.',
          type: 'parallel',
          // NB: reportReady makes the session; only then can the previous one be destroyed.
          entry: [{ type: 'reportReady', params: dcOnly }, destroyPrevious, assign({ reconnectAttempt: 0, lastError: null })],
          on: {
            'salt.bad': {
              description: ev['salt.bad'],
              actions: [
                assign({ serverSalt: ({ event }) => event.newServerSalt }),
                { type: 'storeSalt', params: ({ context }) => ({ dcId: context.dcId, salt: context.serverSalt }) },
                {
                  type: 'resendMessages',
                  params: ({ context, event }) => ({
                    dcId: context.dcId,
                    msgIds: [event.badMsgId],
                    reason: 'badServerSalt' as const,
                  }),
                },
              ],
            },
            'msg.bad': [
              {
                guard: ({ context, event }) =>
                  classifyBadMsg(event.errorCode).kind === 'timeSync' &&
                  timeSyncNeedsNewSession(context.timeOffsetMs, timeOffsetFromMsgId(event.serverMsgId, event.nowMs)),
                description:
                  '16/17 and the server clock moved back past the 30 s window: take the offset, new session (ids restart), resend everything in flight',
                actions: [
                  assign({ timeOffsetMs: ({ event }) => timeOffsetFromMsgId(event.serverMsgId, event.nowMs) }),
                  {
                    type: 'applyTimeOffset',
                    params: ({ context }) => ({ dcId: context.dcId, timeOffsetMs: context.timeOffsetMs }),
                  },
                  { type: 'resetSession', params: dcOnly },
                  destroyPrevious,
                  {
                    type: 'requeueInFlight',
                    params: ({ context }) => ({ dcId: context.dcId, scope: 'all' as const, reason: 'sessionReset' as const }),
                  },
                ],
              },
              {
                guard: ({ event }) => classifyBadMsg(event.errorCode).kind === 'timeSync',
                description: '16/17 msg_id too low/high: take the time offset from the server msg_id, resend',
                actions: [
                  assign({ timeOffsetMs: ({ event }) => timeOffsetFromMsgId(event.serverMsgId, event.nowMs) }),
                  {
                    type: 'applyTimeOffset',
                    params: ({ context }) => ({ dcId: context.dcId, timeOffsetMs: context.timeOffsetMs }),
                  },
                  {
                    type: 'resendMessages',
                    params: ({ context, event }) => ({
                      dcId: context.dcId,
                      msgIds: [event.badMsgId],
                      reason: 'badMsgTime' as const,
                    }),
                  },
                ],
              },
              {
                guard: ({ event }) => classifyBadMsg(event.errorCode).kind === 'sessionReset',
                description: '32/33 msg_seqno too low/high: new session, seqno 0, resend everything in flight, destroy the old one',
                actions: [
                  { type: 'resetSession', params: dcOnly },
                  destroyPrevious,
                  {
                    type: 'requeueInFlight',
                    params: ({ context }) => ({ dcId: context.dcId, scope: 'all' as const, reason: 'sessionReset' as const }),
                  },
                ],
              },
              {
                guard: ({ event }) => classifyBadMsg(event.errorCode).kind === 'resend',
                description: '20 message too old: resend it under a new msg_id; 48 bad salt: send it again as it was',
                actions: {
                  type: 'resendMessages',
                  params: ({ context, event }) => {
                    const action = classifyBadMsg(event.errorCode)
                    return {
                      dcId: context.dcId,
                      msgIds: [event.badMsgId],
                      reason: action.kind === 'resend' ? action.reason : ('resendRequested' as const),
                    }
                  },
                },
              },
              {
                description: '18/19/34/35/64: our own bug; fail the message (every call of a container it names) rather than loop',
                actions: {
                  type: 'failMessages',
                  params: ({ context, event }) => ({
                    dcId: context.dcId,
                    msgIds: [event.badMsgId],
                    errorCode: event.errorCode,
                  }),
                },
              },
            ],
            'session.created': {
              description: ev['session.created'],
              actions: [
                assign({ serverSalt: ({ event }) => event.serverSalt }),
                { type: 'storeSalt', params: ({ context }) => ({ dcId: context.dcId, salt: context.serverSalt }) },
                {
                  type: 'notifyNewSession',
                  params: ({ context, event }) => ({ dcId: context.dcId, firstMsgId: event.firstMsgId }),
                },
              ],
            },
            'session.destroyed': [
              {
                guard: ({ event }) => event.current,
                description: 'our current session was destroyed: new session id, seqno 0, resend everything in flight',
                actions: [
                  { type: 'resetSession', params: dcOnly },
                  {
                    type: 'requeueInFlight',
                    params: ({ context }) => ({ dcId: context.dcId, scope: 'all' as const, reason: 'sessionReset' as const }),
                  },
                ],
              },
              { description: 'the answer to our destroy_session of a previous session: nothing of ours changes' },
            ],
            'msgs.stateRequested': {
              description: 'msgs_state_req: answer with msgs_state_info (one state byte per msg_id)',
              actions: {
                type: 'answerStateRequest',
                params: ({ context, event }) => ({ dcId: context.dcId, reqMsgId: event.reqMsgId, msgIds: event.msgIds }),
              },
            },
            'msgs.stateReported': [
              {
                guard: ({ event }) => event.missing.length > 0,
                description: 'msgs_state_info: the server does not have some of them; send those again under new msg_ids',
                actions: {
                  type: 'resendMessages',
                  params: ({ context, event }) => ({ dcId: context.dcId, msgIds: event.missing, reason: 'resendRequested' as const }),
                },
              },
              { description: 'msgs_state_info: the server has them all; their answers are on the way' },
            ],
            'msgs.resendRequested': {
              description: 'msg_resend_req: send those of our messages again under new msg_ids',
              actions: {
                type: 'resendMessages',
                params: ({ context, event }) => ({ dcId: context.dcId, msgIds: event.msgIds, reason: 'resendRequested' as const }),
              },
            },
            'answer.announced': [
              {
                guard: ({ event }) => !event.received && event.wanted,
                description: 'msg_detailed_info for an answer we never got and a call waits for: msg_resend_req for it',
                actions: {
                  type: 'requestResend',
                  params: ({ context, event }) => ({ dcId: context.dcId, msgIds: [event.answerMsgId] }),
                },
              },
              {
                description: 'msg_detailed_info for an answer we have (or nobody waits for): acknowledge it',
                actions: [
                  {
                    type: 'acknowledge',
                    params: ({ context, event }) => ({ dcId: context.dcId, msgIds: [event.answerMsgId] }),
                  },
                  raise({ type: 'ack.needed', count: 1 }),
                ],
              },
            ],
          },
          states: {
            salt: {
              description: 'Server salt lifecycle: stored future salts are used in turn, more are fetched when none is left.',
              initial: 'starting',
              on: {
                'salts.received': {
                  guard: ({ event }) => currentSalt(event.salts, event.nowMs) !== null,
                  target: '.valid',
                  reenter: true,
                  description: 'future_salts: keep them, switch to the salt valid now, schedule the next refresh',
                  actions: [
                    assign(({ event }) => {
                      const s = currentSalt(event.salts, event.nowMs) as FutureSalt
                      return {
                        serverSalt: s.salt,
                        saltValidForMs: s.validUntilMs - event.nowMs,
                        saltClockMs: event.nowMs,
                        futureSalts: event.salts,
                      }
                    }),
                    storeCurrentSalt,
                    {
                      type: 'storeFutureSalts',
                      params: ({ context, event }) => ({ dcId: context.dcId, salts: event.salts }),
                    },
                  ],
                },
              },
              states: {
                starting: {
                  description: 'Ready again: a known salt with time left is used as is, else future salts are fetched.',
                  always: [
                    {
                      guard: 'hasStoredSalt',
                      target: 'valid',
                      description: 'a stored future salt is valid: use it, no bad_server_salt round trip',
                      actions: storeCurrentSalt,
                    },
                    { target: 'refreshing', description: 'no salt known valid: fetch future salts' },
                  ],
                },
                refreshing: {
                  description: 'get_future_salts sent; waiting for future_salts.',
                  entry: {
                    type: 'requestFutureSalts',
                    params: ({ context }: Ctx) => ({ dcId: context.dcId, count: FUTURE_SALTS_COUNT }),
                  },
                  after: {
                    futureSaltsRetry: { target: 'refreshing', reenter: true, description: 'no answer: ask again' },
                  },
                },
                valid: {
                  description: 'The salt is good for saltValidForMs; refresh saltRefresh before it ends.',
                  after: {
                    saltRefresh: [
                      {
                        guard: 'storedSaltNext',
                        target: 'valid',
                        reenter: true,
                        description: 'expiry is near and a stored future salt is valid: switch to it',
                        actions: [
                          assign(({ context }) => {
                            const next = nextStoredSalt(context) as NonNullable<ReturnType<typeof nextStoredSalt>>
                            return {
                              serverSalt: next.salt.salt,
                              saltValidForMs: next.salt.validUntilMs - next.atMs,
                              saltClockMs: next.atMs,
                            }
                          }),
                          storeCurrentSalt,
                        ],
                      },
                      { target: 'refreshing', description: 'expiry is near and no stored salt is left: fetch salts' },
                    ],
                  },
                },
              },
            },
            keepalive: {
              description: 'ping_delay_disconnect after a quiet interval; a missing pong means a dead link.',
              initial: 'quiet',
              states: {
                quiet: {
                  description: 'Waiting pingInterval before the next ping.',
                  after: { pingInterval: { target: 'awaitingPong', description: 'time to ping' } },
                },
                awaitingPong: {
                  description: 'ping_delay_disconnect sent; waiting for the pong (pongTimeout).',
                  entry: {
                    type: 'sendPing',
                    params: ({ context }: Ctx) => ({
                      dcId: context.dcId,
                      disconnectDelaySec: PING_DISCONNECT_DELAY_SEC,
                    }),
                  },
                  on: { 'pong.received': { target: 'quiet', description: ev['pong.received'] } },
                  after: {
                    pongTimeout: {
                      target: '#dcConnection.backoff',
                      description: 'no pong: the link is dead, reconnect',
                      actions: [requeueUnacked, assign({ lastError: 'pong timeout' })],
                    },
                  },
                },
              },
            },
            acks: {
              description: 'msgs_ack batching: flushed after ackFlush or at MAX_PENDING_ACKS.',
              initial: 'none',
              states: {
                none: {
                  description: 'Nothing to acknowledge.',
                  on: {
                    'ack.needed': {
                      target: 'pending',
                      description: ev['ack.needed'],
                      actions: assign({ pendingAcks: ({ context, event }) => context.pendingAcks + event.count }),
                    },
                  },
                },
                pending: {
                  description: 'Acks waiting to be flushed (the flush timer started with the first one).',
                  // NB: leaving this state for any reason flushes, so no ack is ever forgotten.
                  exit: flushPendingAcks,
                  always: { guard: 'ackThresholdReached', target: 'none', description: 'enough acks: flush now' },
                  on: {
                    'ack.needed': {
                      description: 'more acks to send',
                      actions: assign({ pendingAcks: ({ context, event }) => context.pendingAcks + event.count }),
                    },
                  },
                  after: { ackFlush: { target: 'none', description: 'flush delay over' } },
                },
              },
            },
            probe: {
              description: 'Calls the server acknowledged and left unanswered are asked about (msgs_state_req).',
              initial: 'watching',
              states: {
                watching: {
                  description: 'Every stateProbe, look for calls acked and unanswered past STALE_ACKED_CALL_MS.',
                  after: {
                    stateProbe: {
                      target: 'watching',
                      reenter: true,
                      description: 'ask the server about stale calls; its msgs_state_info says what to send again',
                      actions: {
                        type: 'probeStaleCalls',
                        params: ({ context }: Ctx) => ({ dcId: context.dcId, unansweredForMs: STALE_ACKED_CALL_MS }),
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    keyRejected: {
      description:
        'The server answered -404 to our stored key on several fresh connections. The key stays stored (only an authenticated revocation may forget it); held calls fail with -404; retried every keyRejectedRetry.',
      entry: [
        {
          type: 'failHeldCalls',
          params: ({ context }: Ctx) => ({
            dcId: context.dcId,
            transportErrorCode: TRANSPORT_ERROR_NO_AUTH_KEY,
            reason: 'transport error -404: the server does not know our auth key (kept in the store)',
          }),
        },
        { type: 'reportDown', params: ({ context }: Ctx) => ({ dcId: context.dcId, reason: context.lastError ?? 'transport error -404' }) },
      ],
      on: { 'connection.open': { target: 'online', description: 'the owner asks again: re-check the key now' } },
      after: { keyRejectedRetry: { target: 'online', description: 'try the key again on a fresh connection' } },
    },
    backoff: {
      description: 'Disconnected; waiting reconnectBackoff (grows per failed attempt) before reconnecting.',
      entry: [
        assign({ reconnectAttempt: ({ context }) => context.reconnectAttempt + 1 }),
        { type: 'reportDown', params: ({ context }: Ctx) => ({ dcId: context.dcId, reason: context.lastError ?? 'unknown' }) },
      ],
      on: { 'connection.open': { target: 'online', description: 'reconnect now, skip the wait' } },
      after: { reconnectBackoff: { target: 'online', description: 'backoff over: reconnect' } },
    },
    closed: { type: 'final', description: 'Closed by the owner.' },
  },
})
