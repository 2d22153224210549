// Runs the SessionStore contract against the in-memory store.
import { createMemoryStore } from './memory-store.js'
import { sessionStoreContract } from './session-store.contract.js'

sessionStoreContract('memory', async () => {
  const store = createMemoryStore()
  return { store, cleanup: () => store.close() }
})
