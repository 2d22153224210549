// Counters of what the test DC did: connections, handshakes, sessions, messages, RPC calls by
// method, faults fired and contained errors by kind. Plain numbers; knows nothing of sockets.

/** A live view of the test DC's counters (read them any time; `snapshot()` copies). */
export class TestDcStats {
  connectionsOpen = 0
  connectionsTotal = 0
  /** Per transport name (abridged, intermediate …; `obfuscated2/…` when obfuscated). */
  readonly transports: Record<string, number> = {}
  handshakesStarted = 0
  handshakesCompleted = 0
  handshakesFailed = 0
  /** dh_gen_retry answers sent. */
  handshakeRetries = 0
  /** Temporary keys created (p_q_inner_data_temp_dc). */
  tempKeys = 0
  sessionsCreated = 0
  /** Encrypted messages received (container items counted one by one). */
  messagesIn = 0
  /** Encrypted messages sent (container items counted one by one). */
  messagesOut = 0
  /** Transport frames received / sent. */
  framesIn = 0
  framesOut = 0
  /** API calls reaching dispatch, by innermost method name. */
  readonly rpcCalls: Record<string, number> = {}
  /** rpc_error answers by error message. */
  readonly rpcErrors: Record<string, number> = {}
  /** MTProto service requests by name (mt_ping, mt_get_future_salts …). */
  readonly serviceCalls: Record<string, number> = {}
  /** bad_msg_notification sent, by error code (48 = bad_server_salt). */
  readonly badMsgs: Record<number, number> = {}
  /** Each fault that fired, by fault name. */
  readonly faults: Record<string, number> = {}
  /** Contained per-connection errors by kind (bad frames, bad handshake steps, undecodable bodies …). */
  readonly errors: Record<string, number> = {}
  /** Transport errors sent (-404 …), by code. */
  readonly transportErrors: Record<number, number> = {}
  /** Answers resent from the per-session cache for a repeated msg_id. */
  cachedAnswersResent = 0
  updatesPushed = 0

  bump<K extends string | number>(table: Record<K, number>, key: K, by = 1): void {
    table[key] = (table[key] ?? 0) + by
  }

  /** A deep copy, safe to keep and compare. */
  snapshot(): TestDcStatsSnapshot {
    return JSON.parse(JSON.stringify(this)) as TestDcStatsSnapshot
  }
}

/** Plain-data copy of {@link TestDcStats}. */
export type TestDcStatsSnapshot = Omit<TestDcStats, 'bump' | 'snapshot'>
