// The swarm scenarios in the order `all` runs them (the comparison runs happen inside the first
// scenario that needs them, on a fresh DC; the key pool is built once and reused).
import type { Scenario } from '../swarm/context.js'
import { handshakeStorm } from './handshake-storm.js'
import { rpcThroughput } from './rpc-throughput.js'

export const SWARM_SCENARIOS: readonly Scenario[] = [handshakeStorm, rpcThroughput]
