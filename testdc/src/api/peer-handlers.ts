// Users and contacts: users.getUsers / getFullUser, contacts.resolveUsername / resolvePhone / getContacts,
// account.updateUsername. Every one needs a logged-in key (AUTH_KEY_UNREGISTERED otherwise).
import type { tl } from '@mtswarm/engine/tl'
import type { UserRef } from '../world/index.js'
import { channelToTl, inputUserToRef, peerToTl, userToTl } from './convert.js'
import type { HandlerTable } from './handler.js'

export const peerHandlers: HandlerTable = {
  'users.getUsers': (req, env) => {
    const me = env.me()
    // Telegram leaves out what it cannot resolve; inputUserEmpty is simply nothing.
    const refs: UserRef[] = req.id.flatMap((input) => (input._ === 'inputUserEmpty' ? [] : [inputUserToRef(input, me.id)]))
    return env.world.getUsers(env.ctx, refs).map((u) => userToTl(u, env.viewer()))
  },
  'users.getFullUser': (req, env) => {
    const me = env.me()
    const full = env.world.getFullUser(env.ctx, inputUserToRef(req.id, me.id))
    const fullUser: tl.RawUserFull = {
      _: 'userFull',
      id: full.user.id,
      about: full.about,
      settings: { _: 'peerSettings' },
      notifySettings: { _: 'peerNotifySettings' },
      commonChatsCount: full.commonChatsCount,
    }
    return { _: 'users.userFull', fullUser, chats: [], users: [userToTl(full.user, env.viewer())] }
  },
  'contacts.resolveUsername': (req, env) => {
    env.me()
    const found = env.world.resolveUsername(env.ctx, req.username)
    const viewer = env.viewer()
    return {
      _: 'contacts.resolvedPeer',
      peer: peerToTl(found.peer),
      chats: found.channel === undefined ? [] : [channelToTl(found.channel, viewer)],
      users: found.user === undefined ? [] : [userToTl(found.user, viewer)],
    }
  },
  'contacts.resolvePhone': (req, env) => {
    env.me()
    const user = env.world.resolvePhone(env.ctx, req.phone)
    return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', userId: user.id }, chats: [], users: [userToTl(user, env.viewer())] }
  },
  'contacts.getContacts': (_req, env) => {
    env.me()
    return { _: 'contacts.contacts', contacts: [], savedCount: 0, users: [] }
  },
  'contacts.importContacts': (req, env) => {
    env.me()
    const viewer = env.viewer()
    const imported: tl.RawImportedContact[] = []
    const users: tl.TypeUser[] = []
    for (const contact of req.contacts) {
      const [user] = env.world.importContacts(env.ctx, [contact.phone])
      if (user === undefined) continue
      imported.push({ _: 'importedContact', userId: user.id, clientId: contact.clientId })
      if (!users.some((u) => u.id === user.id)) users.push(userToTl(user, viewer))
    }
    return { _: 'contacts.importedContacts', imported, popularInvites: [], retryContacts: [], users }
  },
  'account.updateUsername': (req, env) => userToTl(env.world.updateUsername(env.ctx, req.username), env.viewer()),
}
