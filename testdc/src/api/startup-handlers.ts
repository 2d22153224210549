// Plausible, empty answers for what clients call around startup and login (app config, language
// packs, terms of service, promo data, dialog filters, status, push registration): enough for
// GramJS and mtcute to move on. The world models none of it. help.getConfig / help.getNearestDc
// are the server core's built-in fallback (testdc/src/fallback-api.ts).
import type { tl } from '@mtswarm/engine/tl'
import { apiErrors } from './errors.js'
import type { HandlerTable } from './handler.js'

/** How long a client may cache these answers (seconds). */
const STUB_EXPIRES_S = 3600
/** The hash of our (empty) app config and countries list: a client sending it back gets "not modified". */
const STUB_HASH = 1
const LANG_PACK_VERSION = 1

const english: tl.RawLangPackLanguage = {
  _: 'langPackLanguage',
  official: true,
  name: 'English',
  nativeName: 'English',
  langCode: 'en',
  pluralCode: 'en',
  stringsCount: 0,
  translatedCount: 0,
  translationsUrl: 'https://translations.telegram.org/en/',
}

function requireEnglish(langCode: string): void {
  if (langCode !== 'en' && langCode !== '') throw apiErrors.langCodeNotSupported()
}

export const startupHandlers: HandlerTable = {
  'help.getAppConfig': (req) =>
    req.hash === STUB_HASH ? { _: 'help.appConfigNotModified' } : { _: 'help.appConfig', hash: STUB_HASH, config: { _: 'jsonObject', value: [] } },
  'help.getTermsOfServiceUpdate': (_req, env) => ({ _: 'help.termsOfServiceUpdateEmpty', expires: env.world.now() + STUB_EXPIRES_S }),
  'help.getPromoData': (_req, env) => ({ _: 'help.promoDataEmpty', expires: env.world.now() + STUB_EXPIRES_S }),
  'help.getCountriesList': (req) =>
    req.hash === STUB_HASH ? { _: 'help.countriesListNotModified' } : { _: 'help.countriesList', countries: [], hash: STUB_HASH },
  'help.getInviteText': () => ({ _: 'help.inviteText', message: 'Join me on the mtswarm test DC' }),

  'langpack.getLangPack': (req) => {
    requireEnglish(req.langCode)
    return { _: 'langPackDifference', langCode: 'en', fromVersion: 0, version: LANG_PACK_VERSION, strings: [] }
  },
  'langpack.getDifference': (req) => {
    requireEnglish(req.langCode)
    return { _: 'langPackDifference', langCode: 'en', fromVersion: req.fromVersion, version: LANG_PACK_VERSION, strings: [] }
  },
  'langpack.getStrings': (req) => {
    requireEnglish(req.langCode)
    return []
  },
  'langpack.getLanguages': () => [english],
  'langpack.getLanguage': (req) => {
    requireEnglish(req.langCode)
    return english
  },

  'account.updateStatus': (_req, env) => {
    env.me()
    return true
  },
  'account.registerDevice': (_req, env) => {
    env.me()
    return true
  },
  'account.unregisterDevice': (_req, env) => {
    env.me()
    return true
  },
  'account.getNotifySettings': (_req, env) => {
    env.me()
    return { _: 'peerNotifySettings' }
  },
  'messages.getDialogFilters': (_req, env) => {
    env.me()
    return { _: 'messages.dialogFilters', filters: [] }
  },
  'messages.getAvailableReactions': (_req, env) => {
    env.me()
    return { _: 'messages.availableReactionsNotModified' }
  },
}
