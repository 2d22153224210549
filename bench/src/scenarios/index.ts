// The swarm scenarios in the order `all` runs them (the comparison runs happen inside the first
// scenario that needs them, on a fresh DC; the key pool is built once and reused).
import type { Scenario } from '../swarm/context.js'
import { faultsThroughput } from './faults-throughput.js'
import { handshakeStorm } from './handshake-storm.js'
import { idleAccounts } from './idle-accounts.js'
import { latencyUnderLoad } from './latency.js'
import { loginStorm } from './login-storm.js'
import { profileRpc } from './profile.js'
import { reconnectStorm } from './reconnect-storm.js'
import { restartLmdb } from './restart-lmdb.js'
import { rpcThroughput } from './rpc-throughput.js'
import { updatesScenario } from './updates.js'

export const SWARM_SCENARIOS: readonly Scenario[] = [
  handshakeStorm,
  loginStorm,
  rpcThroughput,
  latencyUnderLoad,
  idleAccounts,
  reconnectStorm,
  restartLmdb,
  faultsThroughput,
  updatesScenario,
  profileRpc,
]
