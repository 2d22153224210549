// 2048-bit primes for the DH group checks' tests, with where each came from.
import { getDiffieHellman } from 'node:crypto'

// RFC 3526 §3, the 2048-bit MODP group (a safe prime), as OpenSSL ships it.
export const RFC3526_2048 = BigInt('0x' + getDiffieHellman('modp14').getPrime('hex'))
// Two 2048-bit safe primes made for these tests with `openssl dhparam 2048` (OpenSSL 3);
// dh-checks.test.ts re-checks p and (p − 1)/2 with OpenSSL's primality test through checkDhGroup.
export const OPENSSL_SAFE_A = BigInt(
  '0x' +
    'd3093ab620a8ee5c893792d576a590ec7a62d1e8fd6b74eab1ed541938ed13e76886bf4483ed6c138e214e580df5caa3' +
    'b235f897de7c23809ce3be5149ad4346baf35d5e1c1bfb886ad0d73fb7ebd8c2277e4b7c371a2cec29c231a4cf78448f' +
    '5399f76179f18286ea97669c765b4ec96bd38234f2c258cc55758aa30a8d8db799e1ece3d1fa2c64ae43be6f44a752ab' +
    '8a05173c4b89118e3b0efa35c1b010ee655da089d4f110977f23606de94bda01d34eed418e3a9c253719368a230d00f8' +
    'c3184b6cd14127852e71e47b20648ab19be4862ffca7fd34702dbacfc5b47d57fd2b13516b01f8fb0e98d993768c7bcd' +
    '8a21b405522cc42f1e8d478f7076bc57',
)
export const OPENSSL_SAFE_B = BigInt(
  '0x' +
    'a6947ad0747a41db8f5e7f7d4172bcfaae99343e01359ed7389112d1266d7dcfd5e974a22b67b83b33a0e3b31cf34cc6' +
    'bde5aca55cf4f05b34e9b6c847614f4055a581c688ad71d54f229b73163502616d9eb4659652d19abeeae8e9dc8d0cba' +
    'b89afe6ad178452d4e395e2f398030a65dffbb42e847327dfafb42c4ec70cad9bbeb6711b8c5c7963ed15abd404135c0' +
    '683825a673df82f82bec4f18008a94fdde07ab5999be171378c40ff993e2ffd1a1ccf7d23880307b11b228225287edd5' +
    'b5ed870df10fb10a2139a08fcbbf2690edcd0bdd426c9a094bf6726d81d803d2b5e0e314b61a403684876b7c8c636918' +
    'f72a95c6e26a4a6f1e65dbc7b193302f',
)
// A 2048-bit prime whose (p − 1)/2 is composite (`openssl prime -generate -bits 2048`).
export const UNSAFE_PRIME_2048 = BigInt(
  '0x' +
    'd86d23fe539815946f5255b6d624e71c065edfbaa6fb50a0da1aeac997e9e7868edb6a77faaa1919e8d3aa2ddcac05ed' +
    '12b387c456e23c47fc3664a4eb10cab20d2690476efc43869b9c118fd0c310966ace80bf98e262cff790d595f42deae7' +
    '88952b35775eaae1f4b3e7f68f8e8c298bcd2f835c3f13b0bf9c2dcd014783f3545880068143ee480270461f32080373' +
    'fae06f42082f7fe28e1373f9216432581fb82a56063905e7acf5a181af3141a3507af6ca5236a4638ee8b730090e7e73' +
    '367c818000a87ff4a3b8407c908fef0abe9781f3d8bc18be171ee9f50e774af9daddc7449392c6ee139b473d873dfb7e' +
    'e732fa0308a14a6876b84cdf8e2e5273',
)
