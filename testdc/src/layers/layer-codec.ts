// Per-layer API codecs for the test DC: requests read in the layer the client declared (and
// up-converted to ours), results and pushed updates built as layer-227 objects down-converted to
// it. Ours goes through the generated codec, other layers through the interpreted one.
// Knows schemas and conversion; not sessions, wrappers (rpc-codec.ts strips them) or sockets.
// https://core.telegram.org/api/invoking#layers
import {
  LAYER,
  TlError,
  TlWriter,
  deserializeObject,
  ids,
  parseTlSchema,
  serializeObject,
  type TlObject,
} from '@mtswarm/engine/tl'
import { type ConversionNote, LayerConversionError, LayerConverter, typeText } from './layer-convert.js'
import { DOWN_TABLES, UP_TABLES } from './layer-tables.js'
import { SchemaCodec, type EntrySpec, type TlValue, type ValueType } from './schema-codec.js'
import { SCHEMA_TEXTS } from './schemas.js'

/** Reads requests and writes results/updates of one API layer. Methods are bound (pass them around). */
export interface ApiLayerCodec {
  readonly layer: number
  /** This layer's schema, interpreted (objects already in this layer's terms: `schema.serialize(obj)`). */
  readonly schema: SchemaCodec
  /** The boxed request (wrappers included or not) as this layer's objects. Throws TlError on bad bytes. */
  readRequest(bytes: Uint8Array): TlValue
  /**
   * The request read in this layer, converted by name to our layer's shape (what the handlers
   * take). Throws TlError on bad bytes, and `unknown-constructor` at offset 0 for a method ours
   * does not have; {@link LayerConversionError} when a nested constructor has no counterpart.
   */
  readRequestAs227(bytes: Uint8Array): TlValue
  /** `result` (built in our layer) of method `methodName`, converted to this layer and serialized. */
  writeResult(methodName: string, result: unknown): Uint8Array
  /** A boxed object built in our layer (pushed updates), converted to this layer and serialized. */
  writeObject(obj: TlValue): Uint8Array
  /** What conversion synthesised, dropped or mapped so far, results/updates going down to this layer. */
  downNotes(): ConversionNote[]
  /** The same for requests going up to ours. */
  upNotes(): ConversionNote[]
  resetNotes(): void
  /** Required fields this layer's constructors have and ours lack (where defaults can come from). */
  schemaGaps(): SchemaGap[]
}

/** A required field of a layer's constructor that our same-named constructor cannot fill as is. */
export interface SchemaGap {
  readonly constructor: string
  readonly field: string
  /** The layer's TL type of the field. */
  readonly type: string
  /** `absent in 227`, `optional in 227`, or `227 has <type>`. */
  readonly why: string
  /** Whether layer-tables.ts supplies the value (else a typed default is synthesised). */
  readonly bridged: boolean
}

const extraTexts = new Map<number, () => string>()
const cache = new Map<number, ApiLayerCodec>()
let ours: SchemaCodec | undefined

/** Makes `createLayerCodec(layer)` use `tlText` (any API schema text) for `layer`. */
export function registerLayerSchema(layer: number, tlText: string): void {
  if (layer === LAYER) throw new Error(`layer ${LAYER} is the generated codec's`)
  extraTexts.set(layer, () => tlText)
  cache.delete(layer)
}

/** Layers {@link createLayerCodec} can build a codec for. */
export function availableLayers(): number[] {
  return [...new Set([...SCHEMA_TEXTS.keys(), ...extraTexts.keys()])].sort((a, b) => a - b)
}

/**
 * Our layer's schema, interpreted (for result types and up-conversion). Checked against the
 * generated codec: if codegen was pointed at another schema, the ids disagree and this throws.
 */
export function ourSchemaCodec(): SchemaCodec {
  if (ours !== undefined) return ours
  const codec = new SchemaCodec(parseTlSchema(SCHEMA_TEXTS.get(LAYER)!()), { layer: LAYER })
  const generated = ids as Readonly<Record<string, number>>
  for (const spec of codec.entries.values()) {
    if (generated[spec.name] !== spec.id) {
      throw new Error(`layer codec: ${spec.name} is ${spec.id} in the schema text but ${generated[spec.name]} in the generated codec; rerun npm run codegen`)
    }
  }
  return (ours = codec)
}

/** The codec for `layer`, or undefined when we have no schema for it. Built once per layer (schema compile: ~0.5 s). */
export function createLayerCodec(layer: number): ApiLayerCodec | undefined {
  const cached = cache.get(layer)
  if (cached !== undefined) return cached
  const text = extraTexts.get(layer) ?? SCHEMA_TEXTS.get(layer)
  if (text === undefined) return undefined
  const codec = layer === LAYER ? generatedCodec() : interpretedCodec(layer, text())
  cache.set(layer, codec)
  return codec
}

/**
 * Adapter for the test DC's `layers` hook (types.ts LayersHook): undefined for our layer (the
 * server uses the generated codec), else requests up-converted to ours and results down-converted.
 */
export function dcLayersHook(layer: number):
  | { readRequest(bytes: Uint8Array): TlValue; writeResult(method: string, result: unknown): Uint8Array; writeObject(obj: TlValue): Uint8Array }
  | undefined {
  if (layer === LAYER) return undefined
  const c = createLayerCodec(layer)
  return c && { readRequest: c.readRequestAs227, writeResult: c.writeResult, writeObject: c.writeObject }
}

function generatedCodec(): ApiLayerCodec {
  const schema = ourSchemaCodec()
  const w = new TlWriter(64 * 1024)
  const read = (bytes: Uint8Array): TlValue => deserializeObject(bytes) as unknown as TlValue
  return {
    layer: LAYER,
    schema,
    readRequest: read,
    readRequestAs227: read,
    writeResult: (method, result) => {
      const spec = schema.entries.get(method)
      if (spec?.kind !== 'method' || spec.result === undefined) {
        throw new LayerConversionError('unknown-method', `layer ${LAYER} has no method ${method}`, LAYER, method)
      }
      checkResultType(schema, spec, result)
      w.reset()
      writeGenerated(w, spec.result, result)
      return w.result()
    },
    writeObject: (obj) => serializeObject(obj as unknown as TlObject),
    downNotes: () => [],
    upNotes: () => [],
    resetNotes: () => {},
    schemaGaps: () => [],
  }
}

function interpretedCodec(layer: number, text: string): ApiLayerCodec {
  const codec = new SchemaCodec(parseTlSchema(text), { layer })
  const ourSchema = ourSchemaCodec()
  const down = new LayerConverter(codec, DOWN_TABLES)
  const up = new LayerConverter(ourSchema, UP_TABLES)
  const w = new TlWriter(64 * 1024)
  const readRequest = (bytes: Uint8Array): TlValue => codec.deserialize(bytes)
  return {
    layer,
    schema: codec,
    readRequest,
    readRequestAs227: (bytes) => {
      const req = readRequest(bytes)
      if (!ourSchema.entries.has(req._)) {
        // A method of this layer only (users.getIsPremiumRequiredToContact at 198): to our layer
        // it is an unknown id at offset 0, which the DC answers like any method it does not serve.
        const id = codec.entries.get(req._)!.id
        throw new TlError('unknown-constructor', `${req._} (layer ${layer}) does not exist in layer ${LAYER}`, 0, id)
      }
      return up.convertObject(req, undefined, req._)
    },
    writeResult: (method, result) => {
      const value = down.convertResult(method, result)
      w.reset()
      codec.writeResult(method, w, value)
      return w.result()
    },
    writeObject: (obj) => codec.serialize(down.convertObject(obj, undefined, obj._)),
    downNotes: () => down.allNotes(),
    upNotes: () => up.allNotes(),
    resetNotes: () => {
      down.resetNotes()
      up.resetNotes()
    },
    schemaGaps: () => schemaGaps(codec, ourSchema),
  }
}

/** Our layer: a result object (or vector element) must be a constructor of the method's result type. */
function checkResultType(schema: SchemaCodec, method: EntrySpec, result: unknown): void {
  const t = method.result!
  const want = t.kind === 'boxed' ? t.type : t.kind === 'vector' && t.item.kind === 'boxed' ? t.item.type : undefined
  if (want === undefined) return
  const items = t.kind === 'vector' ? (Array.isArray(result) ? result : [result]) : [result]
  for (const item of items) {
    const name = typeof item === 'object' && item !== null ? (item as TlValue)._ : undefined
    if (typeof name !== 'string' || schema.entries.get(name)?.type !== want) {
      throw new LayerConversionError('wrong-type', `${method.name} returns ${typeText(t)}, got ${String(name ?? typeof item)}`, LAYER, method.name)
    }
  }
}

function writeGenerated(w: TlWriter, t: ValueType, v: unknown): void {
  switch (t.kind) {
    case 'bool':
      return w.bool(v as boolean)
    case 'int':
      return w.int32(v as number)
    case 'long':
      return w.int64(v as bigint)
    case 'double':
      return w.double(v as number)
    case 'string':
      return w.string(v as string)
    case 'bytes':
      return w.bytes(v as Uint8Array)
    case 'vector':
      return t.bare
        ? w.bareVector(v as unknown[], (ww, x) => writeGenerated(ww, t.item, x))
        : w.vector(v as unknown[], (ww, x) => writeGenerated(ww, t.item, x))
    case 'boxed':
    case 'any':
      return w.object(v as { _: string })
    default:
      throw new LayerConversionError('bad-value', `cannot write a ${typeText(t)} result`, LAYER, typeText(t))
  }
}

function schemaGaps(layerCodec: SchemaCodec, ourSchema: SchemaCodec): SchemaGap[] {
  const out: SchemaGap[] = []
  for (const spec of layerCodec.entries.values()) {
    const mine = ourSchema.entries.get(spec.name)
    if (spec.kind !== 'constructor' || mine === undefined) continue
    for (const f of spec.fields) {
      if (f.condition || f.type.kind === 'flags') continue
      const g = mine.fields.find((x) => x.prop === f.prop)
      const why = g === undefined ? `absent in ${LAYER}` : g.condition ? `optional in ${LAYER}` : typeText(g.type) !== typeText(f.type) ? `${LAYER} has ${typeText(g.type)}` : undefined
      if (why === undefined) continue
      const bridged =
        DOWN_TABLES.fieldSources.has(`${spec.name}.${f.prop}`) ||
        (g !== undefined && g.type.kind === 'boxed' && [...DOWN_TABLES.coercions.keys()].some((k) => k.endsWith(`->${typeText(f.type)}`) && ourSchema.constructorsByType.get((g.type as { type: string }).type)?.some((c) => k.startsWith(`${c.name}->`))))
      out.push({ constructor: spec.name, field: f.prop, type: typeText(f.type), why, bridged })
    }
  }
  return out
}
