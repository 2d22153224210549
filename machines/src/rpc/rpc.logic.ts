// Pure rules of one RPC's life: error classification (FLOOD_WAIT_X, *_MIGRATE_X), limits, and the
// settlement shape. No timers: delays are derived from context and scheduled by the machine.
// https://core.telegram.org/api/errors
import type { ResendReason, RpcProtocolFailure } from './rpc.events.js'

/** Flood waits up to this many seconds are slept through by default; longer ones fail the call. */
export const DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC = 10
/** Default deadline for one call, from enqueue to answer, across resends and flood waits. */
export const DEFAULT_RPC_TIMEOUT_MS = 60_000
/** A call resent more often than this fails instead (a resend loop is a bug somewhere). */
export const MAX_RPC_RESENDS = 8
/** A call redirected to another DC more often than this fails (303 loops). */
export const MAX_RPC_MIGRATIONS = 3

/** What an `rpc_error` means for the call. */
export type RpcErrorClass =
  | { kind: 'floodWait'; seconds: number }
  | { kind: 'migrate'; dcId: number }
  | { kind: 'other' }

// 420 FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X, 303 FILE_/PHONE_/NETWORK_/USER_/STATS_MIGRATE_X.
const FLOOD_WAIT_RE = /^FLOOD_(?:PREMIUM_)?WAIT_(\d+)$/
const MIGRATE_RE = /^(?:FILE|PHONE|NETWORK|USER|STATS)_MIGRATE_(\d+)$/

/** Classifies an rpc_error message (https://core.telegram.org/api/errors). */
export function classifyRpcError(errorMessage: string): RpcErrorClass {
  const flood = FLOOD_WAIT_RE.exec(errorMessage)
  if (flood) return { kind: 'floodWait', seconds: Number(flood[1]) }
  const migrate = MIGRATE_RE.exec(errorMessage)
  if (migrate) return { kind: 'migrate', dcId: Number(migrate[1]) }
  return { kind: 'other' }
}

/** Why a call failed: each variant carries what was expected and what happened. */
export type RpcFailure =
  | { kind: 'rpcError'; errorCode: number; errorMessage: string }
  | { kind: 'floodWait'; seconds: number; thresholdSec: number }
  | { kind: 'timeout'; afterMs: number; answerDropped: boolean }
  | { kind: 'cancelled'; answerDropped: boolean }
  | { kind: 'tooManyResends'; resends: number; limit: number }
  | { kind: 'tooManyMigrations'; dcId: number; limit: number }
  /** bad_msg_notification naming our copy, or an answer that could not be decoded. */
  | RpcProtocolFailure

/** How a call ends: exactly one per RPC actor. */
export type RpcSettlement = { ok: true; result: unknown } | { ok: false; error: RpcFailure }

export interface RpcResendRecord {
  reason: ResendReason
  /** The msg_id the request had before it went back to the queue. */
  previousMsgId: bigint | null
}

export interface RpcInput {
  /** The engine's correlation id for this call (it maps to the request bytes it keeps). */
  requestId: number
  /** TL method name, for errors and the inspector. */
  method: string
  dcId: number
  floodSleepThresholdSec?: number
  timeoutMs?: number
  /**
   * On 303 X_MIGRATE_N: settle with the 303 instead of following it (the caller — a login flow —
   * moves itself). Default false: the call is queued again on DC N.
   */
  surfaceMigrate?: boolean
}

export interface RpcContext {
  requestId: number
  method: string
  dcId: number
  /** msg_id of the copy in flight; null while queued or waiting. */
  msgId: bigint | null
  resends: RpcResendRecord[]
  migrations: number
  floodWaitSec: number
  floodSleepThresholdSec: number
  timeoutMs: number
  surfaceMigrate: boolean
  settlement: RpcSettlement | null
}

export function initialRpcContext(input: RpcInput): RpcContext {
  return {
    requestId: input.requestId,
    method: input.method,
    dcId: input.dcId,
    msgId: null,
    resends: [],
    migrations: 0,
    floodWaitSec: 0,
    floodSleepThresholdSec: input.floodSleepThresholdSec ?? DEFAULT_FLOOD_SLEEP_THRESHOLD_SEC,
    timeoutMs: input.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
    surfaceMigrate: input.surfaceMigrate ?? false,
    settlement: null,
  }
}

export function floodWaitWithinThreshold(context: RpcContext, errorMessage: string): boolean {
  const c = classifyRpcError(errorMessage)
  return c.kind === 'floodWait' && c.seconds <= context.floodSleepThresholdSec
}

export function isFloodWait(errorMessage: string): boolean {
  return classifyRpcError(errorMessage).kind === 'floodWait'
}

/** A 303 the caller asked to see rather than have followed (`surfaceMigrate`). */
export function surfacesMigrate(context: RpcContext, errorMessage: string): boolean {
  return context.surfaceMigrate && isMigrate(errorMessage)
}

export function canMigrate(context: RpcContext, errorMessage: string): boolean {
  return classifyRpcError(errorMessage).kind === 'migrate' && context.migrations < MAX_RPC_MIGRATIONS
}

export function isMigrate(errorMessage: string): boolean {
  return classifyRpcError(errorMessage).kind === 'migrate'
}

export function floodSeconds(errorMessage: string): number {
  const c = classifyRpcError(errorMessage)
  return c.kind === 'floodWait' ? c.seconds : 0
}

export function migrateDcId(errorMessage: string, fallback: number): number {
  const c = classifyRpcError(errorMessage)
  return c.kind === 'migrate' ? c.dcId : fallback
}
