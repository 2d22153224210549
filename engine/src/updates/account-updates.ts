// One account's updates actor: the updates machine provided with the engine's effects (getState,
// getDifference, getChannelDifference through the account's calls; delivery to the pipeline), fed
// with every Updates object the account sees — pushed, or inside an RPC result — and with the
// connection's new-session and outage notices. Loads the committed state from the store at start.
import { createActor, type Actor, type AnyActorRef, type InspectionEvent } from 'xstate'
import { updatesMachine, type UpdatesEnvelope, type UpdatesEvent, type UpdatesTiming } from '@mtswarm/machines'
import type { SessionStore } from '@mtswarm/storage'
import type { tl } from '../tl/index.js'
import type { AccountDelivery } from './delivery.js'
import { channelDifferenceOf, differenceOf, envelopeOf, isUpdates } from './normalize.js'

/** How many channel messages one getChannelDifference asks for (bots may ask 100,000; users 100). */
export const CHANNEL_DIFFERENCE_LIMIT = 100

/**
 * Dialogs read for the channels' pts when an account has no stored state. NB: one page: channels
 * past it start their box from their first update.
 */
export const DIALOGS_LIMIT = 100

/** The channels of a dialogs answer with their pts. */
function channelsOf(d: tl.messages.TypeDialogs): { channelId: bigint; pts: number }[] {
  if (d._ === 'messages.dialogsNotModified') return []
  const out: { channelId: bigint; pts: number }[] = []
  for (const dialog of d.dialogs) {
    if (dialog._ !== 'dialog' || dialog.peer._ !== 'peerChannel' || dialog.pts === undefined) continue
    out.push({ channelId: dialog.peer.channelId, pts: dialog.pts })
  }
  return out
}

/** What the updates actor needs from its account. */
export interface UpdatesPort {
  readonly accountId: string
  readonly store: SessionStore
  /** The account's user id (for the short private message forms). */
  selfId(): bigint
  /** One call on the home DC, as the account makes them. */
  call(request: tl.RpcMethod): Promise<unknown>
  /** The InputChannel of a channel the account has seen, or null. */
  inputChannel(channelId: bigint): Promise<tl.TypeInputChannel | null>
  /** Every users/chats vector goes to the peer cache. */
  absorb(value: unknown): void
  /** True when the peer cache's memory holds this user with a full access hash (no I/O). */
  knowsUser(userId: bigint): boolean
  /** Something went wrong that is not the caller's (a failed fetch, a crashed machine). */
  warn(message: string): void
  readonly inspect?: ((event: InspectionEvent) => void) | undefined
}

/** The updates machine with the engine's effects, for one account. */
export class AccountUpdates {
  private readonly actor: Actor<typeof updatesMachine>
  private started = false
  private stopped = false
  /** Envelopes of this tick, sent to the machine as one event (setImmediate). */
  private batch: UpdatesEnvelope[] = []
  private batchScheduled = false

  constructor(
    private readonly port: UpdatesPort,
    private readonly delivery: AccountDelivery,
    timing: Partial<UpdatesTiming>,
    parent: AnyActorRef | undefined,
  ) {
    const logic = updatesMachine.provide({
      actions: {
        fetchState: () => this.fetch({ _: 'updates.getState' }, (s) => {
          const st = s as tl.updates.RawState
          return { type: 'state.received', state: { pts: st.pts, qts: st.qts, seq: st.seq, date: st.date } }
        }, (errorMessage) => ({ type: 'state.failed', errorMessage })),
        fetchChannels: () => this.fetch(
          { _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: DIALOGS_LIMIT, hash: 0n },
          (d) => ({ type: 'channels.seeded', channels: channelsOf(d as tl.messages.TypeDialogs) }),
          (errorMessage) => ({ type: 'channels.failed', errorMessage }),
        ),
        fetchDifference: (_, p) => this.fetch(
          { _: 'updates.getDifference', pts: p.state.pts, date: p.state.date, qts: p.state.qts },
          (d) => ({ type: 'difference.received', answer: differenceOf(d as tl.updates.TypeDifference) }),
          (errorMessage) => ({ type: 'difference.failed', errorMessage }),
        ),
        fetchChannelDifference: (_, p) => void this.fetchChannel(p.channelId, p.pts),
        deliver: (_, p) => this.delivery.enqueue(p.items),
        commitPosition: (_, p) => this.delivery.markPosition(p.position),
        reportLost: (_, p) => this.port.warn(`updates lost for good in ${p.box === 'common' ? 'the common box' : `channel ${p.box}`} (the server no longer has the range)`),
      },
    })
    this.actor = createActor(logic, {
      id: `updates:${port.accountId}`,
      input: { accountId: port.accountId, timing },
      ...(parent === undefined ? {} : { parent }),
      ...(port.inspect === undefined ? {} : { inspect: port.inspect }),
    })
    this.actor.subscribe({ error: (e) => this.port.warn(`updates machine crashed: ${String(e)}`) })
  }

  /** The machine's state, dotted (for tests and the inspector). */
  get state(): unknown {
    return this.actor.getSnapshot().value
  }

  /** Starts from the committed state in the store (getState when there is none). Once. */
  async start(): Promise<void> {
    if (this.started || this.stopped) return
    this.started = true
    this.actor.start()
    const [common, channels] = await Promise.all([this.port.store.getUpdateState(this.port.accountId), this.port.store.listChannelPts(this.port.accountId)])
    if (this.stopped) return
    this.send({
      type: 'updates.start',
      stored: {
        common: common === undefined ? null : { pts: common.pts, qts: common.qts, seq: common.seq, date: common.date },
        channels: channels.map((c) => ({ channelId: c.channelId, pts: c.pts })),
      },
    })
  }

  /**
   * A pushed Updates object, or an RPC result (anything not of type Updates is ignored). What one
   * tick brings goes to the machine as one event, in arrival order.
   */
  received(value: unknown): void {
    if (!isUpdates(value) || !this.started || this.stopped) return
    this.port.absorb(value)
    const incoming = envelopeOf(value, this.port.selfId())
    // NB: a short message names a user without carrying it; one the cache does not know is
    // fetched with getDifference (which carries users), as the docs advise, instead of applied.
    if (incoming.kind === 'tooLong' || (value._ === 'updateShortMessage' && !this.port.knowsUser(value.userId)) || (value._ === 'updateShortChatMessage' && !this.port.knowsUser(value.fromId))) {
      this.flushBatch()
      this.send({ type: 'updates.tooLong' })
      return
    }
    this.batch.push(incoming.envelope)
    if (!this.batchScheduled) {
      this.batchScheduled = true
      setImmediate(() => this.flushBatch())
    }
  }

  /** Hands this tick's envelopes to the machine now (what the account has received is then in delivery). */
  flushBatch(): void {
    this.batchScheduled = false
    if (this.batch.length === 0) return
    const envelopes = this.batch
    this.batch = []
    this.send({ type: 'updates.received', envelopes })
  }

  /** new_session_created on the home DC. */
  sessionCreated(): void {
    this.flushBatch()
    this.send({ type: 'session.created' })
  }

  connectionDown(atMs: number): void {
    this.flushBatch()
    this.send({ type: 'connection.down', atMs })
  }

  connectionUp(atMs: number): void {
    this.flushBatch()
    this.send({ type: 'connection.up', atMs })
  }

  /** Stops the machine; running handlers finish and commit, queued ones replay after a restart. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    // NB: a child actor cannot be stopped from outside; the machine's own final state ends it.
    if (this.started) this.actor.send({ type: 'updates.stop' })
    await this.delivery.stop()
  }

  private send(event: UpdatesEvent): void {
    if (!this.started || this.stopped) return
    this.actor.send(event)
  }

  private fetch(request: tl.RpcMethod, ok: (result: unknown) => UpdatesEvent, failed: (errorMessage: string) => UpdatesEvent): void {
    this.port.call(request).then(
      (result) => {
        this.port.absorb(result)
        this.send(ok(result))
      },
      (e: unknown) => {
        if (this.stopped) return
        this.port.warn(`${request._} failed: ${messageOf(e)}`)
        this.send(failed(messageOf(e)))
      },
    )
  }

  private async fetchChannel(channelId: bigint, pts: number): Promise<void> {
    let channel: tl.TypeInputChannel | null
    try {
      channel = await this.port.inputChannel(channelId)
    } catch (e) {
      channel = null
      this.port.warn(`channel ${channelId}: no access hash (${messageOf(e)})`)
    }
    if (channel === null) {
      this.send({ type: 'channelDifference.failed', channelId, errorMessage: 'CHANNEL_INVALID' })
      return
    }
    this.fetch(
      { _: 'updates.getChannelDifference', channel, filter: { _: 'channelMessagesFilterEmpty' }, pts, limit: CHANNEL_DIFFERENCE_LIMIT },
      (d) => ({ type: 'channelDifference.received', channelId, answer: channelDifferenceOf(d as tl.updates.TypeChannelDifference) }),
      (errorMessage) => ({ type: 'channelDifference.failed', channelId, errorMessage }),
    )
  }
}

/** The error text: for an RpcError the server's own message (CHANNEL_PRIVATE …). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
