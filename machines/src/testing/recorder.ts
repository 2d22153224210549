// Recording fakes for named machine actions (tests pass them through `machine.provide`).
// Knows nothing about any machine; it records (type, params) in call order.

export interface RecordedCall {
  type: string
  params: any
}

export interface Recorder<TName extends string> {
  calls: RecordedCall[]
  actions: Record<TName, (args: unknown, params: any) => void>
  /** Params of every call of one action, in order. */
  of(type: TName): any[]
  types(): string[]
  clear(): void
}

export function recordActions<TName extends string>(names: readonly TName[]): Recorder<TName> {
  const calls: RecordedCall[] = []
  const actions = {} as Record<TName, (args: unknown, params: any) => void>
  for (const name of names) actions[name] = (_args, params) => void calls.push({ type: name, params })
  return {
    calls,
    actions,
    of: (type) => calls.filter((c) => c.type === type).map((c) => c.params),
    types: () => calls.map((c) => c.type),
    clear: () => void calls.splice(0),
  }
}
