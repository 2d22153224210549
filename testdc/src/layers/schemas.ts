// Where the API schema text of each layer the test DC speaks comes from: ours (the text the
// generated codec was built from) and GramJS's (layer 198, shipped inside the `telegram` package).
// Reads packages from disk; knows nothing about codecs.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { LAYER } from '@mtswarm/engine/tl'

const require = createRequire(import.meta.url)

/** Layer of the schema GramJS (`telegram` 2.26.22) ships: `LAYER` in telegram/tl/AllTLObjects.js. */
export const GRAMJS_LAYER = 198

/**
 * Our API schema as TL text (layer {@link LAYER}): the engine's pinned api.tl, the text `npm run
 * codegen` uses by default. NB: if codegen is pointed at another schema, the layer check in
 * layer-codec.ts refuses to mix them.
 */
export function ourApiTl(): string {
  return readFileSync(require.resolve('@mtswarm/engine/schema/api.tl'), 'utf8')
}

/** GramJS's API schema text (telegram/tl/apiTl.js), layer {@link GRAMJS_LAYER}; it has no `// LAYER` line. */
export function gramjsApiTl(): string {
  return require('telegram/tl/apiTl.js') as string
}

/** Layer → API schema text, for every layer a codec can be built for. */
export const SCHEMA_TEXTS: ReadonlyMap<number, () => string> = new Map([
  [LAYER, ourApiTl],
  [GRAMJS_LAYER, gramjsApiTl],
])
