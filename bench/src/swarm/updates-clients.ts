// The receiving side of the updates scenario, one fleet per library, behind one shape: log in a
// list of test phones, call `onMessage(account, text)` from each library's documented update
// handler for every incoming private message, tell when everything handled is settled.
// - ours: one engine over one LMDB store, `engine.onUpdate` (at least once: the update state is
//   committed to LMDB only after the handler has resolved), default update timings.
// - mtcute: one `TelegramClient` per account (MemoryStorage, updates on), `onNewMessage`; it
//   dispatches without waiting for the handler and keeps its pts in memory.
// - GramJS: one `TelegramClient` per account (MemorySession, TCPFull), `addEventHandler(…, new
//   NewMessage({}))`; no gap recovery at all, so only its raw event rate means anything.
// Runs inside updates-child.ts; knows nothing of phases.
import { createEngine, type Account, type Engine } from '@mtswarm/engine'
import { openLmdbStore } from '@mtswarm/storage'
import type { DcHello } from './dc-protocol.js'
import { gramjsOnTestDc, mtcuteOnTestDc } from './peers.js'

/** The handler's work: a trivial side effect, then resolve. */
export type OnMessage = (account: number, text: string) => void

/** Logged-in receiving accounts of one library. */
export interface UpdatesFleet {
  /** Logs in every phone (code login: 99966XYYYY, code XXXXX) and waits until each one listens. */
  login(phones: readonly string[], progress: (text: string) => void): Promise<void>
  /** Resolves when everything handed to handlers so far is handled and committed (ours). */
  settled(): Promise<void>
  /** Update-state commits written so far (ours); undefined for libraries without the notion. */
  commits(): number | undefined
  /** When a connection last became ready (hrtime ms), as the library reports it; undefined if unknown. */
  connectedAtMs(): number | undefined
  close(): Promise<void>
}

/** process.hrtime in ms: CLOCK_MONOTONIC, comparable with the parent's. */
const hrtimeMs = (): number => Number(process.hrtime.bigint()) / 1e6

const API_HASH = '0123456789abcdef0123456789abcdef'
const API_ID = 4
/** Logins started at once (each is a handshake, sendCode, signIn, getState). */
const LOGIN_BATCH = 50
const POLL_MS = 10

function codeOf(phone: string): string {
  return (phone[5] as string).repeat(5)
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T, index: number) => Promise<void>, progress: (done: number) => void): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((item, k) => each(item, i + k)))
    progress(Math.min(items.length, i + size))
  }
}

/** Our engine over an LMDB store at `storePath`, dialing `hello`'s addresses. */
export async function oursFleet(hello: DcHello, storePath: string, onMessage: OnMessage): Promise<UpdatesFleet> {
  const store = await openLmdbStore({ path: storePath, encryptionKey: new Uint8Array(32).fill(0x5b) })
  const engine: Engine = createEngine({ apiId: API_ID, apiHash: API_HASH, store, dcs: hello.dcs, publicKeys: [hello.publicKeyPem] })
  const accounts: Account[] = []
  const indexOf = new Map<string, number>()
  let connectedAt: number | undefined
  engine.events$.subscribe((e) => {
    if (e.type === 'dc.ready') connectedAt = hrtimeMs()
  })
  engine.onUpdate(async (u) => {
    const i = indexOf.get(u.accountId)
    if (i === undefined || u.update._ !== 'updateNewMessage' || u.update.message._ !== 'message' || u.update.message.out === true) return
    onMessage(i, u.update.message.message)
  })
  return {
    async login(phones, progress) {
      await inBatches(
        phones,
        LOGIN_BATCH,
        async (phone, i) => {
          const id = `u-${i}`
          indexOf.set(id, i)
          const account = engine.account(id)
          accounts[i] = account
          await account.sendCode(phone)
          const r = await account.signIn(codeOf(phone))
          if (r.status !== 'authorized') throw new Error(`ours: ${phone} signIn answered ${r.status}`)
          // NB: pushes are only gap-checked once the updates machine knows its state.
          while (JSON.stringify(account.updatesState ?? '').indexOf('active') < 0) await new Promise((r) => setTimeout(r, POLL_MS))
        },
        (n) => progress(`ours: ${n}/${phones.length} logged in`),
      )
    },
    async settled() {
      await Promise.all(accounts.map((a) => a.updatesSettled()))
    },
    commits: () => engine.updateCounters.committed,
    connectedAtMs: () => connectedAt,
    close: () => engine.stop(),
  }
}

/** mtcute clients, one per account, dialing `hello`'s addresses (same knobs as swarm/peers.ts). */
export async function mtcuteFleet(hello: DcHello, onMessage: OnMessage): Promise<UpdatesFleet> {
  const newClient = await mtcuteOnTestDc(hello)
  const clients: import('@mtcute/node').TelegramClient[] = []
  let connectedAt: number | undefined
  return {
    async login(phones, progress) {
      await inBatches(
        phones,
        LOGIN_BATCH,
        async (phone, i) => {
          const client = newClient(Number(phone[5]))
          clients[i] = client
          client.onError.add(() => {})
          client.onConnectionState.add((state) => {
            if (state === 'connected') connectedAt = hrtimeMs()
          })
          // mtcute's documented handler; it does not wait for the promise.
          client.onNewMessage.add(async (m) => {
            if (!m.isOutgoing) onMessage(i, m.text)
          })
          await client.start({
            phone,
            code: async () => codeOf(phone),
            password: () => {
              throw new Error('bench accounts have no 2FA')
            },
            codeSentCallback: () => {},
          })
          // NB: start() resolves before the updates loop listens (getState runs after it); a push in
          // that window would be dropped (see test/src/interop/mtcute-driver.ts).
          const updates = (client._client as { updates?: { updatesLoopActive: boolean } }).updates
          if (updates === undefined) throw new Error('mtcute: the client has no updates manager')
          while (!updates.updatesLoopActive) await new Promise((r) => setTimeout(r, POLL_MS))
        },
        (n) => progress(`mtcute: ${n}/${phones.length} logged in`),
      )
    },
    settled: async () => {},
    commits: () => undefined,
    connectedAtMs: () => connectedAt,
    async close() {
      await Promise.all(clients.map((c) => c.destroy()))
    },
  }
}

/** GramJS clients, one per account, dialing `hello`'s addresses (same knobs as swarm/peers.ts). */
export async function gramjsFleet(hello: DcHello, onMessage: OnMessage): Promise<UpdatesFleet> {
  const { NewMessage } = await import('telegram/events/index.js')
  const newClient = await gramjsOnTestDc(hello)
  const clients: import('telegram').TelegramClient[] = []
  return {
    async login(phones, progress) {
      await inBatches(
        phones,
        LOGIN_BATCH,
        async (phone, i) => {
          const client = newClient(Number(phone[5]))
          clients[i] = client
          let failure: unknown
          await client.start({
            phoneNumber: phone,
            phoneCode: async () => codeOf(phone),
            // GramJS retries forever unless onError answers "stop"; keep the real error.
            onError: async (err) => {
              failure ??= err
              return true
            },
          })
          if (failure !== undefined) throw failure
          // NB: GramJS's update dispatch needs its self peer (see test/src/interop/gramjs-driver.ts).
          await client.getMe()
          client.addEventHandler(async (ev: { message: { out?: boolean; message: string } }) => {
            if (ev.message.out !== true) onMessage(i, ev.message.message)
          }, new NewMessage({}))
        },
        (n) => progress(`gramjs: ${n}/${phones.length} logged in`),
      )
    },
    settled: async () => {},
    commits: () => undefined,
    connectedAtMs: () => undefined,
    async close() {
      await Promise.all(clients.map((c) => c.destroy()))
    },
  }
}
