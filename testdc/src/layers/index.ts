// Layer support for the test DC: the interpreted TL codec and the per-layer request/result codecs.
export { SchemaCodec, camelCase, type EntrySpec, type FieldSpec, type SchemaCodecOptions, type TlValue, type ValueType } from './schema-codec.js'
export {
  LayerConversionError,
  LayerConverter,
  NO_TABLES,
  typeText,
  type ConversionNote,
  type ConversionTables,
} from './layer-convert.js'
export { DOWN_TABLES, UP_TABLES } from './layer-tables.js'
export {
  availableLayers,
  createLayerCodec,
  dcLayersHook,
  ourSchemaCodec,
  registerLayerSchema,
  type ApiLayerCodec,
  type SchemaGap,
} from './layer-codec.js'
export { GRAMJS_LAYER, SCHEMA_TEXTS, gramjsApiTl, ourApiTl } from './schemas.js'
