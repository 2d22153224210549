// Whether a DH prime a server sent is safe (p and (p − 1)/2 prime), for the client handshake's
// runtime step: tested asynchronously on libuv's thread pool, one test at a time per process, and a
// refused prime remembered (bounded) so a server sending it again costs nothing more.
import { checkPrime } from 'node:crypto'

/** Primality tests started by this process (each ~0.4 s of CPU on the thread pool); for tests. */
export let primalityTests = 0

/** Which half of a refused prime is composite. */
export type NotSafe = 'p composite' | '(p−1)/2 composite'

/** Primes found not safe, remembered (bounded) so a server repeating one costs one test, not one per handshake. */
const refusedPrimes = new Map<bigint, NotSafe>()
/** Refused primes remembered at most (a server cannot grow the set without bound). */
export const MAX_REMEMBERED_REFUSED_PRIMES = 16
/** The primality test running now: tests run one at a time, process-wide. */
let primeTests: Promise<unknown> = Promise.resolve()

/**
 * Why p is not a safe prime (p or (p − 1)/2 composite), or null when it is. Tested on libuv's thread
 * pool, never on the event loop, and ONE test at a time across the process: each costs ~0.4 s of
 * CPU, and several at once (hostile servers answering many handshakes) would take every core of a
 * small machine from the event loop.
 */
export async function whyNotSafePrime(p: bigint): Promise<NotSafe | null> {
  const known = refusedPrimes.get(p)
  if (known !== undefined) return known
  const prime = (n: bigint) => {
    primalityTests++
    return new Promise<boolean>((resolve, reject) => checkPrime(n, (e, ok) => (e ? reject(e) : resolve(ok))))
  }
  const test = primeTests.then(async (): Promise<NotSafe | null> => ((await prime(p)) ? ((await prime((p - 1n) / 2n)) ? null : '(p−1)/2 composite') : 'p composite'))
  primeTests = test.catch(() => {})
  const why = await test
  if (why !== null) {
    if (refusedPrimes.size >= MAX_REMEMBERED_REFUSED_PRIMES) refusedPrimes.delete(refusedPrimes.keys().next().value as bigint)
    refusedPrimes.set(p, why)
  }
  return why
}
