// The test DC's side of the auth key handshake on one connection: reads plain messages, runs the
// engine's server steps (req_pq / req_pq_multi → req_DH_params → set_client_DH_params), keeps
// the per-nonce state, and stores finished keys on the DC. Knows nothing of transports.
// https://core.telegram.org/mtproto/auth_key
import { toHex } from '@mtswarm/engine/crypto'
import {
  MessageIdGenerator,
  decodePlainMessage,
  encodePlainMessage,
  serverHandshake,
  type ServerAwaitingClientDh,
  type ServerAwaitingDhParams,
  type ServerHandshakeOptions,
} from '@mtswarm/engine/protocol'
import { TlError, deserializeObject, serializeObject, type TlObject } from '@mtswarm/engine/tl'
import type { AuthKeyRecord, ServerContext } from './server-context.js'

/** Handshakes in flight per connection (by nonce); more are refused. */
export const MAX_HANDSHAKES_PER_CONNECTION = 4

type State = ServerAwaitingDhParams | ServerAwaitingClientDh

/** What the handshake needs from the connection and the DC. */
export interface HandshakeHost {
  readonly ctx: ServerContext
  readonly dcId: number
  hasKey(authKeyId: bigint): boolean
  addKey(record: AuthKeyRecord): void
  /** Sends a plain message payload (after the slow-handshake delay, if any). */
  sendPlain(payload: Uint8Array): void
  /** Gives up on the connection (bad handshake input). */
  fail(kind: string): void
}

/** Per-connection handshake state. */
export class HandshakeResponder {
  private readonly states = new Map<string, State>()
  private readonly ids = new MessageIdGenerator({ role: 'server' })

  constructor(private readonly host: HandshakeHost) {}

  private options(): ServerHandshakeOptions {
    return { privateKeys: [this.host.ctx.rsaKey], dhPrime: this.host.ctx.dhPrime, g: this.host.ctx.g }
  }

  /** Handles one frame whose auth_key_id is 0. */
  receive(frame: Uint8Array): void {
    const ctx = this.host.ctx
    const plain = decodePlainMessage(frame, 'client')
    if (!plain.ok) return this.host.fail(`plain:${plain.error.kind}`)
    let obj: TlObject
    try {
      obj = deserializeObject(plain.value.body)
    } catch (e) {
      if (e instanceof TlError) return this.host.fail(`handshake-undecodable:${e.kind}`)
      throw e
    }
    const now = ctx.now()
    switch (obj._) {
      case 'mt_req_pq':
      case 'mt_req_pq_multi': {
        if (this.states.size >= MAX_HANDSHAKES_PER_CONNECTION) return this.host.fail('handshake:too-many')
        ctx.stats.handshakesStarted++
        const { response, state } = serverHandshake.step1(obj, this.options(), (n) => ctx.random(n))
        this.states.set(toHex(obj.nonce), state)
        return this.reply(response, now)
      }
      case 'mt_req_DH_params': {
        const key = toHex(obj.nonce)
        const state = this.states.get(key)
        if (state?.step !== 'server-awaiting-dh-params') return this.failHandshake(key, 'handshake:unexpected-req_DH_params')
        const r = serverHandshake.step2(state, obj, this.options(), (n) => ctx.random(n), now)
        if (!r.ok) return this.failHandshake(key, `handshake:${r.error.kind}`)
        this.states.set(key, r.value.state)
        return this.reply(r.value.response, now)
      }
      case 'mt_set_client_DH_params': {
        const key = toHex(obj.nonce)
        const state = this.states.get(key)
        if (state?.step !== 'server-awaiting-client-dh') return this.failHandshake(key, 'handshake:unexpected-set_client_DH_params')
        const forced = ctx.faults.dhGenVerdict()
        const r = serverHandshake.step3(state, obj, (id) => forced ?? (this.host.hasKey(id) ? 'retry' : 'ok'))
        if (!r.ok) return this.failHandshake(key, `handshake:${r.error.kind}`)
        const outcome = r.value
        if (outcome.kind === 'retry') {
          ctx.stats.handshakeRetries++
          this.states.set(key, outcome.state)
        } else if (outcome.kind === 'failed') {
          ctx.stats.handshakesFailed++
          this.states.delete(key)
        } else {
          this.states.delete(key)
          const k = outcome.key
          this.host.addKey({
            enc: { authKey: k.authKey, authKeyId: k.authKeyId },
            createdMs: now,
            initialSalt: k.serverSalt,
            ...(k.expiresIn === undefined ? {} : { expiresAtMs: now + k.expiresIn * 1000 }),
            ...(k.dc === undefined ? {} : { clientDc: k.dc }),
          })
          ctx.stats.handshakesCompleted++
          if (k.expiresIn !== undefined) ctx.stats.tempKeys++
        }
        return this.reply(outcome.response, now)
      }
      default:
        return this.host.fail(`handshake:unexpected-${obj._}`)
    }
  }

  private failHandshake(nonceKey: string, kind: string): void {
    this.states.delete(nonceKey)
    this.host.ctx.stats.handshakesFailed++
    this.host.fail(kind)
  }

  private reply(obj: TlObject, now: number): void {
    this.host.sendPlain(encodePlainMessage(this.ids.next(now, 'response'), serializeObject(obj)))
  }
}

