// Child process of session-strings.test.ts: a fresh engine (its own memory store, nothing shared
// with the parent but the test DC's address and key) imports the session string it reads on stdin,
// makes one call, and prints one JSON line: who it is, and how many handshakes and logins it took.
import { createEngine } from '@mtswarm/engine'
import { createMemoryStore } from '@mtswarm/storage'

interface Input {
  readonly dcs: { id: number; host: string; port: number }[]
  readonly publicKeyPem: string
  readonly session: string
  readonly passphrase?: string
}

let text = ''
for await (const chunk of process.stdin) text += String(chunk)
const input = JSON.parse(text) as Input
const store = createMemoryStore()
const engine = createEngine({ apiId: 4242, apiHash: '0123456789abcdef0123456789abcdef', store, closeStoreOnStop: false, dcs: input.dcs, publicKeys: [input.publicKeyPem] })
try {
  const account = await engine.importSession('moved', input.session, input.passphrase === undefined ? {} : { passphrase: input.passphrase })
  const [self] = await account.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })
  const updates = await store.getUpdateState('moved')
  process.stdout.write(
    `${JSON.stringify({
      state: account.state.state,
      userId: String(account.userId),
      selfId: String(self?.id),
      handshakes: engine.counters.handshakes,
      logins: engine.counters.logins,
      pts: updates?.pts ?? null,
    })}\n`,
  )
} finally {
  await engine.stop()
  await store.close()
}
