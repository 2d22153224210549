// The first query on each connection carries the layer and who the client is:
// invokeWithLayer(LAYER, initConnection(…, query)). Pure: builds the TL object, sends nothing.
// https://core.telegram.org/api/invoking#layers · https://core.telegram.org/method/initConnection
import { LAYER, type TlObject } from '../tl/index.js'

/** initConnection's fields about the client (langPack is always ''). */
export interface InitConnectionClient {
  readonly apiId: number
  readonly deviceModel: string
  readonly systemVersion: string
  readonly appVersion: string
  readonly systemLangCode: string
  readonly langCode: string
}

/** `query` wrapped for the first call on a connection: invokeWithLayer(layer, initConnection(…, query)). */
export function withInitConnection(query: TlObject, client: InitConnectionClient, layer: number = LAYER): TlObject {
  return {
    _: 'invokeWithLayer',
    layer,
    query: {
      _: 'initConnection',
      apiId: client.apiId,
      deviceModel: client.deviceModel,
      systemVersion: client.systemVersion,
      appVersion: client.appVersion,
      systemLangCode: client.systemLangCode,
      langPack: '',
      langCode: client.langCode,
      query,
    },
  } as TlObject
}
