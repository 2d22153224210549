// Glue between the keyed bus and XState actors: an actor's end as an Observable, and the one way
// the runtime subscribes (`finalize` for cleanup, `takeUntil(stopped$)` last). Knows nothing of
// what the events mean.
import { Observable, finalize, takeUntil, type Subscription } from 'rxjs'

/** What `stoppedOf` needs from an actor: XState's ActorRef has it. */
export interface StoppableActor {
  subscribe(observer: { complete?: () => void; error?: (err: unknown) => void }): { unsubscribe(): void }
}

/** Emits once (then completes) when `actor` stops, reaches a final state, or fails. */
export function stoppedOf(actor: StoppableActor): Observable<void> {
  return new Observable<void>((sub) => {
    const end = (): void => {
      sub.next()
      sub.complete()
    }
    const s = actor.subscribe({ complete: end, error: end })
    return () => s.unsubscribe()
  })
}

/** Something that takes events: an actor (`send`) or any sink. */
export interface EventSink<T> {
  send(event: T): void
}

/**
 * Feeds `source` into `sink` until `stopped$` emits (or `source` completes: its key was closed);
 * `onEnd` runs exactly once either way. NB: `takeUntil` is the last operator (no operator after
 * it can resubscribe past the stop).
 */
export function pipeUntilStopped<T>(
  source: Observable<T>,
  sink: EventSink<T>,
  stopped$: Observable<unknown>,
  onEnd: () => void = () => {},
): Subscription {
  return source.pipe(finalize(onEnd), takeUntil(stopped$)).subscribe((event) => sink.send(event))
}
