// The seed story as data: site users with a group and a test phone (some homed on another DC,
// some with 2FA), and a seeded stream of karma changes. Pure: no engine, no server, no I/O (the
// seeded PRNG is the one the tests share, from @mtswarm/testdc/testing).
// Seed: shared/seeds/000_*.txt (karma +10, −2, +1000 …; groups web-masters and customers).
import { seededRng } from '@mtswarm/testdc/testing'

/** The two groups of the seed story, each with its private chat. */
export const GROUPS = ['web-masters', 'customers'] as const
export type Group = (typeof GROUPS)[number]

/** Karma at or above this joins the user's group chat (once). */
export const KARMA_THRESHOLD = 1000

/** One website user who authorizes their own Telegram account through the site. */
export interface SiteUser {
  readonly index: number
  /** The site's id for the user; also the engine's account id. */
  readonly accountId: string
  readonly name: string
  readonly group: Group
  /** Test number 99966XYYYY: homed on DC X, login code X×5 (https://core.telegram.org/api/auth#test-accounts). */
  readonly phone: string
  readonly homeDcId: number
  readonly password: string | undefined
}

/** One karma change on the site. */
export interface KarmaEvent {
  readonly userIndex: number
  readonly delta: number
}

/**
 * `count` users: ~20% homed on a DC other than the engine's default (they meet PHONE_MIGRATE),
 * ~20% with 2FA. Phones are unique test numbers (at most 9999 per DC).
 */
export function makeUsers(count: number, seed: number, dcIds: readonly number[], defaultDcId: number): SiteUser[] {
  const rng = seededRng(seed)
  const others = dcIds.filter((d) => d !== defaultDcId)
  const perDc = new Map<number, number>()
  const users: SiteUser[] = []
  for (let i = 0; i < count; i++) {
    const homeDcId = others.length > 0 && rng() < 0.2 ? others[Math.floor(rng() * others.length)]! : defaultDcId
    const n = (perDc.get(homeDcId) ?? 0) + 1
    if (n > 9998) throw new RangeError(`more than 9998 users on DC ${homeDcId}`)
    perDc.set(homeDcId, n)
    users.push({
      index: i,
      accountId: `site-user-${i}`,
      name: `User ${i}`,
      group: rng() < 0.5 ? 'web-masters' : 'customers',
      phone: `99966${homeDcId}${String(n).padStart(4, '0')}`,
      homeDcId,
      password: rng() < 0.2 ? `pw-${i}-${Math.floor(rng() * 1e6)}` : undefined,
    })
  }
  return users
}

/** The site admin's test phone (DC `dcId`, number 9999, never used by a site user). */
export function adminPhone(dcId: number): string {
  return `99966${dcId}9999`
}

const DELTAS: ReadonlyArray<readonly [number, number]> = [
  [10, 0.45],
  [-2, 0.3],
  [50, 0.12],
  [-20, 0.08],
  [1000, 0.05],
]

/** `count` karma changes over `users` users: mostly +10 and −2, now and then +1000. */
export function makeKarmaEvents(count: number, users: number, seed: number): KarmaEvent[] {
  const rng = seededRng(seed ^ 0x5eed)
  const out: KarmaEvent[] = []
  for (let i = 0; i < count; i++) {
    let r = rng()
    let delta = DELTAS[0]![0]
    for (const [d, p] of DELTAS) {
      if (r < p) {
        delta = d
        break
      }
      r -= p
    }
    out.push({ userIndex: Math.floor(rng() * users), delta })
  }
  return out
}
